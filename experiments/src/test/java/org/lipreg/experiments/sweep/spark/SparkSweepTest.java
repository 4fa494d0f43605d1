package org.lipreg.experiments.sweep.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;

import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lipreg.experiments.certify.CertifyCli;
import org.lipreg.experiments.cli.LipregCli;
import org.lipreg.experiments.config.ConfigLoader;
import org.lipreg.experiments.run.ChildJvm;
import org.lipreg.experiments.sweep.SweepPlan;
import org.lipreg.experiments.sweep.SweepReport;
import org.lipreg.experiments.sweep.SweepRunner;

import tech.tablesaw.api.Table;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;

/**
 * The same sweep run by child JVMs on this machine and as tasks of an embedded Spark (local[2]):
 * the same report, finished runs skipped, an interrupted run resumed and a failed run recorded.
 */
class SparkSweepTest {

    @TempDir Path dir;

    @Test
    void sparkLocalModeGivesTheLocalSweepsReportAndSkipsResumesAndRecordsFailures() throws Exception {
        // A directory with no IDX files in it: there, so the sweep starts, but that run fails.
        Path noIdx = Files.createDirectories(dir.resolve("no-idx-files"));
        Path file = dir.resolve("sweep.yaml");
        Files.writeString(file, """
                name: s
                base:
                  epochs: 2
                  data: {type: synthetic, trainSize: 100, testSize: 50, batchSize: 50}
                  model: {preset: mlp, hidden: [4]}
                grid: {seed: [1, 2]}
                variants:
                  - {name: ok}
                  - {name: broken, set: {data.type: idx, data.path: %s}}
                """.formatted(noIdx));
        SweepPlan plan = SweepPlan.load(file);
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        SweepRunner runner = new SweepRunner(new PrintStream(log, true, StandardCharsets.UTF_8));
        SparkSweepBackend spark = new SparkSweepBackend("local[2]", 1, List.of());

        Path local = dir.resolve("local");
        Path onSpark = dir.resolve("spark");
        SweepRunner.Outcome byProcesses = runner.run(plan, local, 2);
        SweepRunner.Outcome bySpark = runner.run(plan, onSpark, spark);
        assertEquals(byProcesses, bySpark, log.toString(StandardCharsets.UTF_8));
        assertEquals(new SweepRunner.Outcome(2, 0, 2), bySpark, log.toString(StandardCharsets.UTF_8));
        assertTrue(log.toString(StandardCharsets.UTF_8).contains("as Spark tasks on local[2]"));
        String failure = Files.readString(onSpark.resolve("broken_seed-1/failure.txt"));
        assertTrue(failure.startsWith("exit code 2: lipreg: " + noIdx + ": no IDX image/label file pair found"), failure);

        SweepReport localReport = SweepReport.read(local);
        SweepReport sparkReport = SweepReport.read(onSpark);
        localReport.write(local);
        sparkReport.write(onSpark);
        assertEquals(CertifyCli.withoutColumns(local.resolve("summary.csv"), "seconds", "time"),
                CertifyCli.withoutColumns(onSpark.resolve("summary.csv"), "seconds", "time"));
        assertEquals(withoutTimeColumns(localReport.runs()), withoutTimeColumns(sparkReport.runs()));

        // Rerun on Spark: the finished runs are skipped, an interrupted one resumes from its checkpoint.
        Path interrupted = onSpark.resolve("ok_seed-1");
        Files.delete(interrupted.resolve("summary.json"));
        Files.delete(interrupted.resolve("checkpoints/checkpoint-0002.ckpt"));
        FileTime untouched = Files.getLastModifiedTime(onSpark.resolve("ok_seed-2/summary.json"));
        SweepRunner.Outcome again = runner.run(plan, onSpark, spark);
        assertEquals(new SweepRunner.Outcome(1, 1, 2), again, log.toString(StandardCharsets.UTF_8));
        assertEquals(untouched, Files.getLastModifiedTime(onSpark.resolve("ok_seed-2/summary.json")),
                "a finished run is skipped");
        JsonNode summary = ConfigLoader.json().readTree(interrupted.resolve("summary.json").toFile());
        assertEquals("finished", summary.get("status").asText());
        assertEquals(1, summary.get("resumedFromEpoch").asInt(), "continued from the checkpoint of epoch 1");
        assertFalse(Files.exists(interrupted.resolve("failure.txt")));
    }

