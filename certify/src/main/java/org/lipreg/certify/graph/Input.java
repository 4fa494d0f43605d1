package org.lipreg.certify.graph;

import ai.djl.ndarray.NDArray;

/**
 * The network input, node 0: the passes start from it (its value, its box, the identity
 * Jacobian) rather than ask it.
 *
 * @param size its length
 */
public record Input(int size) implements Node {

    @Override
    public int[] inputs() {
        return new int[0];
    }

    @Override
    public NDArray forward(NDArray[] inputs) {
        throw new UnsupportedOperationException("the input has no inputs");
    }

    @Override
    public NDArray[] backward(NDArray[] inputs, NDArray gradient) {
        return new NDArray[0];
    }

    @Override
    public NDArray jacobianRows(NDArray[] inputs, NDArray[] rows) {
        throw new UnsupportedOperationException("the input's Jacobian is the identity");
    }

    @Override
    public Interval interval(Interval[] inputs, RoundingMargin margin) {
        throw new UnsupportedOperationException("the input's bounds are the box");
    }

    @Override
    public ForwardRelaxation relax(Interval[] inputs) {
        return null;
    }
}
