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
    private long steps;

    StepTimer(String name, Block block, Shape inputShape, int classes, long seed, List<StepHook> extraHooks) {
        Engine.getInstance().setRandomSeed((int) seed);
        model = Model.newInstance(name);
        model.setBlock(block);
        AdamOptimizer adam = AdamOptimizer.builder().setLearningRateTracker(Tracker.fixed(1e-3f)).build();
        trainer = model.newTrainer(new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss()).optOptimizer(adam));
        trainer.initialize(inputShape);
        List<StepHook> hooks = new ArrayList<>(StepHooks.collect(block).stream().map(Pair::getValue).toList());
        hooks.addAll(extraHooks);
        step = new TrainingStep(trainer, Loss.softmaxCrossEntropyLoss(), hooks);
        Random random = new Random(seed);
        shape = inputShape;
        pixels = new float[(int) inputShape.size()];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = random.nextFloat();
        }
        labels = new float[(int) inputShape.get(0)];
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
                NDList y = new NDList(stepManager.create(labels, new Shape(labels.length)));
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
