package org.lipreg.experiments.certify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lipreg.certify.ir.Layer;
import org.lipreg.certify.ir.Network;
import org.lipreg.certify.ir.NetworkFiles;
import org.lipreg.certify.ir.Tensor;
import org.lipreg.experiments.cli.LipregCli;

import tech.tablesaw.api.Table;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

/** {@code lipreg certify} on exported networks: tables written, bounds ordered, bad input named. */
class CertifyCommandTest {

    @TempDir Path dir;

    private static Layer.Dense dense(Random random, int in, int out, boolean positive) {
        double[] w = new double[in * out];
        for (int i = 0; i < w.length; i++) {
            w[i] = random.nextGaussian() / Math.sqrt(in);
            if (positive) {
                w[i] = Math.abs(w[i]);
            }
        }
        double[] b = new double[out];
        for (int i = 0; i < out; i++) {
            b[i] = 0.1 * random.nextGaussian();
        }
        return new Layer.Dense(new Tensor(new int[] {out, in}, w), new Tensor(new int[] {out}, b));
    }

    private Path export(boolean positive) throws Exception {
        Random random = new Random(4);
        Network network = new Network(new int[] {6}, List.of(dense(random, 6, 10, positive), new Layer.Relu(0),
                dense(random, 10, 10, positive), new Layer.Relu(0), dense(random, 10, 3, positive)));
        Path base = dir.resolve(positive ? "positive" : "net");
        NetworkFiles.write(network, base);
        return dir.resolve(base.getFileName() + ".npz");
    }

