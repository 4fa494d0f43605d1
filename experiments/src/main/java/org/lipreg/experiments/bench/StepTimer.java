package org.lipreg.experiments.bench;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;

import org.lipreg.experiments.text.TokenCrossEntropy;
import org.lipreg.normalization.hook.StepContext;
import org.lipreg.normalization.hook.StepHook;
import org.lipreg.normalization.hook.StepHooks;
import org.lipreg.training.optimizer.AdamOptimizer;
import org.lipreg.training.runner.TrainingStep;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Times lipreg training steps of one model on fixed random data: the exact step the runner
 * takes (hooks, forward, loss, backward, optimizer), each in its own sub-manager.
 */
final class StepTimer implements AutoCloseable {

    private final Model model;
    private final Trainer trainer;
    private final TrainingStep step;
    private final float[] pixels;
    private final float[] labels;
    private final Shape shape;
    private final Shape labelShape;
    private long steps;

    StepTimer(String name, Block block, Shape inputShape, int classes, long seed, List<StepHook> extraHooks) {
        this(name, block, inputShape, classes, seed, extraHooks, false);
    }

    /**
     * A timer for a language model: inputs and labels are both random token ids of shape
     * {@code inputShape} (B, T), the loss is the mean token cross-entropy.
     */
    static StepTimer tokens(String name, Block block, Shape inputShape, int vocabulary, long seed) {
        return new StepTimer(name, block, inputShape, vocabulary, seed, List.of(), true);
    }

    private StepTimer(String name, Block block, Shape inputShape, int classes, long seed, List<StepHook> extraHooks,
            boolean tokens) {
        Engine.getInstance().setRandomSeed((int) seed);
        model = Model.newInstance(name);
        model.setBlock(block);
        AdamOptimizer adam = AdamOptimizer.builder().setLearningRateTracker(Tracker.fixed(1e-3f)).build();
        Loss loss = tokens ? new TokenCrossEntropy() : Loss.softmaxCrossEntropyLoss();
        trainer = model.newTrainer(new DefaultTrainingConfig(loss).optOptimizer(adam));
        trainer.initialize(inputShape);
        List<StepHook> hooks = new ArrayList<>(StepHooks.collect(block).stream().map(Pair::getValue).toList());
        hooks.addAll(extraHooks);
        step = new TrainingStep(trainer, loss, hooks);
        Random random = new Random(seed);
        shape = inputShape;
        pixels = new float[(int) inputShape.size()];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = tokens ? random.nextInt(classes) : random.nextFloat();
        }
        labelShape = tokens ? inputShape : new Shape(inputShape.get(0));
        labels = new float[(int) labelShape.size()];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = random.nextInt(classes);
        }
    }

    /** Runs n steps and returns the mean wall time per step in milliseconds. */
    double time(int n) {
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            try (NDManager stepManager = trainer.getManager().newSubManager()) {
                NDList x = new NDList(stepManager.create(pixels, shape));
                NDList y = new NDList(stepManager.create(labels, labelShape));
                step.run(x, y, new StepContext(stepManager, 0, i, steps++, x), null);
            }
        }
        return (System.nanoTime() - start) / 1e6 / n;
    }

    /** Arrays alive under the model's manager (flat if a step leaks nothing). */
    int liveArrays() {
        return model.getNDManager().getManagedArrays().size();
    }

    @Override
    public void close() {
        trainer.close();
        model.close();
    }
}
