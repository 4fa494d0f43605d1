package org.lipreg.experiments.rl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lipreg.experiments.cli.LipregCli;
import org.lipreg.experiments.config.ConfigLoader;

import tech.tablesaw.api.Table;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

/** {@code lipreg rl}: a tiny SAC run writes its run directory; bad configs are named. */
class RlCommandTest {

    @TempDir Path dir;

    private static int run(StringWriter err, String... args) {
        return LipregCli.execute(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true), args);
    }

    @Test
    void aTinySacRunWritesItsCurveAndSummary() throws Exception {
        Path config = dir.resolve("tiny.yaml");
        Files.writeString(config, "name: tiny\nenv: MountainCarContinuous-v0\nsteps: 300\nlearningStarts: 100\n"
                + "batchSize: 16\nhidden: [8]\nevalInterval: 150\nevalEpisodes: 1\ncritic: {regularizer: spectral-norm}\n");
        Path out = dir.resolve("run");
        StringWriter err = new StringWriter();
        assertEquals(0, run(err, "rl", "--config", config.toString(), "--set", "seed=3", "--out", out.toString()),
                err.toString());
        Table returns = Table.read().csv(out.resolve(RlRunner.RETURNS_FILE).toFile());
        assertEquals(2, returns.rowCount());
        assertEquals(150, returns.intColumn("step").getInt(0));
        assertEquals(300, returns.intColumn("step").getInt(1));
        for (int r = 0; r < 2; r++) {
            // MountainCarContinuous: at most 100 for the flag minus 0.1 a² ≤ 0.1 per step, 999 steps.
            double ret = returns.doubleColumn("mean_return").getDouble(r);
            assertTrue(ret <= 100 && ret >= -0.1 * 999, "return " + ret);
            // Every critic layer is spectrally normalized to σ = 1 (power iteration is an
            // estimate, hence the slack), and the product bounds the sampled gradient norm.
            double product = returns.doubleColumn("critic_lipschitz_product").getDouble(r);
            assertTrue(product < 1.2, "spectrally normalized critic product " + product);
            assertTrue(returns.doubleColumn("critic_gradient_max").getDouble(r) <= product * 1.0001);
        }
        JsonNode summary = ConfigLoader.json().readTree(out.resolve("summary.json").toFile());
        assertEquals(returns.doubleColumn("mean_return").getDouble(1), summary.get("final_return").asDouble(), 1e-9);
        assertEquals(3, ConfigLoader.json().readTree(out.resolve("config.json").toFile()).get("seed").asInt());
        assertTrue(Files.isRegularFile(out.resolve("returns.png")));
        StringWriter again = new StringWriter();
        assertEquals(2, run(again, "rl", "--config", config.toString(), "--out", out.toString()));
        assertTrue(again.toString().contains("already holds a run"), again.toString());
    }

    @Test
    void mbpoWithASingleModelAndAnAdversarialCriticRuns() throws Exception {
        Path out = dir.resolve("mbpo");
        StringWriter err = new StringWriter();
        assertEquals(0, run(err, "rl", "--set", "agent=mbpo", "--set", "model.type=single", "--set", "model.hidden=[8]",
                "--set", "model.trainSteps=10", "--set", "model.interval=50", "--set", "rollout.perStep=4",
                "--set", "critic.regularizer=adversarial", "--set", "steps=150", "--set", "learningStarts=50",
                "--set", "batchSize=16", "--set", "hidden=[8]", "--set", "evalInterval=150", "--set", "evalEpisodes=1",
                "--out", out.toString()), err.toString());
        JsonNode summary = ConfigLoader.json().readTree(out.resolve("summary.json").toFile());
        assertEquals("single", summary.get("model").asText());
        assertEquals("adversarial", summary.get("critic").asText());
        assertTrue(summary.get("final_return").asDouble() <= 0, "Pendulum returns are never positive");
        StringWriter bad = new StringWriter();
        assertEquals(2, run(bad, "rl", "--set", "agent=mbpo", "--set", "model.elites=9", "--out",
                dir.resolve("z").toString()));
        assertTrue(bad.toString().contains("model.elites"), bad.toString());
    }

    @Test
    void aCriticWithBothRegularizersIsSpectrallyNormalizedAndChecksItsAdversarialKeys() throws Exception {
        Path out = dir.resolve("both");
        StringWriter err = new StringWriter();
        assertEquals(0, run(err, "rl", "--set", "critic.regularizer=spectral-norm+adversarial", "--set", "steps=150",
                "--set", "learningStarts=50", "--set", "batchSize=16", "--set", "hidden=[8]", "--set",
                "evalInterval=150", "--set", "evalEpisodes=1", "--out", out.toString()), err.toString());
        JsonNode summary = ConfigLoader.json().readTree(out.resolve("summary.json").toFile());
        assertEquals("spectral-norm+adversarial", summary.get("critic").asText());
        Table returns = Table.read().csv(out.resolve("returns.csv").toFile());
        // σ = 1 per layer (power iteration is an estimate, hence the slack).
        double product = returns.doubleColumn("critic_lipschitz_product").getDouble(0);
        assertTrue(product < 1.2, "spectrally normalized critic product " + product);
        StringWriter bad = new StringWriter();
        assertEquals(2, run(bad, "rl", "--set", "critic.regularizer=spectral-norm+adversarial", "--set",
                "critic.epsilon=0", "--out", dir.resolve("w").toString()));
        assertTrue(bad.toString().contains("critic.epsilon"), bad.toString());
    }

    @Test
    void badConfigsNameTheKey() throws Exception {
        StringWriter err = new StringWriter();
        assertEquals(2, run(err, "rl", "--set", "env=Pendulum-v9", "--set", "gamma=1.5", "--set",
                "critic.spectralNormTarget=0", "--out", dir.resolve("x").toString()));
        assertTrue(err.toString().contains("critic.spectralNormTarget:"), err.toString());
        assertTrue(err.toString().contains("env:") && err.toString().contains("Pendulum-v1"), err.toString());
        assertTrue(err.toString().contains("gamma:"), err.toString());
        StringWriter discrete = new StringWriter();
        assertEquals(2, run(discrete, "rl", "--set", "env=CartPole-v1", "--out", dir.resolve("y").toString()));
        assertTrue(discrete.toString().contains("discrete"), discrete.toString());
        assertFalse(Files.exists(dir.resolve("x")) || Files.exists(dir.resolve("y")));
    }
}
