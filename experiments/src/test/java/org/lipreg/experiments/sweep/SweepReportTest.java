package org.lipreg.experiments.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import tech.tablesaw.api.Table;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Aggregation on hand-made run directories, checked against a direct computation. */
class SweepReportTest {

    @TempDir Path dir;

    private void run(String name, String variant, String seed, double[] accuracy, String status) throws IOException {
        Path run = Files.createDirectories(dir.resolve(name));
        StringBuilder csv = new StringBuilder("epoch,test_accuracy,test_loss,seconds\n");
        for (int e = 0; e < accuracy.length; e++) {
            csv.append(e + 1).append(',').append(accuracy[e]).append(',').append(1 - accuracy[e]).append(",2.5\n");
        }
        Files.writeString(run.resolve("metrics.csv"), csv.toString());
        if (status != null) {
            Files.writeString(run.resolve("summary.json"), "{\"status\": \"" + status + "\"}");
        }
    }

    private void plan() throws IOException {
        StringBuilder runs = new StringBuilder();
        String[][] rows = {{"a_seed-1", "a", "1"}, {"a_seed-2", "a", "2"}, {"a_seed-3", "a", "3"},
            {"b_seed-1", "b", "1"}, {"b_seed-2", "b", "2"}};
        for (String[] r : rows) {
            if (runs.length() > 0) {
                runs.append(',');
            }
            runs.append("{\"name\":\"").append(r[0]).append("\",\"variant\":\"").append(r[1])
                    .append("\",\"axes\":{\"seed\":\"").append(r[2]).append("\"}}");
        }
        Files.writeString(dir.resolve("sweep.json"), "{\"name\":\"h\",\"axes\":[\"seed\"],\"hasVariants\":true,"
                + "\"metrics\":[\"test_accuracy\",\"test_loss\"],\"runs\":[" + runs + "]}");
    }

    @Test
    void groupsOverSeedsWithMeanStdAndCount() throws IOException {
        plan();
        run("a_seed-1", "a", "1", new double[] {0.5, 0.90}, "finished");
        run("a_seed-2", "a", "2", new double[] {0.6, 0.80}, "finished");
        run("a_seed-3", "a", "3", new double[] {0.7, 0.85}, "finished");
        run("b_seed-1", "b", "1", new double[] {0.4, 0.70}, "finished");
        run("b_seed-2", "b", "2", new double[] {0.3}, null); // interrupted: not aggregated
        Files.createDirectories(dir.resolve("b_seed-2/checkpoints"));

        SweepReport report = SweepReport.read(dir);
        Table runs = report.runs();
        assertEquals(List.of("finished", "finished", "finished", "finished", "interrupted"),
                runs.stringColumn("status").asList());
        assertEquals(0.90, runs.doubleColumn("best_test_accuracy").get(0), 1e-12);
        assertEquals(0.10, runs.doubleColumn("best_test_loss").get(0), 1e-12, "loss: the minimum is best");
        assertEquals(5.0, runs.doubleColumn("seconds").get(0), 1e-12);

        Table summary = report.summary();
        assertEquals(2, summary.rowCount());
        double mean = (0.90 + 0.80 + 0.85) / 3;
        double std = Math.sqrt(((0.90 - mean) * (0.90 - mean) + (0.80 - mean) * (0.80 - mean)
                + (0.85 - mean) * (0.85 - mean)) / 2);
        assertEquals(mean, summary.doubleColumn("test_accuracy_mean").get(0), 1e-12);
        assertEquals(std, summary.doubleColumn("test_accuracy_std").get(0), 1e-12);
        assertEquals(3, summary.intColumn("n").get(0));
        assertEquals(0.70, summary.doubleColumn("test_accuracy_mean").get(1), 1e-12);
        assertEquals(0.0, summary.doubleColumn("test_accuracy_std").get(1), 0.0);
        assertEquals(1, summary.intColumn("n").get(1));
        assertEquals(1, summary.intColumn("failed").get(1));

        assertEquals("""
                | variant | test_accuracy | test_loss | n |
                |---|---:|---:|---:|
                | a | 0.8500 ± 0.0500 | 0.1500 ± 0.0500 | 3 |
                | b | 0.7000 ± 0 | 0.3000 ± 0 | 1 |
                """, report.markdown());

        report.write(dir);
        List<String> csv = Files.readAllLines(dir.resolve("summary.csv"));
        assertEquals("variant,test_accuracy_mean,test_accuracy_std,test_loss_mean,test_loss_std,n,failed", csv.get(0));
        assertEquals(3, csv.size());
    }

