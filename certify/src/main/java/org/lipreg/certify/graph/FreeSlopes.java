package org.lipreg.certify.graph;

import ai.djl.ndarray.NDArray;

/**
 * The free lower slopes of one activation's neurons for a batch of bounds (α-CROWN): α is used
 * where the neuron is unstable, where any α in {@code [floor, 1]} gives a valid lower bound
 * {@code α·z ≤ act(z)}; elsewhere the slope is fixed.
 *
 * @param value {@code (D, rows, n)}: α
 * @param floor s, the smallest valid slope
 * @param unstable {@code (D, 1, n)}: where α is free
 * @param fixed {@code (D, 1, n)}: the slope elsewhere
 */
public record FreeSlopes(NDArray value, double floor, NDArray unstable, NDArray fixed) {

    /**
     * Returns the slopes to use: α where unstable, the fixed slope elsewhere.
     *
     * @return {@code (D, rows, n)}
     */
    public NDArray slopes() {
        // fixed + mask·(α − fixed): arithmetic broadcasts the (D, 1, n) mask, where() does not.
        return fixed.add(unstable.toType(value.getDataType(), false).mul(value.sub(fixed)));
    }

    /**
     * Returns these slopes with another α.
     *
     * @param newValue the new α
     * @return the slopes
     */
    public FreeSlopes with(NDArray newValue) {
        return new FreeSlopes(newValue, floor, unstable, fixed);
    }
}
