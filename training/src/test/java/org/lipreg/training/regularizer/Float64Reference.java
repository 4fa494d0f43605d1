package org.lipreg.training.regularizer;

/**
 * Plain float64 loops that the tests hold lipreg's engine computations against: weight
 * standardization, the explicit matrix of a 2-d convolution, and the largest singular value by
 * Jacobi's eigenvalue method on {@code MᵀM}.
 */
final class Float64Reference {

    private Float64Reference() {}

    /**
     * Standardizes each row of a {@code (rows, rest)} weight: {@code (w − mean) / √(var + ε)}, with
     * the biased variance (as lipreg's weight standardization defines it).
     */
    static double[] standardize(double[] w, int rows, double epsilon) {
        int n = w.length / rows;
        double[] out = new double[w.length];
        for (int r = 0; r < rows; r++) {
            double mean = 0;
            for (int j = 0; j < n; j++) {
                mean += w[r * n + j] / n;
            }
            double var = 0;
            for (int j = 0; j < n; j++) {
                double d = w[r * n + j] - mean;
                var += d * d / n;
            }
            for (int j = 0; j < n; j++) {
                out[r * n + j] = (w[r * n + j] - mean) / Math.sqrt(var + epsilon);
            }
        }
        return out;
    }

    /**
     * The matrix of a convolution (one group, square kernel, equal stride and zero padding on
     * both axes) on one {@code (channels, height, width)} input: row {@code (f, oy, ox)}, column
     * {@code (c, iy, ix)}, each flattened in that order.
     */
    static double[] convolutionMatrix(double[] kernel, int filters, int channels, int k, int height, int width,
            int stride, int padding) {
        int outH = (height + 2 * padding - k) / stride + 1;
        int outW = (width + 2 * padding - k) / stride + 1;
        int columns = channels * height * width;
        double[] m = new double[filters * outH * outW * columns];
        for (int f = 0; f < filters; f++) {
            for (int oy = 0; oy < outH; oy++) {
                for (int ox = 0; ox < outW; ox++) {
                    int row = (f * outH + oy) * outW + ox;
                    for (int c = 0; c < channels; c++) {
                        for (int ky = 0; ky < k; ky++) {
                            for (int kx = 0; kx < k; kx++) {
                                int iy = oy * stride - padding + ky;
                                int ix = ox * stride - padding + kx;
                                if (iy >= 0 && iy < height && ix >= 0 && ix < width) {
                                    m[row * columns + (c * height + iy) * width + ix] +=
                                            kernel[((f * channels + c) * k + ky) * k + kx];
                                }
                            }
                        }
                    }
                }
            }
        }
        return m;
    }

    /** The largest singular value of a {@code (rows, cols)} matrix: √ of the largest eigenvalue of MᵀM. */
    static double largestSingularValue(double[] m, int rows, int cols) {
        double[][] a = new double[cols][cols];
        for (int i = 0; i < cols; i++) {
            for (int j = 0; j < cols; j++) {
                double s = 0;
                for (int r = 0; r < rows; r++) {
                    s += m[r * cols + i] * m[r * cols + j];
                }
                a[i][j] = s;
            }
        }
        double max = 0;
        for (double e : symmetricEigenvalues(a)) {
            max = Math.max(max, e);
        }
        return Math.sqrt(max);
    }

    /** Cyclic Jacobi rotations until the off-diagonal part vanishes; returns the diagonal. */
    private static double[] symmetricEigenvalues(double[][] a) {
        int n = a.length;
        for (int sweep = 0; sweep < 100; sweep++) {
            double off = 0;
            double total = 0;
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    total += a[i][j] * a[i][j];
                    if (i != j) {
                        off += a[i][j] * a[i][j];
                    }
                }
            }
            if (off <= 1e-30 * total) {
                break;
            }
            for (int p = 0; p < n - 1; p++) {
                for (int q = p + 1; q < n; q++) {
                    if (a[p][q] == 0) {
                        continue;
                    }
                    double theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
                    double t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
                    if (theta == 0) {
                        t = 1;
                    }
                    double c = 1 / Math.sqrt(t * t + 1);
                    double s = t * c;
                    for (int k = 0; k < n; k++) {
                        double akp = a[k][p];
                        double akq = a[k][q];
                        a[k][p] = c * akp - s * akq;
                        a[k][q] = s * akp + c * akq;
                    }
                    for (int k = 0; k < n; k++) {
                        double apk = a[p][k];
                        double aqk = a[q][k];
                        a[p][k] = c * apk - s * aqk;
                        a[q][k] = s * apk + c * aqk;
                    }
                }
            }
        }
        double[] eigenvalues = new double[n];
        for (int i = 0; i < n; i++) {
            eigenvalues[i] = a[i][i];
        }
        return eigenvalues;
    }
}
