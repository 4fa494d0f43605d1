package org.lipreg.experiments.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lipreg.experiments.config.RunConfig;
import org.lipreg.experiments.config.RunConfigs;
import org.lipreg.experiments.run.RunExecutor;
import org.lipreg.experiments.run.RunResult;
import org.lipreg.experiments.run.TrainedRun;
import org.lipreg.normalization.hook.StepContext;
import org.lipreg.training.regularizer.SpectralNormPenalty;
import org.lipreg.training.runner.EpochMetrics;
import org.lipreg.training.runner.TrainingProgress;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The spectral penalty inside the runner: it shrinks σ, and its state survives a resume. */
class RegularizedTrainingTest {

    @TempDir Path dir;

    private static RunConfig config(String... more) throws Exception {
        List<String> overrides = new ArrayList<>(List.of("epochs=2", "data.trainSize=400", "data.testSize=100",
                "data.batchSize=20", "model.preset=cnn", "model.channels=[4]", "model.hidden=[16]",
                "optimizer.learningRate=0.003"));
        overrides.addAll(List.of(more));
        return RunConfigs.load(null, overrides);
    }

    /** Σ σ² over the saved model's layers (what the penalty penalizes), by a fresh, long power iteration. */
    private static double sumOfSquares(Path runDir) throws Exception {
        try (Model model = TrainedRun.open(runDir).loadModel(new Shape(1, 28, 28), 10);
                NDManager m = NDManager.newBaseManager();
                SpectralNormPenalty probe = SpectralNormPenalty.builder().setModel(model.getBlock()).optIterations(100)
                        .optOperatorModel(org.lipreg.training.regularizer.OperatorModel.CONV_OPERATOR).build()) {
            probe.auxiliaryLoss(new StepContext(m, 0, 0, 0));
            double sum = 0;
            for (double s : probe.lastSigmas()) {
                sum += s * s;
            }
            return sum;
        }
    }

    @Test
    void penaltyShrinksTheSumOfSquaredSingularValues() throws Exception {
        RunExecutor executor = new RunExecutor(TrainingProgress.SILENT, Path.of(""));
        // SGD: Adam would normalize the penalty's gradient away and cap its effect per step.
        executor.run(config("optimizer.name=sgd", "optimizer.learningRate=0.05"), dir.resolve("plain"), false);
        executor.run(config("optimizer.name=sgd", "optimizer.learningRate=0.05",
                "regularizers=[{type: spectral-penalty, lambda: 0.5, operator: conv}]"), dir.resolve("penalized"), false);
        double plain = sumOfSquares(dir.resolve("plain"));
        double penalized = sumOfSquares(dir.resolve("penalized"));
        assertTrue(penalized < 0.7 * plain, "Σσ² " + penalized + " with the penalty, " + plain + " without");
    }

    @Test
    void spectrallyNormalizedModelKeepsEveryLayerAtTheTarget() throws Exception {
        RunConfig c = config("model.spectralNorm=conv", "model.spectralNormTarget=1.0", "model.spectralNormIterations=5");
        RunResult result = new RunExecutor(TrainingProgress.SILENT, Path.of("")).run(c, dir.resolve("sn"), false);
        // Every layer pinned to σ = 1 makes a slow learner; 40 steps only get above chance (0.1).
        assertTrue(result.training().last().get("test_accuracy") > 0.18, result.training().last().toString());
        try (Model model = TrainedRun.open(dir.resolve("sn")).loadModel(new Shape(1, 28, 28), 10)) {
            List<org.lipreg.training.regularizer.SpectrallyNormalized> layers = new ArrayList<>();
            for (var child : model.getBlock().getChildren().values()) {
                if (child instanceof org.lipreg.training.regularizer.SpectrallyNormalized sn) {
                    layers.add(sn);
                }
            }
            assertEquals(3, layers.size(), "conv, hidden linear and output linear");
            // During training σ is estimated from below, so the effective σ is at least the
            // target, and a few percent above it while the estimate lags the moving weights.
            double[] raw = rawSigmas(model);
            for (int i = 0; i < layers.size(); i++) {
                double effective = raw[i] * layers.get(i).scaleFor(layers.get(i).sigma());
                assertTrue(effective >= 1 - 1e-3 && effective <= 1.05, "layer " + i + " effective σ " + effective);
            }
            // Converged vectors: the effective σ is the target to 1e-3.
            layers.forEach(sn -> sn.refine(1000));
            for (int i = 0; i < layers.size(); i++) {
                double effective = raw[i] * layers.get(i).scaleFor(layers.get(i).sigma());
                assertEquals(1.0, effective, 1e-3, "layer " + i + " after refining");
            }
        }
    }

