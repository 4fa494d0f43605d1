package org.lipreg.certify.lipschitz;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import org.lipreg.certify.graph.Interval;
import org.lipreg.certify.graph.RoundingMargin;

/**
 * The entries of a node worth a linear bound, and the merge of those bounds into the node's
 * interval bounds: linear bounds cost a row of coefficients per entry, and most entries of a
 * trained network are exact whatever their bounds (a stable neuron, a gradient of one sign).
 */
final class Entries {

    private Entries() {}

    /**
     * Returns the columns where some row is true.
     *
     * @param mask {@code (rows, n)} booleans
     * @return the columns, ascending
     */
    static int[] anyRow(NDArray mask) {
        boolean[] any = mask.toType(DataType.INT32, false).sum(new int[] {0}).gt(0).toBooleanArray();
        int count = 0;
        for (boolean b : any) {
            count += b ? 1 : 0;
        }
        int[] columns = new int[count];
        int k = 0;
        for (int j = 0; j < any.length; j++) {
            if (any[j]) {
                columns[k++] = j;
            }
        }
        return columns;
    }

    /**
     * Returns the columns where the interval contains zero in some row.
     *
     * @param b the bounds
     * @return the columns, ascending
     */
    static int[] acrossZero(Interval b) {
        return anyRow(b.lower().lt(0).logicalAnd(b.upper().gt(0)));
    }

    /**
     * Intersects interval bounds with linear bounds on some of their columns, the linear ones
     * rounded outward first.
     *
     * @param b the interval bounds {@code (D, n)}, magnitude {@code (1 or D, n)}
     * @param columns the columns the linear bounds are for
     * @param lower linear lower bounds {@code (1 or D, columns)}
     * @param upper linear upper bounds {@code (1 or D, columns)}
     * @param margin the rounding margin
     * @return the intersected bounds, same magnitude
     */
    static Interval tighten(Interval b, int[] columns, NDArray lower, NDArray upper, RoundingMargin margin) {
        long[] shape = b.lower().getShape().getShape();
        int rows = (int) shape[0];
        int n = (int) shape[1];
        int m = columns.length;
        double[] lo = b.lower().toDoubleArray();
        double[] hi = b.upper().toDoubleArray();
        double[] size = b.magnitude().toDoubleArray();
        int sizeRows = size.length / n;
        double[] cl = lower.toDoubleArray();
        double[] ch = upper.toDoubleArray();
        int linearRows = cl.length / m;
        double relative = margin.relative();
        for (int d = 0; d < rows; d++) {
            for (int r = 0; r < m; r++) {
                int j = columns[r];
                double slack = relative * size[(sizeRows == 1 ? 0 : d) * n + j];
                int at = (linearRows == 1 ? 0 : d) * m + r;
                lo[d * n + j] = Math.max(lo[d * n + j], cl[at] - slack);
                hi[d * n + j] = Math.min(hi[d * n + j], ch[at] + slack);
            }
        }
        Shape s = new Shape(rows, n);
        return new Interval(b.lower().getManager().create(lo, s), b.upper().getManager().create(hi, s), b.magnitude());
    }
}
