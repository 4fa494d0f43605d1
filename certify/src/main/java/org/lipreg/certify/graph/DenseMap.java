package org.lipreg.certify.graph;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;

/** A dense matrix {@code (out, in)}: fully connected layers and small fixed maps. */
public final class DenseMap implements LinearMap {

    private final NDArray weight;
    private final NDArray transposed;
    private DenseMap absolute;

    /**
     * Wraps a matrix; the map owns it from now on (it outlives any scope it was made in).
     *
     * @param weight {@code (out, in)}, float64
     */
    public DenseMap(NDArray weight) {
        this.weight = weight;
        this.transposed = weight.transpose();
        NDScope.unregister(weight, transposed);
    }

    /**
     * Returns the matrix.
     *
     * @return {@code (out, in)}
     */
    public NDArray weight() {
        return weight;
    }

    @Override
    public int inputSize() {
        return Math.toIntExact(weight.getShape().get(1));
    }

    @Override
    public int outputSize() {
        return Math.toIntExact(weight.getShape().get(0));
    }

    @Override
    public int fanIn() {
        return inputSize();
    }

    @Override
    public NDArray apply(NDArray v) {
        return v.matMul(transposed);
    }

    @Override
    public NDArray applyTranspose(NDArray u) {
        return u.matMul(weight);
    }

    @Override
    public LinearMap abs() {
        if (absolute == null) {
            absolute = new DenseMap(weight.abs());
        }
        return absolute;
    }

    @Override
    public double maxRowAbsSum() {
        return weight.abs().sum(new int[] {1}).max().getDouble();
    }
}