    private static int run(StringWriter err, String... args) {
        return LipregCli.execute(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true), args);
    }

    @Test
    void lipschitzWritesTablesWithSoundOrderedBounds() throws Exception {
        Path npz = export(false);
        Path out = dir.resolve("out");
        StringWriter err = new StringWriter();
        int code = run(err, "certify", "lipschitz", "--npz", npz.toString(), "--eps", "0.05,0.2", "--points", "3",
                "--method", "naive,ibp,crown,bab", "--timeout", "1", "--spec", "margin", "--out", out.toString());
        assertEquals(0, code, err.toString());
        for (String f : List.of("points.csv", "per_output.csv", "summary.csv", "summary.md", "ratio.png")) {
            assertTrue(Files.isRegularFile(out.resolve(f)), f);
        }
        Table points = Table.read().csv(out.resolve("points.csv").toFile());
        assertEquals(3 * 2 * 4, points.rowCount());
        for (int r = 0; r < points.rowCount(); r++) {
            double lower = points.doubleColumn("lower").get(r);
            double upper = points.doubleColumn("upper").get(r);
            assertTrue(upper >= lower * (1 - 1e-9), "row " + r + ": upper " + upper + " < lower " + lower);
            if (!"naive".equals(points.stringColumn("method").get(r))) {
                assertTrue(points.doubleColumn("radius").get(r) >= 0);
            }
        }
    }

    @Test
    void monotonicProvesAPositiveNetworkIncreasing() throws Exception {
        Path npz = export(true);
        Path out = dir.resolve("mono");
        StringWriter err = new StringWriter();
        assertEquals(0, run(err, "certify", "monotonic", "--npz", npz.toString(), "--out", out.toString()), err.toString());
        Table table = Table.read().csv(out.resolve("monotonicity.csv").toFile());
        assertEquals(3 * 6, table.rowCount());
        assertTrue(table.stringColumn("verdict").asList().stream().allMatch("increasing"::equals));
    }

    @Test
    void badInputIsNamedWithExitTwo() throws Exception {
        Path npz = export(false);
        StringWriter err = new StringWriter();
        assertEquals(2, run(err, "certify", "lipschitz", "--npz", npz.toString(), "--eps", "0.1", "--method", "exact"));
        assertTrue(err.toString().contains("--method") && err.toString().contains("exact"), err.toString());
        StringWriter missing = new StringWriter();
        assertEquals(2, run(missing, "certify", "lipschitz", "--npz", dir.resolve("nope.npz").toString(), "--eps", "0.1"));
        assertTrue(missing.toString().contains("nope.npz"), missing.toString());
        StringWriter domain = new StringWriter();
        assertEquals(2, run(domain, "certify", "lipschitz", "--npz", npz.toString(), "--eps", "0.1", "--domain", "1,0"));
        assertTrue(domain.toString().contains("--domain"), domain.toString());
        StringWriter steps = new StringWriter();
        assertEquals(2, run(steps, "certify", "lipschitz", "--npz", npz.toString(), "--eps", "0.1",
                "--bab-constraint-steps", "-1"));
        assertTrue(steps.toString().contains("--bab-constraint-steps"), steps.toString());
        assertFalse(Files.exists(dir.resolve("runs")));
    }

    /** NaN or infinite weights used to give blank bounds, complete_fraction 1 and exit 0. */
    @Test
    void nonFiniteWeightsInAnNpzAreNamedWithExitTwo() throws Exception {
        for (double bad : new double[] {Double.NaN, Double.POSITIVE_INFINITY}) {
            Random random = new Random(4);
            Layer.Dense middle = dense(random, 10, 10, false);
            middle.weight().data()[3 * 10 + 7] = bad;
            Network network = new Network(new int[] {6}, List.of(dense(random, 6, 10, false), new Layer.Relu(0), middle,
                    new Layer.Relu(0), dense(random, 10, 3, false)));
            NetworkFiles.write(network, dir.resolve("bad"));
            Path out = dir.resolve("bad-out");
            for (String command : List.of("lipschitz", "monotonic")) {
                StringWriter err = new StringWriter();
                assertEquals(2, run(err, "certify", command, "--npz", dir.resolve("bad.npz").toString(), "--eps", "0.05",
                        "--out", out.toString()), err.toString());
                for (String part : List.of("bad.npz", "'layers.2.weight'", String.valueOf(bad), "[3, 7]")) {
                    assertTrue(err.toString().contains(part), part + " not in: " + err);
                }
            }
            assertFalse(Files.exists(out));
        }
    }

    @Test
    void aTrainedRunIsCertifiedExportedAndGetsItsCertificate() throws Exception {
        Path config = dir.resolve("tiny.json");
        Files.writeString(config, "{\"name\": \"tiny\", \"epochs\": 1, \"data\": {\"type\": \"synthetic\", "
                + "\"trainSize\": 400, \"testSize\": 50, \"batchSize\": 50, \"trainingNoise\": 0.1}, "
                + "\"model\": {\"preset\": \"mlp\", \"hidden\": [8]}}");
        Path run = dir.resolve("run");
        StringWriter err = new StringWriter();
        assertEquals(0, run(err, "train", "--config", config.toString(), "--out", run.toString()), err.toString());
        // Output specs: the summary has no radius, which must not break the certificate.
        assertEquals(0, run(err, "certify", "lipschitz", "--run", run.toString(), "--eps", "0.01", "--points", "2",
                "--method", "naive,crown"), err.toString());
        String certificate = Files.readString(run.resolve(CertifyOutputs.CERTIFICATE_FILE));
        assertTrue(certificate.contains("lipschitz_crown_eps0.01_mean_upper"), certificate);
        assertFalse(certificate.contains("radius"), certificate);
        Table points = Table.read().csv(run.resolve("certify/points.csv").toFile());
        for (int r = 0; r < points.rowCount(); r++) {
            assertTrue(points.doubleColumn("upper").get(r) >= points.doubleColumn("lower").get(r) * (1 - 1e-9));
        }
        // Not "tiny": tiny.json is the config, which export refuses to replace.
        assertEquals(0, run(err, "certify", "export", "--run", run.toString(), "--out", dir.resolve("tiny-net").toString()),
                err.toString());
        assertTrue(Files.isRegularFile(dir.resolve("tiny-net.npz")) && Files.isRegularFile(dir.resolve("tiny-net.json")));

        // Smoothing at the run's training noise (the default σ); its figures join the certificate.
        assertEquals(0, run(err, "certify", "smooth", "--run", run.toString(), "--method", "cohen,soft", "--points",
                "5", "--n0", "20", "--n", "300", "--alpha", "0.01"), err.toString());
        Path smoothing = run.resolve("smoothing");
        for (String f : List.of("points.csv", "curve.csv", "summary.csv", "summary.md", "certified_accuracy.png")) {
            assertTrue(Files.isRegularFile(smoothing.resolve(f)), f);
        }
        Table log = Table.read().csv(smoothing.resolve("points.csv").toFile());
        assertEquals(10, log.rowCount());
        double maxRadius = 0.1 * org.apache.commons.statistics.distribution.NormalDistribution.of(0, 1)
                .inverseCumulativeProbability(Math.pow(0.01, 1.0 / 300));
        for (int r = 0; r < log.rowCount(); r++) {
            int predicted = log.intColumn("predicted").getInt(r);
            assertEquals(predicted == log.intColumn("label").getInt(r), Boolean.parseBoolean(log.column("correct").getString(r)));
            double radius = log.doubleColumn("radius").getDouble(r);
            assertTrue(radius >= 0 && radius <= maxRadius + 1e-12, "radius " + radius + " beyond n=300's maximum");
            assertEquals(predicted == -1, radius == 0);
        }
        certificate = Files.readString(run.resolve(CertifyOutputs.CERTIFICATE_FILE));
        assertTrue(certificate.contains("lipschitz_crown_eps0.01_mean_upper"), certificate);
        assertTrue(certificate.contains("smoothing_soft_sigma0.1_acc_r0.25"), certificate);
        StringWriter bad = new StringWriter();
        assertEquals(2, run(bad, "certify", "smooth", "--run", run.toString(), "--method", "vote"));
        assertTrue(bad.toString().contains("--method") && bad.toString().contains("vote"), bad.toString());
    }
}
