package org.lipreg.experiments.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lipreg.experiments.config.ConfigException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

class SweepPlanTest {

    @TempDir Path dir;

    private SweepPlan load(String yaml) throws IOException, ConfigException {
        Path file = dir.resolve("sweep.yaml");
        Files.writeString(file, yaml);
        return SweepPlan.load(file);
    }

    private ConfigException fails(String yaml) {
        return assertThrows(ConfigException.class, () -> load(yaml));
    }

    @Test
    void gridIsTheCartesianProductWithStableNames() throws Exception {
        SweepPlan plan = load("""
                name: g
                base: {epochs: 1}
                grid:
                  optimizer.learningRate: [0.0005, 0.01]
                  model.norm: [none, bn]
                  seed: [1, 2, 3]
                """);
        assertEquals(12, plan.runs().size());
        assertEquals("learningRate-0.0005_norm-none_seed-1", plan.runs().get(0).name());
        assertEquals("learningRate-0.0005_norm-none_seed-2", plan.runs().get(1).name());
        assertEquals("learningRate-0.01_norm-bn_seed-3", plan.runs().get(11).name());
        assertEquals(Map.of("optimizer.learningRate", "0.01", "model.norm", "bn", "seed", "3"),
                plan.runs().get(11).axes());
        assertEquals(0.01, plan.runs().get(11).config().get("optimizer").get("learningRate").asDouble());
        assertEquals("bn", plan.runs().get(11).config().get("model").get("norm").asText());
        assertEquals(1, plan.runs().get(11).config().get("epochs").asInt(), "base applies to every run");
    }

    @Test
    void variantsAreCrossedWithTheGrid() throws Exception {
        SweepPlan plan = load("""
                name: v
                grid: {seed: [1, 2]}
                variants:
                  - {name: adam}
                  - {name: sgd, set: {optimizer.name: sgd, optimizer.learningRate: 0.05}}
                """);
        assertEquals(List.of("adam_seed-1", "adam_seed-2", "sgd_seed-1", "sgd_seed-2"),
                plan.runs().stream().map(SweepRun::name).toList());
        assertEquals("sgd", plan.runs().get(2).config().get("optimizer").get("name").asText());
        assertEquals("adam", plan.runs().get(0).config().get("optimizer").get("name").asText());
    }

    @Test
    void noGridNoVariantsIsOneRun() throws Exception {
        assertEquals(List.of("base"), load("name: one\n").runs().stream().map(SweepRun::name).toList());
    }

    @Test
    void sameLastSegmentUsesTheFullPath() throws Exception {
        SweepPlan plan = load("""
                name: s
                grid: {data.noise: [0.1], model.norm: [none], schedule.type: [constant]}
                """);
        assertEquals("noise-0.1_norm-none_type-constant", plan.runs().get(0).name());
    }

    @Test
    void invalidAxesAndVariantsAreNamed() {
        assertTrue(fails("name: x\ngrid: {optimizer.lr: [1]}\n").problems().get(0)
                .startsWith("grid.optimizer.lr = 1: optimizer.lr: unknown key"));
        assertEquals("grid.epochs = 0: epochs: must be at least 1 (got 0)",
                fails("name: x\ngrid: {epochs: [2, 0]}\n").problems().get(0));
        assertEquals("grid.seed: must be a non-empty list of values",
                fails("name: x\ngrid: {seed: []}\n").problems().get(0));
        assertEquals("variants[1] (b): optimizer.name: 'lion' is not one of [sgd, adam, adamw]",
                fails("name: x\nvariants: [{name: a}, {name: b, set: {optimizer.name: lion}}]\n").problems().get(0));
        assertEquals("variants[1].name: 'a' is used twice",
                fails("name: x\nvariants: [{name: a}, {name: a}]\n").problems().get(0));
        assertTrue(fails("name: x\ngrids: {seed: [1]}\n").problems().get(0).startsWith("grids: unknown key"));
        assertEquals("base.data.batchSize: must be at least 1 (got 0)",
                fails("name: x\nbase: {data: {batchSize: 0}}\n").problems().get(0));
    }

    @Test
    void variantNamesMustBePlainDirectoryNames() throws Exception {
        // '.' and '..' would put a run into the sweep directory itself or its parent.
        for (String name : List.of(".", "..", "...", ".hidden", "-x", "a.", "a/b", "a\\b", "a b", "a:b", "a*", "con",
                "NUL.x", "lpt1")) {
            ConfigException e = fails("name: x\nvariants: [{name: ok}, {name: '" + name + "'}]\n");
            assertTrue(e.problems().get(0).startsWith("variants[1].name: '" + name + "' "), name + ": " + e.problems());
        }
        assertTrue(fails("name: x\nvariants: [{name: ''}]\n").problems().get(0).startsWith("variants[0].name: "));
        assertTrue(fails("name: x\nvariants: [{set: {seed: 2}}]\n").problems().get(0).startsWith("variants[0].name: "));
        // What is allowed: letters, digits and . _ + - inside, as the shipped sweeps use them.
        assertEquals(List.of("ws+gn-b2", "pendulum.single-sn", "a..b", "console", "con_1", "X_9"),
                load("name: x\nvariants: [{name: ws+gn-b2}, {name: pendulum.single-sn}, {name: a..b}, {name: console},"
                        + " {name: con_1}, {name: X_9}]\n").runs().stream().map(SweepRun::name).toList());
    }

