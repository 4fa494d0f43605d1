package org.lipreg.rl.sac;

import org.lipreg.rl.env.ActionSpace;
import org.lipreg.rl.env.ContinuousActionSpace;

/** Maps the agent's actions in [−1, 1] affinely onto an environment's box. */
public final class ActionScaling {

    private final double[] low;
    private final double[] high;

    /**
     * Creates the map.
     *
     * @param space the environment's action space
     * @param environment the environment's id, for the error
     * @throws IllegalArgumentException if the space is not continuous
     */
    public ActionScaling(ActionSpace space, String environment) {
        if (!(space instanceof ContinuousActionSpace box)) {
            throw new IllegalArgumentException(environment + ": SAC needs a continuous action space, this one is "
                    + space);
        }
        this.low = box.low();
        this.high = box.high();
    }

    /**
     * Returns the action length.
     *
     * @return the number of action coordinates
     */
    public int size() {
        return low.length;
    }

    /**
     * Draws a uniform random agent action in [−1, 1], for exploration before learning starts.
     *
     * @param random the generator
     * @return one action row
     */
    public float[] uniform(java.util.SplittableRandom random) {
        float[] action = new float[low.length];
        for (int i = 0; i < action.length; i++) {
            action[i] = (float) (2 * random.nextDouble() - 1);
        }
        return action;
    }

    /**
     * Returns the environment action for the agent's action a: {@code low + (a + 1)/2 · (high − low)}.
     *
     * @param actions agent actions, row-major
     * @param row which row
     * @return the environment's action
     */
    public double[] toEnvironment(float[] actions, int row) {
        double[] out = new double[low.length];
        for (int i = 0; i < low.length; i++) {
            double a = actions[row * low.length + i];
            out[i] = low[i] + (a + 1) / 2 * (high[i] - low[i]);
        }
        return out;
    }
}