    @Test
    void sparkClassesLoadOnlyWithTheOptionAndMasterNeedsIt() throws Exception {
        Path file = dir.resolve("sweep.yaml");
        Files.writeString(file, """
                name: d
                base: {epochs: 1, data: {type: synthetic, trainSize: 100, testSize: 50}, model: {preset: mlp}}
                grid: {seed: [1, 2]}
                """);
        // A fresh JVM lists every class it loads: the sweep command, parsed and run without --spark.
        List<String> command = new ArrayList<>(ChildJvm.lipreg(List.of("-verbose:class")));
        command.addAll(List.of("sweep", file.toString(), "--dry-run"));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, process.waitFor(), output);
        assertTrue(output.contains("org.lipreg.experiments.cli.SweepCommand"), "the listing shows the classes loaded");
        assertFalse(output.contains("org.apache.spark"), "no Spark class without --spark");

        StringWriter err = new StringWriter();
        int code = LipregCli.execute(new PrintWriter(new StringWriter()), new PrintWriter(err, true),
                "sweep", file.toString(), "--master", "local[2]");
        assertEquals(2, code, err.toString());
        assertTrue(err.toString().contains("--master is a Spark master URL: it needs --spark"), err.toString());
        assertFalse(Files.exists(Path.of("runs", "sweep-d")), "nothing written");

        // HDFS/S3A are not supported yet: refused, not written to a directory named "s3a:".
        for (String uri : List.of("s3a://bucket/sweeps/d", "hdfs://namenode:8020/sweeps/d")) {
            err = new StringWriter();
            code = LipregCli.execute(new PrintWriter(new StringWriter()), new PrintWriter(err, true),
                    "sweep", file.toString(), "--spark", "--out", uri);
            assertEquals(2, code, err.toString());
            assertTrue(err.toString().contains("--out " + uri
                    + ": a file system URI"), err.toString());
            assertFalse(Files.exists(Path.of(uri.substring(0, uri.indexOf(':') + 1))), "nothing written");
        }
    }

    @Test
    void aMasterUrlIsPassedThroughAndLocalModeStaysOnLoopbackWithoutUi() {
        SparkSweepBackend cluster = new SparkSweepBackend("spark://master.example:7077", 2, List.of());
        assertEquals("spark://master.example:7077", cluster.master());
        SparkConf clusterConf = SparkSweepBackend.conf(cluster.master(), "a");
        assertEquals("spark://master.example:7077", clusterConf.get("spark.master"));
        assertFalse(clusterConf.contains("spark.driver.bindAddress"), "a cluster's driver binds where it must");

        String submitted = System.getProperty("spark.master");
        try {
            System.clearProperty("spark.master");
            assertEquals("local[3]", new SparkSweepBackend(null, 3, List.of()).master());
            System.setProperty("spark.master", "yarn"); // as spark-submit sets it
            assertEquals("yarn", new SparkSweepBackend(null, 3, List.of()).master());
        } finally {
            if (submitted == null) {
                System.clearProperty("spark.master");
            } else {
                System.setProperty("spark.master", submitted);
            }
        }
        SparkConf local = SparkSweepBackend.conf("local[2]", "a");
        assertEquals("false", local.get("spark.ui.enabled"));
        assertEquals("127.0.0.1", local.get("spark.driver.bindAddress"));
        assertEquals("127.0.0.1", local.get("spark.driver.host"));
    }

    /** A table's text with the columns that hold wall times taken out. */
    private static String withoutTimeColumns(Table table) {
        Table kept = table.copy();
        for (String name : table.columnNames()) {
            if (name.contains("seconds") || name.contains("time")) {
                kept.removeColumns(name);
            }
        }
        return kept.printAll();
    }
}
