package org.lipreg.certify.graph;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

/**
 * A dense matrix {@code (out, in)}: fully connected layers and small fixed maps.
 *
 * <p>A bound pass often applies it to vectors that are zero on most of the axis the matrix reads
 * (the Jacobian graph's coefficients of a few gradient entries, windowed by the convolutions
 * before): then only the nonzero entries' columns (or rows) of the matrix are multiplied. A zero
 * term adds nothing to a dot product, so the result is the full product's up to the order in
 * which the engine sums the remaining terms.
 */
public final class DenseMap implements LinearMap {

    /** The gather pays when at most this fraction of the read axis is nonzero in the batch. */
    static final double SPARSE_MAX_FRACTION = 0.5;
    /** Batches of fewer vectors are multiplied whole (the support's pass would cost as much). */
    static final long SPARSE_MIN_VECTORS = 8;

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
        return onSupport(v, transposed);
    }

    @Override
    public NDArray applyTranspose(NDArray u) {
        return onSupport(u, weight);
    }

    /**
     * Returns {@code v·matrix} for {@code matrix} = Aᵀ {@code (in, out)} or A {@code (out, in)},
     * multiplying only the matrix rows at the entries of v's last axis that are nonzero in some
     * vector of the batch, when they are few enough for the gather to pay.
     */
    private static NDArray onSupport(NDArray v, NDArray matrix) {
        long length = matrix.getShape().get(0);
        if (v.getShape().size() < length * SPARSE_MIN_VECTORS) {
            return v.matMul(matrix);
        }
        NDArray flat = v.reshape(-1, length);
        // One boolean pass and a count per entry; the indices are the only read-back (int64, ≤ length).
        NDArray support = flat.neq(0).sum(new int[] {0}).nonzero().flatten();
        long kept = support.getShape().get(0);
        if (kept > length * SPARSE_MAX_FRACTION) {
            return v.matMul(matrix);
        }
        Shape outShape = v.getShape().slice(0, v.getShape().dimension() - 1).add(matrix.getShape().get(1));
        if (kept == 0) {
            return v.getManager().zeros(outShape, v.getDataType());
        }
        NDArray columns = flat.get(new NDIndex(":, {}", support));
        return columns.matMul(matrix.get(new NDIndex("{}", support))).reshape(outShape);
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
