package org.lipreg.rl.env;

/**
 * A choice among {@code n} actions numbered {@code 0 .. n-1} (Gymnasium's {@code Discrete}). The
 * chosen index is passed to {@link Environment#step(double[])} as {@code action[0]}, a whole
 * number stored in a {@code double}; anything else is rejected.
 *
 * @param n the number of actions, at least 1
 */
public record DiscreteActionSpace(int n) implements ActionSpace {

    /**
     * Checks {@code n >= 1}.
     *
     * @param n the number of actions, at least 1
     */
    public DiscreteActionSpace {
        if (n < 1) {
            throw new IllegalArgumentException("a discrete action space needs n >= 1, got " + n);
        }
    }

    /** Always 1: the action index travels in {@code action[0]}. */
    @Override
    public int actionSize() {
        return 1;
    }
}
