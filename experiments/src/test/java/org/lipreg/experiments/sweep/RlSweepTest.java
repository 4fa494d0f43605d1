package org.lipreg.experiments.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lipreg.experiments.cli.LipregCli;
import org.lipreg.experiments.config.ConfigLoader;
import org.lipreg.experiments.rl.RlRunner;
import org.lipreg.training.io.NumberText;

import tech.tablesaw.api.Table;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Locale;

/** A sweep over an RL config: real {@code lipreg rl} children, the report checked against returns.csv. */
class RlSweepTest {

    @TempDir Path dir;

    private static final String TINY_SAC = """
            name: rl-tiny
            base: {agent: sac, env: Pendulum-v1, steps: 200, learningStarts: 100, batchSize: 16, hidden: [8],
                   evalInterval: 100, evalEpisodes: 1}
            grid: {seed: [1, 2]}
            """;

    /** One column of a run's returns.csv, read as plain text (independent of the report's reader). */
    private static double[] column(Path runDir, String name) throws IOException {
        List<String> lines = Files.readAllLines(runDir.resolve(RlRunner.RETURNS_FILE));
        int index = List.of(lines.get(0).split(",")).indexOf(name);
        return lines.subList(1, lines.size()).stream().mapToDouble(l -> Double.parseDouble(l.split(",")[index])).toArray();
    }

    private static double last(double[] v) {
        return v[v.length - 1];
    }

    @Test
    void anRlSweepRunsReportsItsMetricsAndSkipsOrRestartsOnRerun() throws Exception {
        Path file = dir.resolve("sweep.yaml");
        Files.writeString(file, TINY_SAC);
        SweepPlan plan = SweepPlan.load(file);
        assertEquals(RunKind.RL, plan.kind(), "agent and env make it an RL sweep");
        assertEquals(RunKind.RL.defaultMetrics(), plan.metrics());
        Path out = dir.resolve("out");
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        SweepRunner runner = new SweepRunner(new PrintStream(log, true, StandardCharsets.UTF_8));

        assertEquals(new SweepRunner.Outcome(2, 0, 0), runner.run(plan, out, 2), log.toString(StandardCharsets.UTF_8));
        List<Path> runDirs = List.of(out.resolve("seed-1"), out.resolve("seed-2"));
        for (Path run : runDirs) {
            assertTrue(SweepRunner.isFinished(run), run + ": summary.json says finished");
            assertTrue(Files.readString(run.resolve(SweepRunner.LOG_FILE)).contains("step 200/200"));
        }

        SweepReport report = SweepReport.read(out);
        Table runs = report.runs();
        double[][] finals = new double[5][2];
        List<String> metrics = plan.metrics();
        for (int r = 0; r < 2; r++) {
            Path run = runDirs.get(r);
            double[] returns = column(run, "mean_return");
            assertEquals(2, returns.length, "evaluations at steps 100 and 200");
            double[] expected = {last(returns), java.util.Arrays.stream(returns).average().orElseThrow(),
                last(column(run, "seconds")), last(column(run, "critic_lipschitz_product")),
                last(column(run, "critic_gradient_max"))};
            assertEquals("finished", runs.stringColumn("status").get(r));
            assertEquals(200, runs.intColumn("steps_done").getInt(r));
            assertEquals(expected[2], runs.doubleColumn("seconds").getDouble(r), 1e-9, "RL seconds: since the start");
            for (int m = 0; m < metrics.size(); m++) {
                assertEquals(expected[m], runs.doubleColumn("final_" + metrics.get(m)).getDouble(r), 1e-9, metrics.get(m));
                finals[m][r] = expected[m];
            }
            assertEquals(Math.max(returns[0], returns[1]), runs.doubleColumn("best_mean_return").getDouble(r), 1e-9,
                    "a higher return is better");
            assertTrue(Double.isNaN(runs.doubleColumn("best_seconds").getDouble(r)), "time has no best value");
            JsonNode summary = ConfigLoader.json().readTree(run.resolve("summary.json").toFile());
            assertEquals(expected[0], summary.get("final_return").asDouble(), 1e-9);
            assertEquals(expected[1], summary.get("mean_return_over_curve").asDouble(), 1e-9);
        }

        // No variants, no axis but seed: one group of both runs.
        Table summary = report.summary();
        assertEquals(1, summary.rowCount());
        assertEquals(2, summary.intColumn("n").getInt(0));
        StringBuilder row = new StringBuilder("|");
        for (int m = 0; m < metrics.size(); m++) {
            double mean = (finals[m][0] + finals[m][1]) / 2;
            double std = Math.abs(finals[m][0] - finals[m][1]) / Math.sqrt(2);
            assertEquals(mean, summary.doubleColumn(metrics.get(m) + "_mean").getDouble(0), 1e-9, metrics.get(m));
            assertEquals(std, summary.doubleColumn(metrics.get(m) + "_std").getDouble(0), 1e-9, metrics.get(m));
            // Every metric to 4 decimals, seconds to the millisecond (rounded as the report rounds).
            row.append(' ').append(NumberText.displayDecimals(metrics.get(m), mean, 4)).append(" ± ")
                    .append(NumberText.displayDecimals(metrics.get(m), std, 4)).append(" |");
        }
        String markdown = report.markdown();
        assertTrue(markdown.startsWith("| mean_return | return_auc | seconds | critic_lipschitz_product | "
                + "critic_gradient_max | n |\n"), markdown);
        assertTrue(markdown.contains(row + " 2 |\n"), markdown + "\nexpected row: " + row);
        report.write(out);
        for (String f : List.of("runs.csv", "summary.csv", "summary.md", "curve_mean_return.png", "bar_return_auc.png",
                "bar_critic_lipschitz_product.png")) {
            assertTrue(Files.isRegularFile(out.resolve(f)), f);
        }

        // A rerun skips both finished runs ...
        FileTime untouched = Files.getLastModifiedTime(runDirs.get(1).resolve("summary.json"));
        assertEquals(new SweepRunner.Outcome(0, 2, 0), runner.run(plan, out, 1), log.toString(StandardCharsets.UTF_8));
        // ... and resumes an unfinished one from its newest checkpoint, to the same curve.
        double[] before = column(runDirs.get(0), "mean_return");
        Files.delete(runDirs.get(0).resolve("summary.json"));
        Files.delete(runDirs.get(0).resolve(RlRunner.RETURNS_FILE));
        assertFalse(SweepRunner.isFinished(runDirs.get(0)));
        assertEquals(new SweepRunner.Outcome(1, 1, 0), runner.run(plan, out, 1), log.toString(StandardCharsets.UTF_8));
        assertTrue(SweepRunner.isFinished(runDirs.get(0)));
        assertEquals(untouched, Files.getLastModifiedTime(runDirs.get(1).resolve("summary.json")));
        assertEquals(java.util.Arrays.toString(before), java.util.Arrays.toString(column(runDirs.get(0), "mean_return")));
    }

