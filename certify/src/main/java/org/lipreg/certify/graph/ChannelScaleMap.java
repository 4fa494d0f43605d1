package org.lipreg.certify.graph;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;

/**
 * A diagonal map that scales every value of a channel by the same factor: batch norm in
 * inference form (its shift is the node's bias).
 */
public final class ChannelScaleMap implements LinearMap {

    private final NDArray diagonal;
    private ChannelScaleMap absolute;

    /**
     * Builds the map.
     *
     * @param scale {@code (channels)}, float64
     * @param perChannel the number of values in a channel (1 for a flat input)
     */
    public ChannelScaleMap(NDArray scale, int perChannel) {
        this(scale.repeat(0, perChannel));
    }

    private ChannelScaleMap(NDArray diagonal) {
        this.diagonal = diagonal;
        NDScope.unregister(diagonal);
    }

    @Override
    public int inputSize() {
        return Math.toIntExact(diagonal.getShape().get(0));
    }

    @Override
    public int outputSize() {
        return inputSize();
    }

    @Override
    public int fanIn() {
        return 1;
    }

    @Override
    public NDArray apply(NDArray v) {
        return v.mul(diagonal);
    }

    @Override
    public NDArray applyTranspose(NDArray u) {
        return u.mul(diagonal);
    }

    @Override
    public LinearMap abs() {
        if (absolute == null) {
            absolute = new ChannelScaleMap(diagonal.abs());
        }
        return absolute;
    }

    @Override
    public double maxRowAbsSum() {
        return diagonal.abs().max().getDouble();
    }
}
