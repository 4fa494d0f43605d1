package org.lipreg.experiments.certify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lipreg.experiments.cli.LipregCli;
import org.lipreg.experiments.config.ConfigLoader;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code certify lipschitz|smooth --spark} in local mode against the single-process commands on
 * copies of one run with the same seed: the same files, row for row, but for the seconds.
 */
class SparkCertifyTest {

    @TempDir Path dir;

    @Test
    void lipschitzOnSparkWritesTheSingleProcessRows() throws Exception {
        Path alone = TinyRun.copyTo(dir.resolve("alone/run"));
        Path onSpark = TinyRun.copyTo(dir.resolve("spark/run"));
        String[] options = {"--points", "5", "--eps", "0.01,0.5", "--method", "naive,ibp,crown,bab", "--spec", "margin",
            "--seed", "7"};
        String log = CertifyCli.run(alone, "lipschitz", options);
        String sparkLog = CertifyCli.run(onSpark, "lipschitz", CertifyCli.with(options, "--spark", "--parallel", "2"));
        assertTrue(sparkLog.contains("certifying the points on Spark local[2]"), sparkLog);
        assertTrue(sparkLog.contains("[5/5] point 4 eps 0.01"), sparkLog);
        for (String file : List.of("points.csv", "per_output.csv", "summary.csv")) {
            List<String> expected = CertifyCli.withoutSeconds(alone.resolve("certify").resolve(file));
            assertEquals(expected, CertifyCli.withoutSeconds(onSpark.resolve("certify").resolve(file)), file + "\n" + log);
        }
        assertEquals(5 * 2 * 4 + 1, Files.readAllLines(onSpark.resolve("certify/points.csv")).size());
        assertEquals(figuresWithoutSeconds(alone), figuresWithoutSeconds(onSpark));
    }

    @Test
    void smoothingOnSparkWritesTheSingleProcessRows() throws Exception {
        Path alone = TinyRun.copyTo(dir.resolve("alone/run"));
        Path onSpark = TinyRun.copyTo(dir.resolve("spark/run"));
        String[] options = {"--points", "7", "--method", "cohen,soft", "--n0", "20", "--n", "300", "--alpha", "0.01",
            "--sigma", "0.25,0.5", "--seed", "3"};
        CertifyCli.run(alone, "smooth", options);
        String sparkLog = CertifyCli.run(onSpark, "smooth", CertifyCli.with(options, "--spark", "--parallel", "2"));
        assertTrue(sparkLog.contains("certifying the points on Spark local[2]"), sparkLog);
        for (String file : List.of("points.csv", "curve.csv", "summary.csv")) {
            List<String> expected = CertifyCli.withoutSeconds(alone.resolve("smoothing").resolve(file));
            assertEquals(expected, CertifyCli.withoutSeconds(onSpark.resolve("smoothing").resolve(file)), file);
        }
        assertEquals(7 * 2 * 2 + 1, Files.readAllLines(onSpark.resolve("smoothing/points.csv")).size());
        assertEquals(figuresWithoutSeconds(alone), figuresWithoutSeconds(onSpark));
    }

    @Test
    void sparkOptionsNeedEachOtherAndARun() throws Exception {
        Path run = TinyRun.copyTo(dir.resolve("run"));
        StringWriter err = new StringWriter();
        assertEquals(2, LipregCli.execute(new PrintWriter(new StringWriter()), new PrintWriter(err, true), "certify",
                "lipschitz", "--npz", dir.resolve("net.npz").toString(), "--eps", "0.1", "--spark"));
        assertTrue(err.toString().contains("--spark certifies the points of a run: it needs --run DIR"), err.toString());
        err = new StringWriter();
        assertEquals(2, LipregCli.execute(new PrintWriter(new StringWriter()), new PrintWriter(err, true), "certify",
                "smooth", "--run", run.toString(), "--master", "local[2]"));
        assertTrue(err.toString().contains("--master is a Spark master URL: it needs --spark"), err.toString());
        assertFalse(Files.exists(run.resolve("smoothing")), "nothing written");
    }

    /** Runs a certify subcommand on a run, returning what it printed; it must succeed. */
    /** The run's certificate figures but the times. */
    private static Map<String, String> figuresWithoutSeconds(Path run) throws Exception {
        JsonNode root = ConfigLoader.json().readTree(run.resolve(CertifyOutputs.CERTIFICATE_FILE).toFile());
        Map<String, String> figures = new TreeMap<>();
        for (Iterator<String> keys = root.fieldNames(); keys.hasNext(); ) {
            String key = keys.next();
            if (!key.contains("seconds")) {
                figures.put(key, root.get(key).asText());
            }
        }
        assertFalse(figures.isEmpty(), run + ": no figures");
        return figures;
    }
}
