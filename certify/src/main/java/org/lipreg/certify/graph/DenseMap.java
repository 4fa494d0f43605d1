package org.lipreg.certify.graph;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;

/** A dense matrix {@code (out, in)}: fully connected layers and small fixed maps. */
public final class DenseMap implements LinearMap {

    private final NDArray weight;
    private final NDArray transposed;
    private DenseMap absolute;
    /** The matrix on the Java heap, row-major, made when rows or columns are first asked for. */
    private double[] entries;

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
    public NDArray rows(NDManager manager, int[] outputs) {
        return pick(manager, outputs, true);
    }

    @Override
    public NDArray columns(NDManager manager, int[] inputs) {
        return pick(manager, inputs, false);
    }

    /** Copies whole rows (or columns) of the matrix: exactly {@code Aᵀe_k} (or {@code Ae_j}). */
    private NDArray pick(NDManager manager, int[] indices, boolean rows) {
        if (entries == null) {
            entries = weight.toDoubleArray();
        }
        int out = outputSize();
        int in = inputSize();
        int length = rows ? in : out;
        double[] picked = new double[indices.length * length];
        for (int r = 0; r < indices.length; r++) {
            for (int i = 0; i < length; i++) {
                picked[r * length + i] = rows ? entries[indices[r] * in + i] : entries[i * in + indices[r]];
            }
        }
        return manager.create(picked, new Shape(indices.length, length));
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