    @Test
    void notASweepDirectoryIsNamed() {
        IOException e = org.junit.jupiter.api.Assertions.assertThrows(IOException.class, () -> SweepReport.read(dir));
        assertEquals(dir + ": not a sweep directory (no sweep.json)", e.getMessage());
    }

    @Test
    void certifiedFiguresJoinTheMetrics() throws IOException {
        plan();
        run("a_seed-1", "a", "1", new double[] {0.9}, "finished");
        run("a_seed-2", "a", "2", new double[] {0.8}, "finished");
        run("a_seed-3", "a", "3", new double[] {0.85}, "finished");
        run("b_seed-1", "b", "1", new double[] {0.7}, "finished");
        run("b_seed-2", "b", "2", new double[] {0.6}, "finished");
        Files.writeString(dir.resolve("a_seed-1/certificate.json"), "{\"lipschitz_crown_eps0.01_mean_upper\": 10.0}");
        Files.writeString(dir.resolve("a_seed-2/certificate.json"), "{\"lipschitz_crown_eps0.01_mean_upper\": 14.0}");
        SweepReport report = SweepReport.read(dir);
        assertEquals(10.0, report.runs().doubleColumn("final_lipschitz_crown_eps0.01_mean_upper").get(0), 0);
        assertEquals(true, Double.isNaN(report.runs().doubleColumn("final_lipschitz_crown_eps0.01_mean_upper").getDouble(2)));
        // Group a: two of its three runs are certified; the mean is over those two.
        assertEquals(12.0, report.summary().doubleColumn("lipschitz_crown_eps0.01_mean_upper_mean").get(0), 1e-12);
        assertEquals(true, Double.isNaN(report.summary().doubleColumn("lipschitz_crown_eps0.01_mean_upper_mean").getDouble(1)));
        report.write(dir);
        assertEquals(true, Files.isRegularFile(dir.resolve("bar_lipschitz_crown_eps0.01_mean_upper.png")));
    }

    @Test
    void theLipSdpBoundIsACertifiedFigure() throws IOException {
        plan();
        run("a_seed-1", "a", "1", new double[] {0.9}, "finished");
        run("a_seed-2", "a", "2", new double[] {0.8}, "finished");
        run("b_seed-1", "b", "1", new double[] {0.7}, "finished");
        double[] bounds = {2.0, 3.0};
        for (int i = 0; i < 2; i++) {
            org.lipreg.certify.lipsdp.LipSdpResult result = new org.lipreg.certify.lipsdp.LipSdpResult(5.0, bounds[i],
                    bounds[i], 1.0, 0.1, org.lipreg.certify.lipsdp.LipSdp.Solver.NEWTON, 10, true);
            org.lipreg.experiments.certify.LipSdpOutputs.writeCertificate(
                    org.lipreg.experiments.certify.LipSdpOutputs.table("m", "l2", result, null),
                    dir.resolve("a_seed-" + (i + 1) + "/certificate.json"));
        }
        SweepReport report = SweepReport.read(dir);
        assertEquals(2.0, report.runs().doubleColumn("final_lipsdp_l2").get(0), 0);
        assertEquals(5.0, report.runs().doubleColumn("final_lipsdp_l2_product").get(1), 0);
        assertEquals(true, Double.isNaN(report.runs().doubleColumn("final_lipsdp_l2").getDouble(2)));
        assertEquals(2.5, report.summary().doubleColumn("lipsdp_l2_mean").get(0), 1e-12);
        // no residual-ReLU baseline in the table: no figure, rather than a blank one
        assertEquals(false, report.runs().containsColumn("final_lipsdp_l2_residual_relu"));
    }

