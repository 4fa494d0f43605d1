package org.lipreg.certify.graph;

import ai.djl.ndarray.NDArray;

import org.lipreg.normalization.engine.Scalars;

/**
 * Group normalization at inference ({@link GroupNormalization} holds its math): smooth but not
 * piecewise linear. Its CROWN relaxation is linear (the chords of {@code c·r}); in the Jacobian
 * graph its backward step is bounded by intervals and relaxed linearly ({@link
 * GroupNormalization#backwardLinear}), so linear bounds pass through it.
 *
 * @param input the input node
 * @param norm the operator
 */
public record Normalization(int input, GroupNormalization norm) implements Node {

    @Override
    public int size() {
        return norm.size();
    }

    @Override
    public int[] inputs() {
        return new int[] {input};
    }

    @Override
    public NDArray forward(NDArray[] inputs) {
        return norm.forward(inputs[0]);
    }

    @Override
    public NDArray[] backward(NDArray[] inputs, NDArray gradient) {
        return new NDArray[] {norm.backward(inputs[0], gradient)};
    }

    @Override
    public NDArray jacobianRows(NDArray[] inputs, NDArray[] rows) {
        return norm.jvp(inputs[0], rows[0]);
    }

    @Override
    public Interval interval(Interval[] inputs, RoundingMargin margin) {
        NDArray[] y = norm.outputBounds(norm.bounds(inputs[0].lower(), inputs[0].upper()));
        return new Interval(y[0], y[1], norm.magnitude()).widened(margin);
    }

    @Override
    public ForwardRelaxation relax(Interval[] inputs) {
        return new Relaxation(norm, norm.bounds(inputs[0].lower(), inputs[0].upper()));
    }

    @Override
    public boolean tightensInputs() {
        return true; // its statistics are only as tight as its input's bounds
    }

    @Override
    public long operations() {
        return 4L * norm.size() / norm.groups(); // the group sums of its statistics
    }

    @Override
    public boolean piecewiseLinear() {
        return false;
    }

    /** The forward facts over a box: interval bounds of the statistics and the chord relaxation. */
    private static final class Relaxation implements ForwardRelaxation {
        private final GroupNormalization norm;
        private final GroupNormalization.Bounds bounds;
        private final GroupNormalization.Relaxation chords;

        Relaxation(GroupNormalization norm, GroupNormalization.Bounds bounds) {
            this.norm = norm;
            this.bounds = bounds;
            this.chords = norm.relax(bounds);
        }

        @Override
        public Step backward(NDArray lambda, FreeSlopes slopes) {
            NDArray[] step = norm.backwardRelaxed(lambda, chords);
            return new Step(new NDArray[] {step[0]}, step[1]);
        }

        @Override
        public GradientEdge gradientEdge(long rowsPerDomain, RoundingMargin margin) {
            return new Edge(norm, bounds.repeat(rowsPerDomain), margin);
        }
    }

    /** The backward step: intervals inward, a linear relaxation for coefficients moving outward. */
    private static final class Edge implements GradientEdge {
        private final GroupNormalization norm;
        private final GroupNormalization.Bounds bounds;
        private final RoundingMargin margin;
        private Interval output;

        Edge(GroupNormalization norm, GroupNormalization.Bounds bounds, RoundingMargin margin) {
            this.norm = norm;
            this.bounds = bounds;
            this.margin = margin;
        }

        @Override
        public Interval backward(Interval output) {
            this.output = output; // the linear step below relaxes over these bounds
            NDArray magnitude = norm.backwardMagnitude(bounds, output.magnitude());
            NDArray[] g = norm.backwardInterval(bounds, output.lower(), output.upper());
            return new Interval(g[0], g[1], magnitude);
        }

        @Override
        public Step forward(NDArray lambda, boolean record) {
            NDArray[] linear = norm.backwardLinear(bounds, output.lower(), output.upper(), lambda);
            return new Step(new NDArray[] {linear[0]}, linear[1]);
        }
    }
}