    @Test
    void anRlBaseMakesAnRlSweep() throws Exception {
        SweepPlan plan = load("name: r\nbase: {agent: mbpo, steps: 300, learningStarts: 100}\ngrid: {model.type: [ensemble, single]}\n");
        assertEquals(RunKind.RL, plan.kind());
        assertEquals(List.of("mean_return", "return_auc", "seconds", "critic_lipschitz_product", "critic_gradient_max"),
                plan.metrics());
        assertEquals(List.of("type-ensemble", "type-single"), plan.runs().stream().map(SweepRun::name).toList());
        assertEquals("single", plan.runs().get(1).config().get("model").get("type").asText());
        assertEquals(0.99, plan.runs().get(1).config().get("gamma").asDouble(), "resolved with RlConfig's defaults");
        assertEquals(RunKind.RL, load("name: r\nkind: rl\n").kind(), "explicit, with every RL default");
        assertEquals(RunKind.RL, load("name: r\ngrid: {env: [Pendulum-v1]}\n").kind(), "an RL key in the grid");
        assertEquals(RunKind.TRAIN, load("name: t\nbase: {epochs: 1}\n").kind());
        assertEquals(List.of("test_accuracy", "test_loss"), load("name: t\n").metrics());
    }

    @Test
    void theMbpoSweepIsFourVariantsOnTwoTasksWithThreeSeeds() throws Exception {
        SweepPlan plan = SweepPlan.load(Path.of("configs/sweep-mbpo.yaml"));
        assertEquals(RunKind.RL, plan.kind());
        assertEquals(24, plan.runs().size());
        SweepRun run = plan.runs().stream()
                .filter(r -> r.name().equals("mountaincar.single-sn_seed-3")).findFirst().orElseThrow();
        assertEquals("mbpo", run.config().get("agent").asText());
        assertEquals("MountainCarContinuous-v0", run.config().get("env").asText());
        assertEquals("spectral-norm", run.config().get("critic").get("regularizer").asText());
        assertEquals("single", run.config().get("model").get("type").asText());
        assertEquals(3000, run.config().get("steps").asInt());
        assertEquals(500, run.config().get("evalInterval").asInt());
        assertEquals(3, run.config().get("evalEpisodes").asInt());
        assertEquals(7, run.config().get("model").get("members").asInt(), "the rest from pendulum-mbpo.yaml");
        SweepRun adversarial = plan.runs().stream()
                .filter(r -> r.name().equals("mountaincar.single-adversarial_seed-1")).findFirst().orElseThrow();
        assertEquals(0.005, adversarial.config().get("critic").get("epsilon").asDouble(), 1e-12,
                "epsilon in MountainCar's observation units");
    }

    @Test
    void aGridOverHowLongRunsAreIsAllowedAndAMetricNamedTwiceIsNot() throws Exception {
        assertEquals(List.of("epochs-1", "epochs-2"),
                load("name: e\ngrid: {epochs: [1, 2]}\n").runs().stream().map(SweepRun::name).toList());
        assertEquals(List.of("steps-200", "steps-300"),
                load("name: s\nkind: rl\nbase: {learningStarts: 100}\ngrid: {steps: [200, 300]}\n").runs().stream()
                        .map(SweepRun::name).toList());
        // Each metric gets final_/best_ columns: a second test_loss would be a second such column.
        assertEquals(List.of("metrics[2]: 'test_loss' is named twice"),
                fails("name: m\nmetrics: [test_loss, test_accuracy, test_loss]\n").problems());
    }

    @Test
    void anAxisCannotTakeAReportColumnsName() {
        // No config key is named so today; the rule holds whatever keys come (Tablesaw ignores case).
        for (String axis : List.of("run", "Status", "seconds", "error", "n", "failed", "variant", "epochs_done",
                "final_x", "BEST_x", "x_mean", "x_std")) {
            assertTrue(ReportColumns.clash(axis, RunKind.TRAIN) != null, axis);
        }
        assertEquals("steps_done", ReportColumns.clash("steps_done", RunKind.RL));
        for (String axis : List.of("epochs", "steps", "seed", "name", "optimizer.learningRate", "model.norm",
                "critic.regularizer")) {
            assertEquals(null, ReportColumns.clash(axis, RunKind.TRAIN), axis);
            assertEquals(null, ReportColumns.clash(axis, RunKind.RL), axis);
        }
        // An axis that is both an unknown key and a clash is told both.
        List<String> problems = fails("name: x\ngrid: {seconds: [1]}\n").problems();
        assertEquals("grid.seconds: its column in runs.csv/summary.csv would clash with the report's column "
                + "'seconds'; sweep over another key", problems.get(0));
        assertTrue(problems.get(1).startsWith("grid.seconds = 1: seconds: unknown key"), problems.toString());
    }
}
