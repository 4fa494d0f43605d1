package org.lipreg.training.runner;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;

import org.lipreg.normalization.hook.StepContext;
import org.lipreg.normalization.hook.StepHook;

import java.util.List;
import java.util.function.BiConsumer;

/**
 * One optimizer step in lipreg's order (DESIGN §3.5): hooks' {@code beforeForward} → forward →
 * data loss + hooks' auxiliary terms → backward → hooks' {@code afterBackward} → optimizer step.
 * The runner calls it for every batch; benchmarks call it to time exactly what training does.
 */
public final class TrainingStep {

    private final Trainer trainer;
    private final Loss loss;
    private final List<StepHook> hooks;

    /**
     * Creates a step.
     *
     * @param trainer an initialized trainer
     * @param loss the data loss
     * @param hooks the hooks, called in order
     */
    public TrainingStep(Trainer trainer, Loss loss, List<StepHook> hooks) {
        this.trainer = trainer;
        this.loss = loss;
        this.hooks = List.copyOf(hooks);
    }

    /**
     * Runs one step.
     *
     * @param data the inputs
     * @param labels the labels
     * @param step the step's context (its epoch and batch name a non-finite loss)
     * @param predictions receives (labels, predictions) before the arrays are released, or null
     * @return the data loss of the batch
     * @throws NonFiniteLossException if the data loss or the total loss is NaN or infinite
     */
    public float run(NDList data, NDList labels, StepContext step, BiConsumer<NDList, NDList> predictions) {
        for (StepHook hook : hooks) {
            hook.beforeForward(step);
        }
        float batchLoss;
        try (GradientCollector collector = trainer.newGradientCollector()) {
            NDList output = trainer.forward(data, labels);
            NDArray dataLoss = loss.evaluate(labels, output);
            batchLoss = dataLoss.getFloat();
            NDArray total = dataLoss;
            for (StepHook hook : hooks) {
                NDArray aux = hook.auxiliaryLoss(step);
                if (aux != null) {
                    total = total.add(aux);
                }
            }
            float totalValue = total == dataLoss ? batchLoss : total.getFloat();
            if (!Float.isFinite(batchLoss) || !Float.isFinite(totalValue)) {
                throw new NonFiniteLossException("training loss", Float.isFinite(batchLoss) ? totalValue : batchLoss,
                        step.epoch() + 1, step.batch() + 1);
            }
            collector.backward(total);
            if (predictions != null) {
                predictions.accept(labels, output);
            }
        }
        for (StepHook hook : hooks) {
            hook.afterBackward(step);
        }
        trainer.step();
        return batchLoss;
    }
}
