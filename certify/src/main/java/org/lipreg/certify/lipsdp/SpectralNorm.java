package org.lipreg.certify.lipsdp;

import java.util.Random;

/**
 * The spectral norm {@code ‖A‖₂} of a dense matrix by power iteration on {@code AᵀA}, run until
 * the estimate stops changing in its 12th digit (it approaches the norm from below).
 */
final class SpectralNorm {

    private static final int MAX_ITERATIONS = 5000;

    private SpectralNorm() {}

    /**
     * Estimates {@code ‖A‖₂}.
     *
     * @param a {@code [rows][cols]}
     * @return the largest singular value
     */
    static double of(double[][] a) {
        int cols = a[0].length;
        double[] x = new double[cols];
        Random random = new Random(1); // a fixed start: the same matrix gives the same number
        for (int i = 0; i < cols; i++) {
            x[i] = random.nextGaussian();
        }
        double sigma = 0;
        for (int it = 0; it < MAX_ITERATIONS; it++) {
            double nx = norm(x);
            if (nx == 0) {
                return 0;
            }
            for (int i = 0; i < cols; i++) {
                x[i] /= nx;
            }
            double[] ax = DenseChain.multiply(a, x);
            double next = norm(ax);
            double[] atax = new double[cols];
            for (int r = 0; r < a.length; r++) {
                for (int c = 0; c < cols; c++) {
                    atax[c] += a[r][c] * ax[r];
                }
            }
            x = atax;
            if (Math.abs(next - sigma) <= 1e-13 * next) {
                return next;
            }
            sigma = next;
        }
        return sigma;
    }

    static double norm(double[] x) {
        double s = 0;
        for (double v : x) {
            s += v * v;
        }
        return Math.sqrt(s);
    }
}
