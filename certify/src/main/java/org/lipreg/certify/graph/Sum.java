package org.lipreg.certify.graph;

import ai.djl.ndarray.NDArray;

/**
 * {@code y = a + b} (a residual connection). Linear: its relaxation is itself, and it sends its
 * output gradient unchanged to both inputs.
 *
 * @param left one summand
 * @param right the other
 * @param size the length
 */
public record Sum(int left, int right, int size) implements Node, ForwardRelaxation, GradientEdge {

    @Override
    public int[] inputs() {
        return new int[] {left, right};
    }

    @Override
    public NDArray forward(NDArray[] inputs) {
        return inputs[0].add(inputs[1]);
    }

    @Override
    public NDArray[] backward(NDArray[] inputs, NDArray gradient) {
        return new NDArray[] {gradient, gradient};
    }

    @Override
    public NDArray jacobianRows(NDArray[] inputs, NDArray[] rows) {
        return rows[0].add(rows[1]);
    }

    @Override
    public Interval interval(Interval[] inputs, RoundingMargin margin) {
        return new Interval(inputs[0].lower().add(inputs[1].lower()), inputs[0].upper().add(inputs[1].upper()),
                inputs[0].magnitude().add(inputs[1].magnitude())).widened(margin);
    }

    @Override
    public ForwardRelaxation relax(Interval[] inputs) {
        return this;
    }

    @Override
    public Step backward(NDArray lambda, FreeSlopes slopes) {
        return new Step(new NDArray[] {lambda, lambda}, null);
    }

    @Override
    public GradientEdge gradientEdge(long rowsPerDomain, RoundingMargin margin) {
        return this;
    }

    @Override
    public Interval backward(Interval output) {
        return output;
    }

    @Override
    public Step forward(NDArray lambda, boolean record) {
        return new Step(new NDArray[] {lambda}, null);
    }
}
