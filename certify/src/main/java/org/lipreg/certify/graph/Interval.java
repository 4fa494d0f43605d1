package org.lipreg.certify.graph;

import ai.djl.ndarray.NDArray;

/**
 * Elementwise bounds on a node's value (or on its gradient) for a batch of rows, with the
 * magnitude behind them: a bound on the sum of the absolute values of the terms the bounds were
 * computed from, which sizes their rounding margin ({@link RoundingMargin}).
 *
 * @param lower {@code (rows, size)}
 * @param upper {@code (rows, size)}
 * @param magnitude {@code (rows or 1, size)}
 */
public record Interval(NDArray lower, NDArray upper, NDArray magnitude) {

    /**
     * Returns the bounds rounded outward by the margin times the magnitude.
     *
     * @param margin the margin
     * @return the widened bounds
     */
    public Interval widened(RoundingMargin margin) {
        return new Interval(margin.down(lower, magnitude), margin.up(upper, magnitude), magnitude);
    }
}
