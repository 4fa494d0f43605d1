package org.lipreg.certify.graph;

import ai.djl.ndarray.NDArray;

/**
 * A node of the certification graph: every value is a flat vector per example (float64, laid
 * out channel-major as in DJL), and every node is one of five kinds. Node inputs always have
 * smaller indices (topological order).
 */
public sealed interface Node {

    /**
     * Returns the length of the node's value.
     *
     * @return the size
     */
    int size();

    /**
     * The network input.
     *
     * @param size its length
     */
    record Input(int size) implements Node {}

    /**
     * {@code y = A x + b}: linear layers, convolutions, pooling and folded normalizations, each
     * kept in its own form ({@link LinearMap}).
     *
     * @param input the input node
     * @param map A
     * @param bias {@code (size)}, float64
     */
    record Affine(int input, LinearMap map, NDArray bias) implements Node {
        @Override
        public int size() {
            return map.outputSize();
        }
    }

    /**
     * Leaky ReLU {@code max(x, slope·x)}, ReLU with slope 0. Its Clarke derivative is 1 for
     * {@code x > 0}, {@code slope} for {@code x < 0}, and the interval between at 0.
     *
     * @param input the pre-activation node
     * @param slope the negative slope in [0, 1]
     * @param size the length
     */
    record Activation(int input, double slope, int size) implements Node {}

    /**
     * {@code y = a + b}.
     *
     * @param left one summand
     * @param right the other
     * @param size the length
     */
    record Sum(int left, int right, int size) implements Node {}

    /**
     * Group normalization at inference ({@link GroupNormalization} holds its math): smooth but
     * not piecewise linear, so a graph with one is bounded, never solved exactly.
     *
     * @param input the input node
     * @param norm the operator
     */
    record Normalization(int input, GroupNormalization norm) implements Node {
        @Override
        public int size() {
            return norm.size();
        }
    }
}
