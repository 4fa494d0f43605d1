package org.lipreg.rl.model;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.SplittableRandom;

/**
 * A learned model of the environment: from a state and an action it predicts the reward and the
 * change of state. Inputs are standardized by statistics of the real data it was trained on.
 */
public interface DynamicsModel extends AutoCloseable {

    /**
     * Fits the model to real transitions (a few epochs, or until the held-out loss stops
     * improving).
     *
     * @param data the real transitions
     * @param random the generator for batches and the held-out split
     * @return the held-out mean squared error of the mean prediction, in standardized target
     *     units (1 = no better than predicting the mean), for logs
     */
    double train(TransitionData data, SplittableRandom random);

    /**
     * Predicts for a batch of states and actions.
     *
     * @param states rows × observation size
     * @param actions rows × action size
     * @param random the generator for sampling (members, noise)
     * @return rewards and next states
     */
    Prediction predict(float[] states, float[] actions, SplittableRandom random);

    /**
     * Writes everything predictions and later fits depend on (weights, optimizer state, data
     * statistics, which members predict), for a checkpoint.
     *
     * @param out the checkpoint stream
     * @throws IOException if writing fails
     */
    void save(DataOutputStream out) throws IOException;

    /**
     * Replaces the model's state with what {@link #save} wrote from a model built the same way.
     *
     * @param in the checkpoint stream
     * @throws IOException if the stream holds another model's state
     */
    void load(DataInputStream in) throws IOException;

    /**
     * A batch of predictions.
     *
     * @param rewards one per row
     * @param nextStates rows × observation size
     */
    record Prediction(float[] rewards, float[] nextStates) {}

    @Override
    void close();
}
