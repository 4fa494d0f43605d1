package org.lipreg.rl.env;

import java.util.Arrays;

/**
 * A box of real-valued actions (Gymnasium's {@code Box}): an action is a vector {@code a} with
 * {@code low[i] <= a[i] <= high[i]}. Environments clip actions outside the box, as Gymnasium's
 * do; the bounds tell an agent the range to squash its outputs into.
 *
 * @param low the lower bound of each coordinate (copied)
 * @param high the upper bound of each coordinate (copied)
 */
public record ContinuousActionSpace(double[] low, double[] high) implements ActionSpace {

    /**
     * Checks that the bounds have the same positive length and {@code low[i] <= high[i]}.
     *
     * @param low the lower bound of each coordinate (copied)
     * @param high the upper bound of each coordinate (copied)
     */
    public ContinuousActionSpace {
        if (low.length == 0 || low.length != high.length) {
            throw new IllegalArgumentException(
                    "low and high must have the same positive length, got "
                            + low.length
                            + " and "
                            + high.length);
        }
        for (int i = 0; i < low.length; i++) {
            if (!(low[i] <= high[i])) {
                throw new IllegalArgumentException(
                        "low[" + i + "] = " + low[i] + " must not exceed high[" + i + "] = " + high[i]);
            }
        }
        low = low.clone();
        high = high.clone();
    }

    /**
     * A box of {@code dimension} coordinates, all in {@code [low, high]}.
     *
     * @param dimension the number of coordinates
     * @param low the lower bound of every coordinate
     * @param high the upper bound of every coordinate
     * @return the box
     */
    public static ContinuousActionSpace uniform(int dimension, double low, double high) {
        double[] lows = new double[dimension];
        double[] highs = new double[dimension];
        Arrays.fill(lows, low);
        Arrays.fill(highs, high);
        return new ContinuousActionSpace(lows, highs);
    }

    /**
     * The number of coordinates of an action.
     *
     * @return the action length
     */
    public int dimension() {
        return low.length;
    }

    @Override
    public int actionSize() {
        return dimension();
    }

    /**
     * A copy of the lower bounds.
     *
     * @return the lower bounds
     */
    @Override
    public double[] low() {
        return low.clone();
    }

    /**
     * A copy of the upper bounds.
     *
     * @return the upper bounds
     */
    @Override
    public double[] high() {
        return high.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ContinuousActionSpace that
                && Arrays.equals(low, that.low)
                && Arrays.equals(high, that.high);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(low) + Arrays.hashCode(high);
    }

    @Override
    public String toString() {
        return "ContinuousActionSpace[low=" + Arrays.toString(low) + ", high=" + Arrays.toString(high) + "]";
    }
}
