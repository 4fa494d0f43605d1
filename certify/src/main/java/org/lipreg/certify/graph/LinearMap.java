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
     * Returns the image layout of the vectors the map reads, for a convolution.
     *
     * @return (C, H, W), or null for maps that do not read images
     */
    default int[] inputImage() {
        return null;
    }

    /**
     * Returns the image layout of the vectors the map writes, for a convolution.
     *
     * @return (C, H, W), or null for maps that do not write images
     */
    default int[] outputImage() {
        return null;
    }

    /**
     * Returns the rows of {@code A} at the given outputs, {@code Aᵀ·e_k} for each k: the first
     * step of a backward bound on those outputs. Made from the map's entries where it can (no
     * unit vectors, no engine call on them); each entry equals what {@link #applyTranspose} gives
     * for the unit vector, to the last bit (one nonzero term in every sum).
     *
     * @param manager the manager for the result
     * @param outputs the outputs, each in {@code [0, outputSize)}
     * @return {@code (outputs.length, inputSize)}, float64
     */
    default NDArray rows(ai.djl.ndarray.NDManager manager, int[] outputs) {
        return applyTranspose(unitRows(manager, outputs, outputSize()));
    }

    /**
     * Returns the columns of {@code A} at the given inputs, {@code A·e_j} for each j: the first
     * step of a bound carried outward from those inputs. As exact as {@link #rows}.
     *
     * @param manager the manager for the result
     * @param inputs the inputs, each in {@code [0, inputSize)}
     * @return {@code (inputs.length, outputSize)}, float64
     */
    default NDArray columns(ai.djl.ndarray.NDManager manager, int[] inputs) {
        return apply(unitRows(manager, inputs, inputSize()));
    }

    /**
     * Returns the rows of the {@code size × size} identity at the given indices.
     *
     * @param manager the manager
     * @param indices the rows
     * @param size the identity's size
     * @return {@code (indices.length, size)}, float64
     */
    static NDArray unitRows(ai.djl.ndarray.NDManager manager, int[] indices, int size) {
        double[] rows = new double[indices.length * size];
        for (int r = 0; r < indices.length; r++) {
            rows[r * size + indices[r]] = 1;
        }
        return manager.create(rows, new ai.djl.ndarray.types.Shape(indices.length, size));
    }
}
