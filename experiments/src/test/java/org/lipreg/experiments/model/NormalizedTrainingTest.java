package org.lipreg.experiments.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lipreg.experiments.config.RunConfig;
import org.lipreg.experiments.config.RunConfigs;
import org.lipreg.experiments.run.RunExecutor;
import org.lipreg.experiments.run.RunResult;
import org.lipreg.normalization.groupnorm.BatchChannelNorm;
import org.lipreg.normalization.groupnorm.GroupNorm;
import org.lipreg.normalization.ws.WeightStandardizedConv2d;
import org.lipreg.training.runner.EpochMetrics;
import org.lipreg.training.runner.TrainingProgress;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** The normalization layers inside the runner: presets, micro-batch training and resume. */
class NormalizedTrainingTest {

    @TempDir Path dir;

    private static RunConfig config(String... more) throws Exception {
        List<String> overrides = new java.util.ArrayList<>(List.of("epochs=2", "data.trainSize=200", "data.testSize=100",
                "data.batchSize=2", "model.channels=[8, 8]", "model.hidden=[16]", "model.groups=4",
                "optimizer.learningRate=0.001"));
        overrides.addAll(List.of(more));
        return RunConfigs.load(null, overrides);
    }

    @Test
    void presetsBuildTheRequestedLayers() throws Exception {
        RunConfig c = config("model.norm=bcn", "model.weightStandardization=true");
        Block micro = ModelFactory.build(c.model, new Shape(1, 28, 28), 10, 2);
        List<Block> layers = ((SequentialBlock) micro).getChildren().values();
        assertInstanceOf(WeightStandardizedConv2d.class, layers.get(0));
        assertEquals(BatchChannelNorm.Mode.MICRO_BATCH, ((BatchChannelNorm) layers.get(1)).getMode());
        Block large = ModelFactory.build(c.model, new Shape(1, 28, 28), 10, 64);
        assertEquals(BatchChannelNorm.Mode.LARGE_BATCH,
                ((BatchChannelNorm) ((SequentialBlock) large).getChildren().values().get(1)).getMode());
        RunConfig sorted = config("model.activation=maxmin");
        List<Block> sortedLayers = ((SequentialBlock) ModelFactory.build(sorted.model, new Shape(1, 28, 28), 10, 2))
                .getChildren().values();
        assertEquals(2, ((org.lipreg.normalization.activation.GroupSort) sortedLayers.get(1)).getGroupSize());
        RunConfig householder = config("model.activation=householder");
        assertTrue(((SequentialBlock) ModelFactory.build(householder.model, new Shape(1, 28, 28), 10, 2)).getChildren()
                .values().get(1) instanceof org.lipreg.normalization.activation.HouseholderActivation);
        RunConfig gn = config("model.norm=gn");
        assertEquals(4, ((GroupNorm) ((SequentialBlock) ModelFactory.build(gn.model, new Shape(1, 28, 28), 10, 2))
                .getChildren().values().get(1)).getGroups());
    }

    @Test
    void microBatchWsBcnTrainsAndResumesToTheSameMetrics() throws Exception {
        RunConfig c = config("model.norm=bcn", "model.weightStandardization=true");
        RunExecutor executor = new RunExecutor(TrainingProgress.SILENT, Path.of(""));
        RunResult straight = executor.run(c, dir.resolve("straight"), false);
        for (EpochMetrics m : straight.training().history()) {
            assertTrue(Double.isFinite(m.get("train_loss")), "batch-2 training stays finite");
        }
        // 200 steps of batch 2 on a tiny CNN: well above chance (0.1), as every norm gets here.
        assertTrue(straight.training().last().get("test_accuracy") > 0.18,
                "learns something in 200 steps: " + straight.training().last());

        // A run killed during epoch 2: its summary and the epoch-2 checkpoint are missing.
        Path resumed = dir.resolve("resumed");
        executor.run(c, resumed, false);
        java.nio.file.Files.delete(resumed.resolve("summary.json"));
        java.nio.file.Files.delete(resumed.resolve("checkpoints/checkpoint-0002.ckpt"));
        RunResult again = executor.run(c, resumed, true);
        assertEquals(1, again.training().resumedFromEpoch());
        List<EpochMetrics> expected = straight.training().history();
        List<EpochMetrics> actual = again.training().history();
        for (int e = 0; e < expected.size(); e++) {
            for (Map.Entry<String, Double> col : expected.get(e).values().entrySet()) {
                if (List.of("seconds", "rss_mb", "heap_mb").contains(col.getKey())) {
                    continue;
                }
                assertEquals(col.getValue(), actual.get(e).get(col.getKey()), 1e-6, "epoch " + (e + 1) + " " + col.getKey());
            }
        }
    }
}
