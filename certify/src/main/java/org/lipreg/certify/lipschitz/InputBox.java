package org.lipreg.certify.lipschitz;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * The input region of a certificate: {@code B∞(x0, ε) ∩ [domainMin, domainMax]}, kept explicit
 * because the data range matters (MNIST pixels in [0, 1]; Shi et al. clip normalized inputs to
 * [−1, 2]).
 *
 * @param center x0, flat
 * @param lower the box's lower corner
 * @param upper the box's upper corner
 */
public record InputBox(double[] center, double[] lower, double[] upper) {

    /**
     * Checks the corners.
     *
     * @param center x0, flat
     * @param lower the box's lower corner
     * @param upper the box's upper corner
     */
    public InputBox {
        if (lower.length != upper.length || center.length != lower.length) {
            throw new IllegalArgumentException("box corners and center must have the same length");
        }
        for (int i = 0; i < lower.length; i++) {
            if (!(lower[i] <= upper[i])) {
                throw new IllegalArgumentException("empty box at coordinate " + i + ": [" + lower[i] + ", " + upper[i] + "]");
            }
        }
        center = center.clone();
        lower = lower.clone();
        upper = upper.clone();
    }

    /**
     * The ℓ∞ ball of radius ε around x0, clipped to the domain {@code [min, max]}.
     *
     * @param x0 the center, flat
     * @param epsilon the radius, ≥ 0
     * @param min the smallest value an input may take
     * @param max the largest
     * @return the box
     * @throws IllegalArgumentException if ε is negative or x0 lies outside the domain
     */
    public static InputBox around(double[] x0, double epsilon, double min, double max) {
        if (!(epsilon >= 0)) {
            throw new IllegalArgumentException("eps must be ≥ 0, got " + epsilon);
        }
        double[] lo = new double[x0.length];
        double[] hi = new double[x0.length];
        for (int i = 0; i < x0.length; i++) {
            if (x0[i] < min || x0[i] > max) {
                throw new IllegalArgumentException("input value " + x0[i] + " at index " + i + " lies outside the domain ["
                        + min + ", " + max + "]");
            }
            lo[i] = Math.max(min, x0[i] - epsilon);
            hi[i] = Math.min(max, x0[i] + epsilon);
        }
        return new InputBox(x0, lo, hi);
    }

    /**
     * Returns the number of coordinates.
     *
     * @return the dimension
     */
    public int size() {
        return lower.length;
    }

    NDArray lower(NDManager manager) {
        return manager.create(lower, new Shape(lower.length));
    }

    NDArray upper(NDManager manager) {
        return manager.create(upper, new Shape(upper.length));
    }
}
