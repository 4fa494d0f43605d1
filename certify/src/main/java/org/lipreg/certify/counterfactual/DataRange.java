package org.lipreg.certify.counterfactual;

/**
 * Per-feature bounds that counterfactuals must respect (the range of the data), or no bounds.
 *
 * @param lower the smallest value of each feature
 * @param upper the largest value of each feature
 */
public record DataRange(double[] lower, double[] upper) {

    /**
     * Checks the bounds.
     *
     * @param lower the smallest value of each feature
     * @param upper the largest value of each feature
     */
    public DataRange {
        if (lower.length != upper.length) {
            throw new IllegalArgumentException("lower has " + lower.length + " values, upper " + upper.length);
        }
        for (int i = 0; i < lower.length; i++) {
            if (!(lower[i] <= upper[i])) {
                throw new IllegalArgumentException("empty range at feature " + i + ": [" + lower[i] + ", " + upper[i] + "]");
            }
        }
        lower = lower.clone();
        upper = upper.clone();
    }

    /**
     * The smallest range holding every row.
     *
     * @param rows the points, flat
     * @return per-feature min and max
     */
    public static DataRange of(double[][] rows) {
        int d = rows[0].length;
        double[] lo = new double[d];
        double[] hi = new double[d];
        java.util.Arrays.fill(lo, Double.POSITIVE_INFINITY);
        java.util.Arrays.fill(hi, Double.NEGATIVE_INFINITY);
        for (double[] row : rows) {
            for (int j = 0; j < d; j++) {
                lo[j] = Math.min(lo[j], row[j]);
                hi[j] = Math.max(hi[j], row[j]);
            }
        }
        return new DataRange(lo, hi);
    }

    /**
     * No bounds on features.
     *
     * @param size the number of features
     * @return (−∞, ∞) for each
     */
    public static DataRange unbounded(int size) {
        double[] lo = new double[size];
        double[] hi = new double[size];
        java.util.Arrays.fill(lo, Double.NEGATIVE_INFINITY);
        java.util.Arrays.fill(hi, Double.POSITIVE_INFINITY);
        return new DataRange(lo, hi);
    }

    /**
     * Clips a point into the range, in place.
     *
     * @param x the point
     * @return x
     */
    public double[] clip(double[] x) {
        if (x.length != lower.length) {
            throw new IllegalArgumentException("a point has " + x.length + " values, the range " + lower.length);
        }
        for (int i = 0; i < x.length; i++) {
            x[i] = Math.min(upper[i], Math.max(lower[i], x[i]));
        }
        return x;
    }
}