    @Test
    void csvTablesWriteSecondsToTheMillisecondAndCountsAsIntegers() throws IOException {
        plan();
        for (String[] r : new String[][] {{"a_seed-1", "a", "1"}, {"a_seed-2", "a", "2"}, {"a_seed-3", "a", "3"},
            {"b_seed-1", "b", "1"}, {"b_seed-2", "b", "2"}}) {
            Path run = Files.createDirectories(dir.resolve(r[0]));
            // Two epochs whose seconds add up to 11.761000370000001 in double arithmetic.
            Files.writeString(run.resolve("metrics.csv"), "epoch,test_accuracy,test_loss,seconds\n"
                    + "1,0.5,0.5,5.4\n2,0.75,0.25,6.36100037\n");
            Files.writeString(run.resolve("summary.json"), "{\"status\": \"finished\"}");
        }
        assertEquals(11.761000370000001, 5.4 + 6.36100037, 0.0);
        SweepReport.read(dir).write(dir);
        List<String> runs = Files.readAllLines(dir.resolve("runs.csv"));
        assertEquals("run,variant,seed,status,final_test_accuracy,best_test_accuracy,final_test_loss,best_test_loss,"
                + "epochs_done,seconds,error", runs.get(0));
        assertEquals("a_seed-1,a,1,finished,0.75,0.75,0.25,0.25,2,11.761,", runs.get(1));
        List<String> summary = Files.readAllLines(dir.resolve("summary.csv"));
        assertEquals("a,0.75,0,0.25,0,3,0", summary.get(1));
    }

    @Test
    void anRlGridOverStepsKeepsTheAxisBesideTheStepsDone() throws IOException {
        // Two runs set to 200 and 300 steps; the second stopped after its evaluation at step 200.
        Files.writeString(dir.resolve("sweep.json"), "{\"name\":\"s\",\"kind\":\"rl\",\"axes\":[\"steps\"],"
                + "\"hasVariants\":false,\"metrics\":[\"mean_return\"],\"runs\":["
                + "{\"name\":\"steps-200\",\"axes\":{\"steps\":\"200\"}},"
                + "{\"name\":\"steps-300\",\"axes\":{\"steps\":\"300\"}}]}");
        for (String run : List.of("steps-200", "steps-300")) {
            Files.createDirectories(dir.resolve(run));
            Files.writeString(dir.resolve(run + "/returns.csv"),
                    "step,mean_return,seconds\n100,-900,1.5\n200,-700,3.25\n");
        }
        Files.writeString(dir.resolve("steps-200/summary.json"), "{\"status\": \"finished\"}");
        Files.createDirectories(dir.resolve("steps-300/checkpoints"));

        SweepReport report = SweepReport.read(dir);
        Table runs = report.runs();
        assertEquals(List.of("200", "300"), runs.stringColumn("steps").asList(), "the axis: steps each run was set to");
        assertEquals(List.of(200, 200), runs.intColumn("steps_done").asList(), "the last evaluation's step");
        assertEquals(List.of("finished", "interrupted"), runs.stringColumn("status").asList());
        assertEquals(-700, runs.doubleColumn("final_mean_return").get(0), 0);
        assertEquals(List.of(1, 0), report.summary().intColumn("n").asList());
        report.write(dir);
        assertEquals("run,steps,status,final_mean_return,best_mean_return,steps_done,seconds,error",
                Files.readAllLines(dir.resolve("runs.csv")).get(0));
    }

    @Test
    void anAxisNamedLikeAReportColumnIsRefusedNamingThePlanAndTheAxis() throws IOException {
        // No config key is named so today; a plan that has one anyway is named, not a Tablesaw error.
        Files.writeString(dir.resolve("sweep.json"), "{\"name\":\"s\",\"axes\":[\"Status\"],"
                + "\"hasVariants\":false,\"metrics\":[\"test_accuracy\"],"
                + "\"runs\":[{\"name\":\"status-x\",\"axes\":{\"Status\":\"x\"}}]}");
        IOException e = org.junit.jupiter.api.Assertions.assertThrows(IOException.class,
                () -> SweepReport.read(dir));
        assertEquals(dir.resolve("sweep.json") + ": axis 'Status': its column in runs.csv/summary.csv would clash with "
                + "the report's column 'status'; sweep over another key", e.getMessage());
    }
}
