package org.lipreg.normalization.activation;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

import org.lipreg.normalization.internal.Ownership;

import java.io.DataInputStream;
import java.io.IOException;

/**
 * GroupSort (Anil et al.): the channels (axis 1) are split into consecutive groups of {@code n}
 * and each group is sorted in descending order. With {@code n = 2} it is MaxMin: each pair
 * {@code (a, b)} becomes {@code (max(a, b), min(a, b))}.
 *
 * <p>Sorting only permutes values, so the activation is 1-Lipschitz in ℓ2 (and ℓ∞) and its
 * Jacobian is a permutation matrix wherever the values in a group are distinct: gradient norms
 * are preserved, unlike ReLU's. At ties the Clarke Jacobian is the convex hull of the tied
 * permutations; the engine's backward picks one of them.
 *
 * <p>Input {@code (N, C, *)} with {@code n} dividing C; no parameters.
 */
public final class GroupSort extends AbstractBlock {

    private static final byte VERSION = 1;

    private final int groupSize;

    private GroupSort(int groupSize) {
        super(VERSION);
        this.groupSize = groupSize;
    }

    /**
     * Returns GroupSort with groups of {@code n} channels.
     *
     * @param n the group size, at least 2
     * @return the activation
     */
    public static GroupSort of(int n) {
        if (n < 2) {
            throw new IllegalArgumentException("groupSize must be at least 2, got " + n);
        }
        return new GroupSort(n);
    }

    /**
     * Returns MaxMin, GroupSort with groups of 2.
     *
     * @return the activation
     */
    public static GroupSort maxMin() {
        return new GroupSort(2);
    }

    /**
     * Returns the group size.
     *
     * @return n
     */
    public int getGroupSize() {
        return groupSize;
    }

    /**
     * Sorts each group of {@code n} consecutive channels of {@code x} in descending order.
     *
     * @param x input {@code (N, C, *)}
     * @param n group size dividing C
     * @return the sorted input, same shape
     */
    public static NDArray apply(NDArray x, int n) {
        Shape shape = x.getShape();
        long channels = shape.get(1);
        if (channels % n != 0) {
            throw new IllegalArgumentException("groupSize (" + n + ") must divide the number of channels (" + channels + ")");
        }
        Shape grouped = new Shape(shape.get(0), channels / n, n).addAll(shape.slice(2));
        // Descending order: sort the negated values ascending.
        return x.reshape(grouped).neg().sort(2).neg().reshape(shape);
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        return new NDList(Ownership.computeInto(x.getManager(), () -> apply(x, groupSize)));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    @Override
    protected void beforeInitialize(Shape... inputShapes) {
        // Not prepare(): DJL skips it for a block without parameters.
        super.beforeInitialize(inputShapes);
        long channels = inputShapes[0].get(1);
        if (channels % groupSize != 0) {
            throw new IllegalArgumentException("groupSize (" + groupSize + ") must divide the number of channels ("
                    + channels + ")");
        }
    }

    @Override
    public void loadMetadata(byte loadVersion, DataInputStream is) throws IOException, MalformedModelException {
        if (loadVersion != VERSION) {
            throw new MalformedModelException("GroupSort: saved with format version " + loadVersion
                    + "; this lipreg reads version " + VERSION);
        }
        readInputShapes(is);
    }
}
