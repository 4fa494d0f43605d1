package org.lipreg.rl.sac;

import org.lipreg.rl.env.ActionSpace;
import org.lipreg.rl.env.ContinuousActionSpace;

/** Maps the agent's actions in [−1, 1] affinely onto an environment's box. */
final class ActionScaling {

    private final double[] low;
    private final double[] high;

    /**
     * @param space the environment's action space
     * @param environment the environment's id, for the error
     */
    ActionScaling(ActionSpace space, String environment) {
        if (!(space instanceof ContinuousActionSpace box)) {
            throw new IllegalArgumentException(environment + ": SAC needs a continuous action space, this one is "
                    + space);
        }
        this.low = box.low();
        this.high = box.high();
    }

    int size() {
        return low.length;
    }

    /** The environment action for the agent's action a: {@code low + (a + 1)/2 · (high − low)}. */
    double[] toEnvironment(float[] actions, int row) {
        double[] out = new double[low.length];
        for (int i = 0; i < low.length; i++) {
            double a = actions[row * low.length + i];
            out[i] = low[i] + (a + 1) / 2 * (high[i] - low[i]);
        }
        return out;
    }
}
