package org.lipreg.rl.model;

/**
 * Real transitions as model training data: inputs {@code (s, a)} and targets {@code (r, s' − s)}.
 *
 * @param observationSize the observation length
 * @param actionSize the action length
 * @param states rows × observation size
 * @param actions rows × action size
 * @param rewards one per row
 * @param nextStates rows × observation size
 */
public record TransitionData(int observationSize, int actionSize, float[] states, float[] actions, float[] rewards,
        float[] nextStates) {

    /**
     * Returns the number of transitions.
     *
     * @return rows
     */
    public int size() {
        return rewards.length;
    }

    /**
     * Returns the model inputs {@code [s, a]}, row-major.
     *
     * @return rows × (observation + action size)
     */
    public float[] inputs() {
        int in = observationSize + actionSize;
        float[] out = new float[size() * in];
        for (int r = 0; r < size(); r++) {
            System.arraycopy(states, r * observationSize, out, r * in, observationSize);
            System.arraycopy(actions, r * actionSize, out, r * in + observationSize, actionSize);
        }
        return out;
    }

    /**
     * Returns the model targets {@code [r, s' − s]}, row-major.
     *
     * @return rows × (1 + observation size)
     */
    public float[] targets() {
        int width = 1 + observationSize;
        float[] out = new float[size() * width];
        for (int r = 0; r < size(); r++) {
            out[r * width] = rewards[r];
            for (int i = 0; i < observationSize; i++) {
                out[r * width + 1 + i] = nextStates[r * observationSize + i] - states[r * observationSize + i];
            }
        }
        return out;
    }
}
