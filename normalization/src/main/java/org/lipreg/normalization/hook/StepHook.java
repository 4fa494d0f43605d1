package org.lipreg.normalization.hook;

import ai.djl.ndarray.NDArray;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * The per-step contract between a stateful layer (or regularizer) and the training runner.
 *
 * <p>One training step runs in this order (DESIGN §3.5):
 *
 * <ol>
 *   <li>{@link #beforeForward} on every hook — e.g. create fresh gradient probes;
 *   <li>the model's forward pass and the data loss;
 *   <li>{@link #auxiliaryLoss} on every hook, summed into the loss — penalties, or
 *       zero-valued terms that reshape a gradient;
 *   <li>backward;
 *   <li>{@link #afterBackward} on every hook — e.g. update state from a probe's gradient;
 *   <li>the optimizer step.
 * </ol>
 *
 * <p>Hooks keep {@code Loss.evaluate} free of side effects: DJL's listeners may call a loss again
 * outside the gradient scope, so anything that must happen exactly once a step lives here.
 *
 * <p>State that is not already a DJL {@link ai.djl.nn.Parameter} (and so not saved with the
 * model) goes through {@link #saveState} and {@link #loadState}, which the runner calls when it
 * writes and reads a checkpoint.
 */
public interface StepHook {

    /**
     * Called before the forward pass of a training step.
     *
     * @param step the step's context; its manager is closed at the end of the step
     */
    default void beforeForward(StepContext step) {}

    /**
     * Returns a scalar to add to the loss before backward, or {@code null} for none.
     *
     * @param step the step's context; create the returned array in its manager
     * @return a scalar term, or {@code null}
     */
    default NDArray auxiliaryLoss(StepContext step) {
        return null;
    }

    /**
     * Called after backward and before the optimizer step, while gradients are available.
     *
     * @param step the step's context
     */
    default void afterBackward(StepContext step) {}

    /**
     * Writes this hook's state that is not a model parameter into a checkpoint.
     *
     * @param out the checkpoint stream
     * @throws IOException if writing fails
     */
    default void saveState(DataOutputStream out) throws IOException {}

    /**
     * Reads back what {@link #saveState} wrote.
     *
     * @param in the checkpoint stream
     * @throws IOException if the stream is malformed or ends early
     */
    default void loadState(DataInputStream in) throws IOException {}
}
