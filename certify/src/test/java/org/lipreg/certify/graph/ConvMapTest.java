package org.lipreg.certify.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.junit.jupiter.api.Test;

import java.util.Random;

/**
 * A convolution kept as a convolution must be the same linear map as the plain-loop
 * convolution in float64, with its transpose and entrywise absolute value.
 */
class ConvMapTest {

    /** {stride, padding, dilation, groups, kernel} cases, including every non-trivial option. */
    private static final int[][] CASES = {
        {1, 0, 1, 1, 3}, {2, 1, 1, 1, 3}, {1, 2, 2, 1, 2}, {2, 0, 1, 2, 2}, {3, 1, 1, 1, 4}, {1, 1, 1, 4, 3},
    };

    @Test
    void applyTransposeAndAbsoluteMatchPlainLoops() {
        Random random = new Random(7);
        try (NDManager manager = NDManager.newBaseManager()) {
            for (int[] c : CASES) {
                int stride = c[0];
                int padding = c[1];
                int dilation = c[2];
                int groups = c[3];
                int k = c[4];
                int cin = 4;
                int cout = 4;
                int h = 7;
                int w = 6;
                double[] weight = gaussians(random, cout * (cin / groups) * k * k);
                int oh = (h + 2 * padding - dilation * (k - 1) - 1) / stride + 1;
                int ow = (w + 2 * padding - dilation * (k - 1) - 1) / stride + 1;
                int[] in = {cin, h, w};
                int[] out = {cout, oh, ow};
                ConvMap map = new ConvMap(manager.create(weight, new Shape(cout, cin / groups, k, k)), in, out,
                        new int[] {stride, stride}, new int[] {padding, padding}, new int[] {dilation, dilation}, groups);
                double[][] dense = plainMatrix(weight, in, out, k, stride, padding, dilation, groups);
                int rows = 3;
                double[] v = gaussians(random, rows * cin * h * w);
                double[] u = gaussians(random, rows * cout * oh * ow);
                NDArray vs = manager.create(v, new Shape(rows, cin * h * w));
                NDArray us = manager.create(u, new Shape(rows, cout * oh * ow));
                String where = java.util.Arrays.toString(c);
                assertClose(times(dense, v, rows, false), map.apply(vs).toDoubleArray(), where + " A·v");
                assertClose(times(dense, u, rows, true), map.applyTranspose(us).toDoubleArray(), where + " Aᵀ·u");
                double[][] absolute = new double[dense.length][];
                for (int i = 0; i < dense.length; i++) {
                    absolute[i] = java.util.Arrays.stream(dense[i]).map(Math::abs).toArray();
                }
                assertClose(times(absolute, v, rows, false), map.abs().apply(vs).toDoubleArray(), where + " |A|·v");
                double maxRow = 0;
                for (double[] row : absolute) {
                    maxRow = Math.max(maxRow, java.util.Arrays.stream(row).sum());
                }
                // The weights' bound covers every output, padded ones included.
                assertEquals(true, map.maxRowAbsSum() >= maxRow * (1 - 1e-12), where + " ‖A‖∞");
                // Leading axes are kept: (2, 3, n) in, (2, 3, m) out.
                NDArray batched = map.apply(vs.reshape(1, rows, -1).repeat(0, 2));
                assertEquals(new Shape(2, rows, map.outputSize()), batched.getShape(), where + " shape");
            }
        }
    }

