package org.lipreg.training.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.lipreg.normalization.hook.StepContext;
import org.lipreg.normalization.hook.StepHook;
import org.lipreg.normalization.hook.StepHooks;
import org.lipreg.normalization.transformer.CausalLanguageModel;
import org.lipreg.normalization.transformer.TransformerNorm;
import org.lipreg.training.optimizer.AdamOptimizer;

import java.util.List;
import java.util.Random;

/**
 * The language model with every norm, pre and post, under the real training step and in
 * inference: once warmed up, a step leaves no array behind in the model's manager (what the
 * runner's {@code ndarrays} column watches), so memory stays flat from epoch to epoch.
 */
class TransformerStepMemoryTest {

    private static final int B = 2;
    private static final int T = 5;
    private static final int V = 11;

    @ParameterizedTest
    @EnumSource(TransformerNorm.class)
    void stepsAndEvaluationsLeaveNoArrayInTheModel(TransformerNorm norm) {
        for (boolean preNorm : new boolean[] {true, false}) {
            try (Model model = Model.newInstance("lm")) {
                Engine.getInstance().setRandomSeed(5);
                model.setBlock(CausalLanguageModel.builder().setVocabularySize(V).setLayers(2).setWidth(8).setHeads(2)
                        .setFeedForwardWidth(16).optDropout(0.1f).optNorm(norm).optPreNorm(preNorm).optNormGroups(2)
                        .optPowerWarmup(2).build());
                Loss loss = new Loss("token nll") {
                    @Override
                    public NDArray evaluate(NDList labels, NDList predictions) {
                        NDArray target = labels.head().toType(DataType.INT64, false).expandDims(-1);
                        return predictions.head().logSoftmax(-1).gather(target, -1).mean().neg();
                    }
                };
                AdamOptimizer adam = AdamOptimizer.builder().setLearningRateTracker(Tracker.fixed(1e-3f)).build();
                try (Trainer trainer = model.newTrainer(new DefaultTrainingConfig(loss).optOptimizer(adam))) {
                    trainer.initialize(new Shape(B, T));
                    List<StepHook> hooks = StepHooks.collect(model.getBlock()).stream().map(Pair::getValue).toList();
                    TrainingStep step = new TrainingStep(trainer, loss, hooks);
                    Random random = new Random(9);
                    int warm = 0;
                    for (int s = 0; s < 8; s++) {
                        if (s == 3) {
                            warm = model.getNDManager().getManagedArrays().size();
                        }
                        try (NDManager batch = trainer.getManager().newSubManager()) {
                            NDArray ids = batch.create(ids(random), new Shape(B, T));
                            NDArray targets = batch.create(ids(random), new Shape(B, T));
                            step.run(new NDList(ids), new NDList(targets), new StepContext(batch, 0, s, s), null);
                            trainer.evaluate(new NDList(ids)).head().getFloat(0, 0, 0);
                        }
                    }
                    assertEquals(warm, model.getNDManager().getManagedArrays().size(),
                            norm + (preNorm ? " pre" : " post") + "-norm: arrays left in the model's manager by 5 steps");
                }
            }
        }
    }

    private static float[] ids(Random random) {
        float[] ids = new float[B * T];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = random.nextInt(V);
        }
        return ids;
    }
}
