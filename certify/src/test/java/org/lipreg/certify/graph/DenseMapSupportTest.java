package org.lipreg.certify.graph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.junit.jupiter.api.Test;

import java.util.Random;

/**
 * {@link DenseMap} multiplies only the entries of a batch that are nonzero somewhere in it: its
 * products must be the plain-loop products of the whole matrix, whatever the support (none, a few
 * scattered entries, a window, below and above the gather's threshold) and the leading axes.
 */
class DenseMapSupportTest {

    private static final int OUT = 9;
    private static final int IN = 40;

    @Test
    void productsOnSparseBatchesAreThePlainLoopProducts() {
        Random random = new Random(18);
        double[][] matrix = new double[OUT][IN];
        for (double[] row : matrix) {
            for (int j = 0; j < IN; j++) {
                row[j] = random.nextGaussian();
            }
        }
        try (NDManager manager = NDManager.newBaseManager()) {
            DenseMap map = new DenseMap(manager.create(matrix));
            // supports as a fraction of the read axis: none, one entry, sparse, at the threshold, dense
            for (double fraction : new double[] {0, 1.0 / IN, 0.1, DenseMap.SPARSE_MAX_FRACTION, 0.8, 1}) {
                for (long[] leading : new long[][] {{3, 2 * (int) DenseMap.SPARSE_MIN_VECTORS}, {12}, {1, 2}}) {
                    check(manager, map, matrix, random, fraction, leading, false);
                    check(manager, map, matrix, random, fraction, leading, true);
                }
            }
        }
    }

    /** A batch whose vectors are nonzero only on a random subset of the read axis (each vector on part of it). */
    private static void check(NDManager manager, DenseMap map, double[][] matrix, Random random, double fraction,
            long[] leading, boolean transpose) {
        int read = transpose ? OUT : IN;
        int written = transpose ? IN : OUT;
        boolean[] support = new boolean[read];
        int kept = (int) Math.round(fraction * read);
        for (int chosen = 0; chosen < kept;) {
            int j = random.nextInt(read);
            if (!support[j]) {
                support[j] = true;
                chosen++;
            }
        }
        int vectors = 1;
        for (long n : leading) {
            vectors *= (int) n;
        }
        double[] v = new double[vectors * read];
        for (int r = 0; r < vectors; r++) {
            for (int j = 0; j < read; j++) {
                if (support[j] && random.nextInt(3) > 0) {
                    v[r * read + j] = random.nextGaussian();
                }
            }
        }
        long[] shape = java.util.Arrays.copyOf(leading, leading.length + 1);
        shape[leading.length] = read;
        NDArray batch = manager.create(v, new Shape(shape));
        NDArray product = transpose ? map.applyTranspose(batch) : map.apply(batch);
        shape[leading.length] = written;
        String where = (transpose ? "Aᵀ·u" : "A·v") + ", support " + kept + " of " + read + ", leading "
                + java.util.Arrays.toString(leading);
        assertEquals(new Shape(shape), product.getShape(), where);
        double[] got = product.toDoubleArray();
        for (int r = 0; r < vectors; r++) {
            double[] expected = new double[written];
            double[] scale = new double[written];
            for (int i = 0; i < written; i++) {
                for (int j = 0; j < read; j++) {
                    double a = transpose ? matrix[j][i] : matrix[i][j];
                    expected[i] += a * v[r * read + j];
                    scale[i] += Math.abs(a * v[r * read + j]);
                }
            }
            for (int i = 0; i < written; i++) {
                // float64 sums of at most IN terms in another order: within a few ulps of Σ|terms|
                assertEquals(expected[i], got[r * written + i], 1e-14 * scale[i] + 0.0, where + " vector " + r);
            }
            if (kept == 0) {
                assertArrayEquals(new double[written], java.util.Arrays.copyOfRange(got, r * written, (r + 1) * written),
                        0, where);
            }
        }
    }
}
