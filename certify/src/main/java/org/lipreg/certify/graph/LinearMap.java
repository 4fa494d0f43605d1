package org.lipreg.certify.graph;

import ai.djl.ndarray.NDArray;

/**
 * A linear map {@code A} of a node's flat value, applied to many vectors at once: dense layers,
 * convolutions (kept as convolutions, never as their dense matrix), pooling and per-channel
 * scales. Every bound pass needs only {@code A·v}, {@code Aᵀ·v} and the entrywise absolute
 * value {@code |A|} (interval arithmetic in centre–radius form), so no pass asks what kind of
 * map it holds.
 *
 * <p>Vectors are the last axis of the argument: {@code (…, inputSize)} in, {@code (…,
 * outputSize)} out, any leading axes. Arrays are float64 and created in the argument's manager.
 */
public interface LinearMap {

    /**
     * Returns the length of the vectors the map reads.
     *
     * @return n_in
     */
    int inputSize();

    /**
     * Returns the length of the vectors the map writes.
     *
     * @return n_out
     */
    int outputSize();

    /**
     * Applies the map to every vector on the last axis.
     *
     * @param v {@code (…, inputSize)}
     * @return {@code (…, outputSize)}: {@code A·v}
     */
    NDArray apply(NDArray v);

    /**
     * Applies the transpose to every vector on the last axis.
     *
     * @param u {@code (…, outputSize)}
     * @return {@code (…, inputSize)}: {@code Aᵀ·u}
     */
    NDArray applyTranspose(NDArray u);

    /**
     * Returns the map whose entries are the absolute values of this one's.
     *
     * @return {@code |A|}
     */
    LinearMap abs();

    /**
     * Returns the most terms any output sums (the length of its dot product), for the rounding
     * error model ({@link RoundingMargin}).
     *
     * @return the fan-in
     */
    int fanIn();

    /**
     * Returns the largest ℓ1 norm of a row of {@code A}, {@code ‖A‖∞→∞} (the naive bound's
     * factor), computed from the weights.
     *
     * @return the norm
     */
    double maxRowAbsSum();

    /**
     * Returns rows {@code from … to − 1} of the {@code size × size} identity, without making the
     * whole identity (the engine's eye takes no diagonal offset).
     *
     * @param manager the manager
     * @param from the first row
     * @param to past the last row
     * @param size the identity's size
     * @return {@code (to − from, size)}, float64
     */
    static NDArray identityRows(ai.djl.ndarray.NDManager manager, int from, int to, int size) {
        int rows = to - from;
        NDArray eye = manager.eye(rows, rows, 0, ai.djl.ndarray.types.DataType.FLOAT64);
        ai.djl.ndarray.NDList parts = new ai.djl.ndarray.NDList();
        if (from > 0) {
            parts.add(manager.zeros(new ai.djl.ndarray.types.Shape(rows, from), ai.djl.ndarray.types.DataType.FLOAT64));
        }
        parts.add(eye);
        if (to < size) {
            parts.add(manager.zeros(new ai.djl.ndarray.types.Shape(rows, size - to), ai.djl.ndarray.types.DataType.FLOAT64));
        }
        return parts.size() == 1 ? eye : ai.djl.ndarray.NDArrays.concat(parts, 1);
    }

    /**
     * Returns the rows of the {@code size × size} identity at the given indices.
     *
     * @param manager the manager
     * @param indices the rows, ascending
     * @param size the identity's size
     * @return {@code (indices.length, size)}, float64
     */
    static NDArray oneHotRows(ai.djl.ndarray.NDManager manager, int[] indices, int size) {
        double[] rows = new double[indices.length * size];
        for (int r = 0; r < indices.length; r++) {
            rows[r * size + indices[r]] = 1;
        }
        return manager.create(rows, new ai.djl.ndarray.types.Shape(indices.length, size));
    }
}
