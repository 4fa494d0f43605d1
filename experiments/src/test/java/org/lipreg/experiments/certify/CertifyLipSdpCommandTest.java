package org.lipreg.experiments.certify;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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

/** {@code lipreg certify lipsdp}: the table, the order of its bounds, refusals with exit 2. */
class CertifyLipSdpCommandTest {

    @TempDir Path dir;

    private static Layer.Dense dense(Random random, int in, int out) {
        double[] w = new double[in * out];
        for (int i = 0; i < w.length; i++) {
            w[i] = random.nextGaussian() / Math.sqrt(in);
        }
        double[] b = new double[out];
        for (int i = 0; i < out; i++) {
            b[i] = 0.1 * random.nextGaussian();
        }
        return new Layer.Dense(new Tensor(new int[] {out, in}, w), new Tensor(new int[] {out}, b));
    }

    private static int run(StringWriter err, String... args) {
        return LipregCli.execute(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true), args);
    }

    private static void assertOrdered(Table t) {
        double product = t.doubleColumn("product_bound").get(0);
        double lipsdp = t.doubleColumn("lipsdp_bound").get(0);
        double optimizer = t.doubleColumn("optimizer_bound").get(0);
        double lower = t.doubleColumn("lower_bound").get(0);
        assertTrue(lower > 0 && lower <= lipsdp && lipsdp <= product * (1 + 1e-9), t.print());
        assertEquals(optimizer, lipsdp, 1e-5 * optimizer, t.print());
    }

    @Test
    void aMaxMinNetworkGetsItsTableAndARerunNeedsOverwrite() throws Exception {
        Random random = new Random(7);
        Network network = new Network(new int[] {5}, List.of(dense(random, 5, 8), new Layer.GroupSort(2),
                dense(random, 8, 6), new Layer.GroupSort(2), dense(random, 6, 3)));
        NetworkFiles.write(network, dir.resolve("net"));
        Path out = dir.resolve("out");
        String[] args = {"certify", "lipsdp", "--npz", dir.resolve("net.npz").toString(), "--points", "50",
            "--out", out.toString()};
        StringWriter err = new StringWriter();
        assertEquals(0, run(err, args), err.toString());
        Table table = Table.read().csv(out.resolve("lipsdp.csv").toFile());
        assertOrdered(table);
        // the baseline is proven too, so it is never below the attained lower bound
        assertTrue(table.doubleColumn("residual_relu_bound").get(0) >= table.doubleColumn("lower_bound").get(0),
                table.print());
        assertTrue(Files.readString(out.resolve("lipsdp.md")).contains("| residual_relu_bound |"));

        byte[] before = Files.readAllBytes(out.resolve("lipsdp.csv"));
        StringWriter again = new StringWriter();
        assertEquals(2, run(again, args));
        assertTrue(again.toString().contains("lipsdp.csv") && again.toString().contains("--overwrite"), again.toString());
        assertArrayEquals(before, Files.readAllBytes(out.resolve("lipsdp.csv")));
        String[] overwrite = java.util.Arrays.copyOf(args, args.length + 1);
        overwrite[args.length] = "--overwrite";
        assertEquals(0, run(err, overwrite), err.toString());
    }

    @Test
    void unsupportedLayersAreNamedWithExitTwoAndNothingWritten() throws Exception {
        Random random = new Random(8);
        Network conv = new Network(new int[] {1, 4, 4}, List.of(new Layer.Conv2d(
                new Tensor(new int[] {2, 1, 3, 3}, new double[18]), Tensor.zeros(2), new int[] {1, 1},
                new int[] {0, 0}, new int[] {1, 1}, 1), new Layer.Relu(0), new Layer.Flatten(), dense(random, 8, 2)));
        NetworkFiles.write(conv, dir.resolve("conv"));
        Path out = dir.resolve("out");
        StringWriter err = new StringWriter();
        assertEquals(2, run(err, "certify", "lipsdp", "--npz", dir.resolve("conv.npz").toString(), "--out", out.toString()));
        assertTrue(err.toString().contains("#0 Conv2d"), err.toString());
        assertFalse(Files.exists(out));
    }

    @Test
    void aGroupSortNetworkOfSizeFourIsCertified() throws Exception {
        Random random = new Random(10);
        Network network = new Network(new int[] {4}, List.of(dense(random, 4, 8), new Layer.GroupSort(4),
                dense(random, 8, 2)));
        NetworkFiles.write(network, dir.resolve("gs4"));
        Path out = dir.resolve("out");
        StringWriter err = new StringWriter();
        assertEquals(0, run(err, "certify", "lipsdp", "--npz", dir.resolve("gs4.npz").toString(), "--points", "50",
                "--out", out.toString()), err.toString());
        Table t = Table.read().csv(out.resolve("lipsdp.csv").toFile());
        assertOrdered(t);
        assertTrue(t.column("residual_relu_bound").isMissing(0), t.print()); // the rewrite is for pairs
    }

    @Test
    void aRunTrainedWithTheHouseholderActivationIsCertified() throws Exception {
        Path run = TinyRun.train(Files.createDirectories(dir.resolve("hh")),
                "{preset: mlp, hidden: [8], activation: householder}");
        StringWriter err = new StringWriter();
        assertEquals(0, run(err, "certify", "lipsdp", "--run", run.toString(), "--points", "20"), err.toString());
        Table t = Table.read().csv(run.resolve("certify/lipsdp.csv").toFile());
        assertOrdered(t);
        assertTrue(t.column("residual_relu_bound").isMissing(0), t.print());
        // the local certifiers have no graph form for it: lower bounds only, and exit 2
        assertEquals(2, run(new StringWriter(), "certify", "lipschitz", "--run", run.toString(), "--eps", "0.1",
                "--points", "2", "--method", "crown"));
        Table local = Table.read().csv(run.resolve("certify/summary.csv").toFile());
        assertTrue(local.column("mean_upper").isMissing(0)
                && Double.parseDouble(local.column("mean_lower").getString(0)) > 0,
                local.print());
    }

    @Test
    void aRunIsCertifiedIntoItsCertifyDirectory() throws Exception {
        Path run = TinyRun.copyTo(dir.resolve("run"));
        StringWriter err = new StringWriter();
        Path certificate = run.resolve("certificate.json");
        Files.writeString(certificate, "{\"lipschitz_crown_eps0.01_mean_upper\": 7.5}");
        assertEquals(0, run(err, "certify", "lipsdp", "--run", run.toString(), "--points", "20"), err.toString());
        Table t = Table.read().csv(run.resolve("certify/lipsdp.csv").toFile());
        assertOrdered(t);
        // the ℓ2 bound joins the run's certified figures (what lipreg report reads), beside the others
        com.fasterxml.jackson.databind.JsonNode figures = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(certificate.toFile());
        assertEquals(t.doubleColumn("lipsdp_bound").get(0), figures.path("lipsdp_l2").asDouble(), 0, figures.toString());
        assertEquals(t.doubleColumn("lower_bound").get(0), figures.path("lipsdp_l2_lower").asDouble(), 0);
        assertEquals(t.doubleColumn("product_bound").get(0), figures.path("lipsdp_l2_product").asDouble(), 0);
        assertEquals(7.5, figures.path("lipschitz_crown_eps0.01_mean_upper").asDouble(), 0);

        // they are an earlier result: another output directory still needs --overwrite
        byte[] before = Files.readAllBytes(certificate);
        StringWriter again = new StringWriter();
        assertEquals(2, run(again, "certify", "lipsdp", "--run", run.toString(), "--points", "20", "--out",
                dir.resolve("elsewhere").toString()));
        assertTrue(again.toString().contains("certificate.json") && again.toString().contains("lipsdp_l2"),
                again.toString());
        assertArrayEquals(before, Files.readAllBytes(certificate));
    }

    @Test
    void theLinfBoundOfOneOutputHasItsOwnFilesAndBadOptionsExitTwo() throws Exception {
        Random random = new Random(9);
        Network network = new Network(new int[] {4}, List.of(dense(random, 4, 6), new Layer.Relu(0),
                dense(random, 6, 3)));
        NetworkFiles.write(network, dir.resolve("net"));
        Path out = dir.resolve("out");
        String npz = dir.resolve("net.npz").toString();
        StringWriter err = new StringWriter();
        assertEquals(0, run(err, "certify", "lipsdp", "--npz", npz, "--points", "50", "--norm", "linf", "--output", "2",
                "--out", out.toString()), err.toString());
        Table t = Table.read().csv(out.resolve("lipsdp-linf-2.csv").toFile());
        assertEquals("linf, output 2", t.stringColumn("norm").get(0));
        assertOrdered(t);
        assertTrue(t.column("residual_relu_bound").isMissing(0), t.print()); // a ReLU network: nothing to rewrite
        assertFalse(Files.exists(out.resolve("lipsdp.csv")));

        Path other = dir.resolve("other");
        StringWriter noOutput = new StringWriter();
        assertEquals(2, run(noOutput, "certify", "lipsdp", "--npz", npz, "--norm", "linf", "--out", other.toString()));
        assertTrue(noOutput.toString().contains("--output"), noOutput.toString());
        StringWriter range = new StringWriter();
        assertEquals(2, run(range, "certify", "lipsdp", "--npz", npz, "--norm", "linf", "--output", "3", "--out",
                other.toString()));
        assertTrue(range.toString().contains("--output 3") && range.toString().contains("3 outputs"), range.toString());
        StringWriter relu = new StringWriter();
        assertEquals(2, run(relu, "certify", "lipsdp", "--npz", npz, "--solver", "first-order", "--out", other.toString()));
        assertTrue(relu.toString().contains("MaxMin"), relu.toString());
        assertFalse(Files.exists(other.resolve("lipsdp.csv")));
    }
}
