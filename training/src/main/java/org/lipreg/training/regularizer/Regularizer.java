package org.lipreg.training.regularizer;

import org.lipreg.normalization.hook.StepHook;

/**
 * A term added to the training loss through the step hook: its {@link #auxiliaryLoss} is summed
 * into the loss before backward, and its state (power-iteration vectors, …) goes into
 * checkpoints through {@link #saveState} / {@link #loadState}. Add one to a run with {@code
 * TrainingRunner.Builder.addHook}.
 */
public interface Regularizer extends StepHook {

    /**
     * Returns a short name for logs and metrics.
     *
     * @return the name
     */
    String name();
}