    @Test
    void monitorsProductIsAtMostTheProductOfTargetsAfterSpectralNormalization() throws Exception {
        RunConfig c = config("model.preset=mlp", "model.hidden=[32, 16]", "model.spectralNorm=reshaped",
                "model.spectralNormTarget=0.5", "model.spectralNormIterations=5");
        new RunExecutor(TrainingProgress.SILENT, Path.of("")).run(c, dir.resolve("mlp-sn"), false);
        try (Model model = TrainedRun.open(dir.resolve("mlp-sn")).loadModel(new Shape(1, 28, 28), 10)) {
            for (var child : model.getBlock().getChildren().values()) {
                if (child instanceof org.lipreg.training.regularizer.SpectrallyNormalized sn) {
                    sn.refine(1000);
                }
            }
            var metrics = new org.lipreg.training.regularizer.LipschitzMonitor().epochMetrics(model);
            double bound = Math.pow(0.5, 3);
            assertTrue(metrics.get("lipschitz_product") <= bound * (1 + 3e-3), metrics.toString());
            assertTrue(metrics.get("lipschitz_product") >= bound * (1 - 3e-3), metrics.toString());
        }
    }

    /** σ of each layer's raw weight, by a fresh long power iteration independent of the layers' vectors. */
    private static double[] rawSigmas(Model model) {
        try (NDManager m = NDManager.newBaseManager();
                SpectralNormPenalty probe = SpectralNormPenalty.builder().setModel(model.getBlock()).optIterations(1000)
                        .optOperatorModel(org.lipreg.training.regularizer.OperatorModel.CONV_OPERATOR).build()) {
            probe.auxiliaryLoss(new StepContext(m, 0, 0, 0));
            return probe.lastSigmas();
        }
    }

    @Test
    void penalizedRunResumesToTheSameMetrics() throws Exception {
        resumesToTheSameMetrics("regularizers=[{type: spectral-penalty, lambda: 0.1}]");
        resumesToTheSameMetrics("regularizers=[{type: adversarial, lambda: 1.0, epsilon: 0.1, steps: 3, divergence: kl}]");
    }

    private void resumesToTheSameMetrics(String regularizers) throws Exception {
        dir = java.nio.file.Files.createTempDirectory(dir, "case");
        RunConfig c = config(regularizers);
        RunExecutor executor = new RunExecutor(TrainingProgress.SILENT, Path.of(""));
        RunResult straight = executor.run(c, dir.resolve("straight"), false);
        Path killed = dir.resolve("killed");
        executor.run(c, killed, false);
        Files.delete(killed.resolve("summary.json"));
        Files.delete(killed.resolve("checkpoints/checkpoint-0002.ckpt"));
        RunResult resumed = executor.run(c, killed, true);
        assertEquals(1, resumed.training().resumedFromEpoch());
        for (int e = 0; e < 2; e++) {
            EpochMetrics expected = straight.training().history().get(e);
            for (Map.Entry<String, Double> col : expected.values().entrySet()) {
                if (List.of("seconds", "rss_mb", "heap_mb").contains(col.getKey())) {
                    continue;
                }
                assertEquals(col.getValue(), resumed.training().history().get(e).get(col.getKey()), 1e-6,
                        regularizers + ": epoch " + (e + 1) + " " + col.getKey());
            }
        }
    }
}