    @Test
    void badKeysInAnRlSweepAreNamed() throws Exception {
        Files.writeString(dir.resolve("mbpo.yaml"), "agent: mbpo\nenv: Pendulum-v1\n");
        String[][] cases = {
            {"base: {agent: sac, stpes: 100}", "base.stpes: unknown key (allowed: "},
            {"base: {agent: sac}\ngrid: {critic.regulariser: [none]}",
                "grid.critic.regulariser = \"none\": critic.regulariser: unknown key"},
            {"kind: rl\ngrid: {evalEpisodes: [1, 0]}", "grid.evalEpisodes = 0: evalEpisodes: must be at least 1 (got 0)"},
            {"baseConfig: mbpo.yaml\nvariants: [{name: a, set: {model.type: triple}}]",
                "variants[0] (a): model.type: must be one of [ensemble, single] (got triple)"},
            {"base: {env: Pendulum-v1}\nmetrics: [mean_return, final_return]",
                "metrics[1]: 'final_return' is not one of [mean_return, std_return, seconds, alpha, critic_loss, "
                        + "critic_lipschitz_product, critic_gradient_max, return_auc]"},
            {"kind: reinforcement", "kind: must be one of [train, rl] (got reinforcement)"},
        };
        for (String[] c : cases) {
            Path file = dir.resolve("bad.yaml");
            Files.writeString(file, "name: rl-bad\n" + c[0] + "\n");
            StringWriter err = new StringWriter();
            int code = LipregCli.execute(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true),
                    "sweep", file.toString(), "--out", dir.resolve("out").toString());
            assertEquals(2, code, c[0] + ": " + err);
            assertTrue(err.toString().contains("\n  " + c[1]), c[0] + ": " + err);
        }
        assertFalse(Files.exists(dir.resolve("out")), "nothing runs");
    }
}
