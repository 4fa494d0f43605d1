package org.lipreg.experiments.counterfactual;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lipreg.experiments.cli.LipregCli;
import org.lipreg.experiments.data.Standardization;

import tech.tablesaw.api.Table;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/** {@code lipreg train} on a generated table, then {@code lipreg counterfactual} end to end. */
class CounterfactualCommandTest {

    @TempDir Path dir;

    private static int run(StringWriter err, String... args) {
        return LipregCli.execute(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true), args);
    }

    /** Two Gaussian blobs in 4-d with labels 1 and 2 (as German credit writes them), 200 rows. */
    private Path table() throws Exception {
        Random random = new Random(3);
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 200; i++) {
            int label = random.nextInt(3) == 0 ? 2 : 1;
            double shift = label == 1 ? 1 : -1;
            for (int j = 0; j < 4; j++) {
                text.append(String.format(Locale.ROOT, "%.4f ", 10 + 3 * (shift + random.nextGaussian())));
            }
            text.append(label).append('\n');
        }
        Path file = dir.resolve("blobs.data");
        Files.writeString(file, text.toString());
        return file;
    }

    private Path train(Path data) throws Exception {
        Path config = dir.resolve("run.yaml");
        Files.writeString(config, "name: blobs\nseed: 1\nepochs: 3\n"
                + "data: {type: csv, path: " + data + ", trainSize: 160, testSize: 40, batchSize: 32}\n"
                + "model: {preset: mlp, hidden: [8]}\noptimizer: {name: adam, learningRate: 0.01}\n");
        Path runDir = dir.resolve("run");
        StringWriter err = new StringWriter();
        assertEquals(0, run(err, "train", "--config", config.toString(), "--out", runDir.toString()), err.toString());
        assertTrue(Files.isRegularFile(runDir.resolve(Standardization.FILE)));
        return runDir;
    }

    @Test
    void trainsOnATableAndWritesCounterfactualsWithRetrainedValidity() throws Exception {
        Path data = table();
        Path runDir = train(data);
        Path out = dir.resolve("cf");
        StringWriter err = new StringWriter();
        int code = run(err, "counterfactual", "--run", runDir.toString(), "--data", data.toString(), "--points", "3",
                "--retrain", "2", "--samples", "200", "--eta", "0.1", "--out", out.toString());
        assertEquals(0, code, err.toString());
        for (String f : List.of("points.csv", "summary.csv", "summary.md", "counterfactuals.png")) {
            assertTrue(Files.isRegularFile(out.resolve(f)), f);
        }
        assertTrue(Files.isDirectory(out.resolve("retrained/seed-2/model")));
        assertTrue(Files.isDirectory(out.resolve("retrained/seed-3/model")));

        Table points = Table.read().csv(out.resolve("points.csv").toFile());
        assertEquals(3, points.rowCount());
        for (int r = 0; r < 3; r++) {
            // Every chosen point is predicted 2 (bad); the default target is 1, the common label.
            assertEquals(2.0, points.numberColumn("predicted").getDouble(r));
            assertEquals(1, points.intColumn("base_valid").get(r));
            assertEquals(1, points.intColumn("trex_valid").get(r));
            assertEquals("certified", points.stringColumn("lipschitz").get(r));
            for (String p : List.of("base_", "trex_")) {
                double sampled = points.numberColumn(p + "stability").getDouble(r);
                assertTrue(points.numberColumn(p + "lipschitz_stability").getDouble(r) <= sampled + 1e-6);
                double fraction = points.numberColumn(p + "retrained_validity").getDouble(r);
                assertTrue(fraction == 0 || fraction == 0.5 || fraction == 1, "fraction " + fraction);
            }
            assertTrue(points.numberColumn("trex_cost_l2").getDouble(r) <= points.numberColumn("base_cost_l2").getDouble(r) + 1 + 1e-6);
        }
        Table summary = Table.read().csv(out.resolve("summary.csv").toFile());
        assertEquals(List.of("base", "t-rex"), summary.stringColumn("method").asList());
        assertTrue(summary.numberColumn("stability").getDouble(1) >= summary.numberColumn("stability").getDouble(0),
                "T-Rex does not lower stability");
        String md = Files.readString(out.resolve("summary.md"));
        assertTrue(md.contains("| method | points | cost_l2"), md);

        // A second run into the same directory is refused (its tables would be replaced) unless
        // told to overwrite; then it reuses the retrained models instead of training them again.
        String[] again = {"counterfactual", "--run", runDir.toString(), "--points", "1", "--retrain", "2",
            "--samples", "100", "--out", out.toString()};
        StringWriter refused = new StringWriter();
        assertEquals(2, run(refused, again));
        assertTrue(refused.toString().contains("points.csv") && refused.toString().contains("--overwrite"),
                refused.toString());
        StringWriter err2 = new StringWriter();
        String[] overwrite = java.util.Arrays.copyOf(again, again.length + 1);
        overwrite[again.length] = "--overwrite";
        assertEquals(0, run(err2, overwrite), err2.toString());
        assertTrue(Files.readString(out.resolve("summary.md")).contains("| method | points | cost_l2"));
    }

    @Test
    void badInputNamesTheFlagOrFile() throws Exception {
        Path data = table();
        Path runDir = train(data);
        StringWriter err = new StringWriter();
        assertEquals(2, run(err, "counterfactual", "--run", runDir.toString(), "--target", "7"));
        assertTrue(err.toString().contains("--target 7.0: not a label of the run (labels [1.0, 2.0])"), err.toString());

        err = new StringWriter();
        assertEquals(2, run(err, "counterfactual", "--run", runDir.toString(), "--sigma", "0"));
        assertTrue(err.toString().contains("--sigma must be positive"), err.toString());

        err = new StringWriter();
        assertEquals(2, run(err, "counterfactual", "--run", dir.resolve("nothing").toString()));
        assertTrue(err.toString().contains("--run " + dir.resolve("nothing") + ": no such directory"), err.toString());

        Path wrong = dir.resolve("wrong.data");
        Files.writeString(wrong, "1 2 1\n3 4 2\n");
        err = new StringWriter();
        assertEquals(2, run(err, "counterfactual", "--run", runDir.toString(), "--data", wrong.toString()));
        assertTrue(err.toString().contains("--data: " + wrong + ": has 2 rows, too few"), err.toString());
    }
}