    /**
     * Bound passes move coefficients that are nonzero on a few neighbouring entries, and the map
     * then convolves only the window they reach: the same products, on local and on zero batches.
     */
    @Test
    void localAndZeroBatchesMatchPlainLoops() {
        Random random = new Random(8);
        try (NDManager manager = NDManager.newBaseManager()) {
            for (int[] c : CASES) {
                int stride = c[0];
                int padding = c[1];
                int dilation = c[2];
                int groups = c[3];
                int k = c[4];
                int[] in = {4, 11, 10};
                int oh = (in[1] + 2 * padding - dilation * (k - 1) - 1) / stride + 1;
                int ow = (in[2] + 2 * padding - dilation * (k - 1) - 1) / stride + 1;
                int[] out = {4, oh, ow};
                double[] weight = gaussians(random, 4 * (4 / groups) * k * k);
                ConvMap map = new ConvMap(manager.create(weight, new Shape(4, 4 / groups, k, k)), in, out,
                        new int[] {stride, stride}, new int[] {padding, padding}, new int[] {dilation, dilation}, groups);
                double[][] dense = plainMatrix(weight, in, out, k, stride, padding, dilation, groups);
                for (int trial = 0; trial < 12; trial++) {
                    int rows = 3;
                    // trial 0: all zero; then boxes of 1-3 rows and columns anywhere, corners included
                    double[] v = local(random, rows, in, trial == 0 ? 0 : 1 + random.nextInt(3));
                    double[] u = local(random, rows, out, trial == 0 ? 0 : 1 + random.nextInt(3));
                    String where = java.util.Arrays.toString(c) + " trial " + trial;
                    assertClose(times(dense, v, rows, false),
                            map.apply(manager.create(v, new Shape(rows, map.inputSize()))).toDoubleArray(), where + " A·v");
                    assertClose(times(dense, u, rows, true),
                            map.applyTranspose(manager.create(u, new Shape(rows, map.outputSize()))).toDoubleArray(),
                            where + " Aᵀ·u");
                }
            }
        }
    }

    /** Rows of gaussians inside one random box of the given side (0: all zero) of (C, H, W) images. */
    private static double[] local(Random random, int rows, int[] shape, int side) {
        double[] v = new double[rows * shape[0] * shape[1] * shape[2]];
        if (side == 0) {
            return v;
        }
        int y0 = random.nextInt(shape[1]);
        int x0 = random.nextInt(shape[2]);
        for (int r = 0; r < rows; r++) {
            for (int ch = 0; ch < shape[0]; ch++) {
                for (int y = y0; y < Math.min(shape[1], y0 + side); y++) {
                    for (int x = x0; x < Math.min(shape[2], x0 + side); x++) {
                        v[((r * shape[0] + ch) * shape[1] + y) * shape[2] + x] = random.nextGaussian();
                    }
                }
            }
        }
        return v;
    }

    /** The (out, in) matrix of a convolution, by the definition. */
    static double[][] plainMatrix(double[] weight, int[] in, int[] out, int k, int stride, int padding, int dilation,
            int groups) {
        int cin = in[0];
        int cout = out[0];
        int perGroupIn = cin / groups;
        int perGroupOut = cout / groups;
        double[][] m = new double[cout * out[1] * out[2]][cin * in[1] * in[2]];
        for (int o = 0; o < cout; o++) {
            int group = o / perGroupOut;
            for (int y = 0; y < out[1]; y++) {
                for (int x = 0; x < out[2]; x++) {
                    int row = (o * out[1] + y) * out[2] + x;
                    for (int ci = 0; ci < perGroupIn; ci++) {
                        int channel = group * perGroupIn + ci;
                        for (int a = 0; a < k; a++) {
                            for (int b = 0; b < k; b++) {
                                int iy = y * stride - padding + a * dilation;
                                int ix = x * stride - padding + b * dilation;
                                if (iy < 0 || ix < 0 || iy >= in[1] || ix >= in[2]) {
                                    continue;
                                }
                                int col = (channel * in[1] + iy) * in[2] + ix;
                                m[row][col] += weight[((o * perGroupIn + ci) * k + a) * k + b];
                            }
                        }
                    }
                }
            }
        }
        return m;
    }

    private static double[] times(double[][] m, double[] v, int rows, boolean transpose) {
        int outs = transpose ? m[0].length : m.length;
        int ins = transpose ? m.length : m[0].length;
        double[] r = new double[rows * outs];
        for (int b = 0; b < rows; b++) {
            for (int i = 0; i < outs; i++) {
                double sum = 0;
                for (int j = 0; j < ins; j++) {
                    sum += (transpose ? m[j][i] : m[i][j]) * v[b * ins + j];
                }
                r[b * outs + i] = sum;
            }
        }
        return r;
    }

    private static double[] gaussians(Random random, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = random.nextGaussian();
        }
        return v;
    }

    private static void assertClose(double[] expected, double[] actual, String where) {
        assertEquals(expected.length, actual.length, where + ": length");
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 1e-12 * (1 + Math.abs(expected[i])), where + " at " + i);
        }
    }
}
