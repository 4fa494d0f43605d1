package org.lipreg.certify.graph;

import ai.djl.ndarray.NDArray;

/**
 * One operator of the certification graph, and everything every pass needs of it: its value,
 * its (Clarke) derivative both ways, interval bounds, and — through {@link ForwardRelaxation} —
 * its CROWN relaxation and its edge in the Jacobian graph. The passes ({@code ForwardBounds},
 * {@code GradientBounds}, the region walk, the lower-bound search) are loops over nodes that ask
 * them, never switches on what they are. Values are flat vectors per example (float64,
 * channel-major as in DJL); a node's inputs have smaller indices (topological order).
 */
public sealed interface Node permits Input, Affine, Activation, Sum, Normalization {

    /**
     * Returns the length of the node's value.
     *
     * @return the size
     */
    int size();

    /**
     * Returns the input nodes, one entry per edge ({@code x + x} lists x twice).
     *
     * @return the inputs
     */
    int[] inputs();

    /**
     * Computes the value.
     *
     * @param inputs the inputs' values, {@code (B, size_j)} each
     * @return {@code (B, size)}
     */
    NDArray forward(NDArray[] inputs);

    /**
     * Back-propagates a gradient (an element of the Clarke Jacobian where it is not smooth: the
     * derivative of the piece with positive argument).
     *
     * @param inputs the inputs' values
     * @param gradient {@code (B, size)}: the gradient of the output
     * @return the gradient of each input
     */
    NDArray[] backward(NDArray[] inputs, NDArray gradient);

    /**
     * Pushes the inputs' Jacobians (as rows: row j is how a value moves along input direction j)
     * through the node at one point, with the derivatives of {@link #backward}.
     *
     * @param inputs the inputs' values at the point, {@code (1, size_j)}
     * @param rows the inputs' Jacobian rows, {@code (n0, size_j)}
     * @return the node's Jacobian rows, {@code (n0, size)}
     */
    NDArray jacobianRows(NDArray[] inputs, NDArray[] rows);

    /**
     * Bounds the value over a box of inputs (interval arithmetic), rounded outward.
     *
     * @param inputs bounds on the inputs, {@code (D, size_j)}
     * @param margin the rounding margin
     * @return the bounds
     */
    Interval interval(Interval[] inputs, RoundingMargin margin);

    /**
     * Relaxes the node over a box of inputs.
     *
     * @param inputs bounds on the inputs, {@code (D, size_j)}
     * @return the relaxation, or null for the network input
     */
    ForwardRelaxation relax(Interval[] inputs);

    /**
     * Returns whether the node's relaxation gains from tight bounds on its inputs (CROWN bounds
     * them first); false for linear nodes, whose relaxation is exact.
     *
     * @return whether to tighten the inputs' bounds
     */
    default boolean tightensInputs() {
        return false;
    }

    /**
     * Returns whether tighter bounds on an input entry can change the node's relaxation only
     * where that entry's interval contains zero (then CROWN bounds only those entries).
     *
     * @return true for activations, false when every entry's bounds matter
     */
    default boolean relaxesOnlyAcrossZero() {
        return false;
    }

    /**
     * Returns how many floating-point operations one output of the node takes in the longest
     * of its sums (its fan-in for a linear map), for the rounding error model.
     *
     * @return the count, 1 for elementwise nodes
     */
    default long operations() {
        return 1;
    }

    /**
     * Returns whether the node is affine or piecewise linear (its derivative constant on each
     * piece), so that a fully split branch-and-bound domain has one gradient.
     *
     * @return true unless the node normalizes by per-example statistics
     */
    default boolean piecewiseLinear() {
        return true;
    }

    /**
     * Returns how the node's value is laid out as images, where a map says so: neighbouring
     * entries of an image are what a convolution mixes.
     *
     * @return (C, H, W), or null when not known
     */
    default int[] imageShape() {
        return null;
    }

    /**
     * Returns how the node reads its input as images, where a map says so.
     *
     * @return (C, H, W), or null when not known
     */
    default int[] inputImageShape() {
        return null;
    }
}
