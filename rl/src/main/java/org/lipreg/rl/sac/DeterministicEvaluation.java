package org.lipreg.rl.sac;

import org.lipreg.rl.env.Environment;
import org.lipreg.rl.env.Step;

import java.util.function.IntToLongFunction;
import java.util.function.Supplier;

/**
 * Runs evaluation episodes with the deterministic policy (tanh of the mean), all episodes side
 * by side so that each policy call is one batch.
 */
final class DeterministicEvaluation {

    private DeterministicEvaluation() {}

    /**
     * Returns each episode's undiscounted return.
     *
     * @param agent the agent
     * @param environments makes a fresh environment per episode
     * @param episodes how many episodes
     * @param resetSeed episode i is reset with {@code resetSeed.applyAsLong(i)}
     * @return the returns
     */
    static double[] returns(SacAgent agent, Supplier<Environment> environments, int episodes, IntToLongFunction resetSeed) {
        Environment[] envs = new Environment[episodes];
        double[][] observations = new double[episodes][];
        boolean[] done = new boolean[episodes];
        double[] returns = new double[episodes];
        for (int e = 0; e < episodes; e++) {
            envs[e] = environments.get();
            observations[e] = envs[e].reset(resetSeed.applyAsLong(e));
        }
        ActionScaling scaling = new ActionScaling(envs[0].actionSpace(), envs[0].id());
        int size = envs[0].observationSize();
        int active = episodes;
        while (active > 0) {
            int[] rows = new int[active];
            float[] batch = new float[active * size];
            for (int e = 0, r = 0; e < episodes; e++) {
                if (!done[e]) {
                    rows[r] = e;
                    for (int i = 0; i < size; i++) {
                        batch[r * size + i] = (float) observations[e][i];
                    }
                    r++;
                }
            }
            float[] actions = agent.act(batch, true);
            for (int r = 0; r < rows.length; r++) {
                int e = rows[r];
                Step step = envs[e].step(scaling.toEnvironment(actions, r));
                returns[e] += step.reward();
                observations[e] = step.observation();
                if (step.done()) {
                    done[e] = true;
                    active--;
                }
            }
        }
        return returns;
    }
}
