package org.lipreg.rl.model;

import org.lipreg.rl.sac.ReplayBuffer;
import org.lipreg.rl.sac.SacAgent;

import java.util.SplittableRandom;

/**
 * MBPO's branched rollouts: from states of real transitions, the policy acts in the learned
 * model for up to {@code length} steps; each predicted transition goes to the model buffer, and a
 * rollout stops at a terminal state (the transition into it is kept, marked terminal).
 */
public final class ModelRollouts {

    private ModelRollouts() {}

    /**
     * Runs the rollouts.
     *
     * @param agent the policy (sampled actions in [−1, 1], as stored in the buffers)
     * @param model the learned model
     * @param starts the start states, rows × observation size
     * @param length the maximum rollout length
     * @param termination the environment's terminal rule
     * @param target where the predicted transitions go
     * @param random the generator of the model's samples
     * @return the number of transitions added
     */
    public static int run(SacAgent agent, DynamicsModel model, float[] starts, int length, Termination termination,
            ReplayBuffer target, SplittableRandom random) {
        int obs = target.observationSize();
        int act = target.actionSize();
        float[] states = starts.clone();
        int added = 0;
        for (int t = 0; t < length && states.length > 0; t++) {
            int rows = states.length / obs;
            float[] actions = agent.act(states, false);
            DynamicsModel.Prediction p = model.predict(states, actions, random);
            int alive = 0;
            float[] survivors = new float[states.length];
            for (int r = 0; r < rows; r++) {
                boolean terminal = termination.terminal(p.nextStates(), r * obs);
                target.add(row(states, r, obs), row(actions, r, act), p.rewards()[r], row(p.nextStates(), r, obs),
                        terminal);
                added++;
                if (!terminal) {
                    System.arraycopy(p.nextStates(), r * obs, survivors, alive * obs, obs);
                    alive++;
                }
            }
            states = java.util.Arrays.copyOf(survivors, alive * obs);
        }
        return added;
    }

    private static double[] row(float[] values, int r, int width) {
        double[] out = new double[width];
        for (int i = 0; i < width; i++) {
            out[i] = values[r * width + i];
        }
        return out;
    }
}
