package org.lipreg.certify.graph;

import ai.djl.ndarray.NDArray;

/**
 * A node of the lowered graph: every value is a flat vector per example (float64), and every
 * node is one of four kinds. Node inputs always have smaller indices (topological order).
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
     * {@code y = W x + b}: linear, convolution, pooling and folded normalizations, as dense
     * matrices.
     *
     * @param input the input node
     * @param weight {@code (size, inputSize)}, float64
     * @param bias {@code (size)}, float64
     */
    record Affine(int input, NDArray weight, NDArray bias) implements Node {
        @Override
        public int size() {
            return Math.toIntExact(weight.getShape().get(0));
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
}
