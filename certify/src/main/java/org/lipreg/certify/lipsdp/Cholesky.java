package org.lipreg.certify.lipsdp;

/**
 * The Cholesky factor {@code L Lᵀ = A} of a dense symmetric matrix, in float64, by the plain
 * row-oriented algorithm: it fails exactly when a pivot is not positive, which is what both the
 * solver (feasibility) and the certificate check rely on. Reads only the lower triangle.
 *
 * <p>Row i's factor is zero left of row i's first nonzero entry (its envelope), so the products
 * start there: a block-diagonal matrix (LipSDP on a MaxMin chain) costs the sum of its blocks'
 * factorizations, not the whole matrix's. The skipped terms are exact zeros, so the rounding, and
 * with it the certificate's margin, is that of the plain algorithm.
 */
final class Cholesky {

    private final double[][] lower;

    private Cholesky(double[][] lower) {
        this.lower = lower;
    }

    /**
     * Factors {@code A − diag(shift)}.
     *
     * @param a a symmetric matrix
     * @param shift subtracted from the diagonal first, or null
     * @return the factor, or null if a pivot is not positive (or not a number)
     */
    static Cholesky factor(double[][] a, double[] shift) {
        int n = a.length;
        double[][] l = new double[n][];
        int[] first = new int[n];
        for (int i = 0; i < n; i++) {
            l[i] = new double[i + 1];
            int f = 0;
            while (f < i && a[i][f] == 0) {
                f++;
            }
            first[i] = f;
            for (int j = f; j <= i; j++) {
                double s = a[i][j];
                if (i == j && shift != null) {
                    s -= shift[i];
                }
                double[] li = l[i];
                double[] lj = l[j];
                for (int k = Math.max(f, first[j]); k < j; k++) {
                    s -= li[k] * lj[k];
                }
                if (i == j) {
                    if (!(s > 0)) {
                        return null;
                    }
                    li[i] = Math.sqrt(s);
                } else {
                    li[j] = s / lj[j];
                }
            }
        }
        return new Cholesky(l);
    }

    /** @return {@code log det A = 2 Σ log L_ii} */
    double logDeterminant() {
        double s = 0;
        for (int i = 0; i < lower.length; i++) {
            s += Math.log(lower[i][i]);
        }
        return 2 * s;
    }

    /**
     * Solves {@code A y = b}.
     *
     * @param b the right-hand side
     * @return y
     */
    double[] solve(double[] b) {
        int n = lower.length;
        double[] y = b.clone();
        for (int i = 0; i < n; i++) {
            double s = y[i];
            for (int k = 0; k < i; k++) {
                s -= lower[i][k] * y[k];
            }
            y[i] = s / lower[i][i];
        }
        for (int i = n - 1; i >= 0; i--) {
            double s = y[i];
            for (int k = i + 1; k < n; k++) {
                s -= lower[k][i] * y[k];
            }
            y[i] = s / lower[i][i];
        }
        return y;
    }
}
