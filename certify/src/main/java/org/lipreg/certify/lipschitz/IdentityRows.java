package org.lipreg.certify.lipschitz;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Rows {@code from … to − 1} of the identity of a given size: the seeds of a chunk of backward
 * bound passes. (DJL's PyTorch engine refuses {@code eye(rows, cols, k)} for k ≠ 0, so the
 * off-diagonal block is built as zeros around a square identity.)
 */
final class IdentityRows {

    private IdentityRows() {}

    /**
     * Returns the rows in float64.
     *
     * @param manager where the array lives
     * @param from the first row
     * @param to one past the last row
     * @param size the identity's size
     * @return a {@code (to − from) × size} array with a one at (r, from + r)
     */
    static NDArray of(NDManager manager, int from, int to, int size) {
        int count = to - from;
        NDArray rows = manager.eye(count, count, 0, DataType.FLOAT64);
        if (from > 0) {
            rows = manager.zeros(new Shape(count, from), DataType.FLOAT64).concat(rows, 1);
        }
        if (to < size) {
            rows = rows.concat(manager.zeros(new Shape(count, size - to), DataType.FLOAT64), 1);
        }
        return rows;
    }
}
