package org.lipreg.certify.graph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.junit.jupiter.api.Test;

import java.util.Random;
import java.util.stream.IntStream;

/**
 * The rows and columns a map reads off its entries (a bound pass's first step) must be the rows
 * and columns of its plain-loop matrix, and equal to the engine's products with unit vectors to
 * the last bit (signed zeros aside: delta 0): the bounds built on them must not change.
 */
class LinearMapRowsTest {

    /** {stride, padding, dilation, groups, kernel}, as in {@link ConvMapTest}. */
    private static final int[][] CASES = {
        {1, 0, 1, 1, 3}, {2, 1, 1, 1, 3}, {1, 2, 2, 1, 2}, {2, 0, 1, 2, 2}, {3, 1, 1, 1, 4}, {1, 1, 1, 4, 3},
    };

    @Test
    void convolutionRowsAndColumnsAreItsMatrixsExactly() {
        Random random = new Random(11);
        try (NDManager manager = NDManager.newBaseManager()) {
            for (int[] c : CASES) {
                int stride = c[0];
                int padding = c[1];
                int dilation = c[2];
                int groups = c[3];
                int k = c[4];
                int[] in = {4, 7, 6};
                int oh = (in[1] + 2 * padding - dilation * (k - 1) - 1) / stride + 1;
                int ow = (in[2] + 2 * padding - dilation * (k - 1) - 1) / stride + 1;
                int[] out = {4, oh, ow};
                double[] weight = random.doubles(4 * (4 / groups) * k * k, -1, 1).toArray();
                ConvMap map = new ConvMap(manager.create(weight, new Shape(4, 4 / groups, k, k)), in, out,
                        new int[] {stride, stride}, new int[] {padding, padding}, new int[] {dilation, dilation}, groups);
                double[][] dense = ConvMapTest.plainMatrix(weight, in, out, k, stride, padding, dilation, groups);
                check(manager, map, dense, java.util.Arrays.toString(c));
            }
        }
    }

    @Test
    void denseAndDefaultRowsAndColumnsAreTheMatrixsExactly() {
        Random random = new Random(12);
        try (NDManager manager = NDManager.newBaseManager()) {
            double[][] dense = new double[5][7];
            for (double[] row : dense) {
                for (int j = 0; j < row.length; j++) {
                    row[j] = random.nextGaussian();
                }
            }
            check(manager, new DenseMap(manager.create(dense)), dense, "dense");
            double[] scale = {0.5, -2, 3};
            double[][] diagonal = new double[6][6];
            for (int i = 0; i < 6; i++) {
                diagonal[i][i] = scale[i / 2];
            }
            check(manager, new ChannelScaleMap(manager.create(scale), 2), diagonal, "channel scale (the default)");
        }
    }

    /** Rows at every output in a shuffled order, columns likewise: the matrix's, and the engine's on unit vectors. */
    private static void check(NDManager manager, LinearMap map, double[][] dense, String where) {
        int[] outputs = shuffled(map.outputSize());
        int[] inputs = shuffled(map.inputSize());
        double[] rows = map.rows(manager, outputs).toDoubleArray();
        double[] columns = map.columns(manager, inputs).toDoubleArray();
        for (int r = 0; r < outputs.length; r++) {
            assertArrayEquals(dense[outputs[r]],
                    java.util.Arrays.copyOfRange(rows, r * map.inputSize(), (r + 1) * map.inputSize()),
                    0, where + " row " + outputs[r]);
        }
        for (int r = 0; r < inputs.length; r++) {
            int j = inputs[r];
            double[] column = IntStream.range(0, dense.length).mapToDouble(i -> dense[i][j]).toArray();
            assertArrayEquals(column,
                    java.util.Arrays.copyOfRange(columns, r * map.outputSize(), (r + 1) * map.outputSize()),
                    0, where + " column " + j);
        }
        assertArrayEquals(map.applyTranspose(LinearMap.unitRows(manager, outputs, map.outputSize())).toDoubleArray(),
                rows, 0, where + ": rows against Aᵀ·e_k");
        assertArrayEquals(map.apply(LinearMap.unitRows(manager, inputs, map.inputSize())).toDoubleArray(), columns, 0,
                where + ": columns against A·e_j");
    }

    private static int[] shuffled(int n) {
        java.util.List<Integer> order = new java.util.ArrayList<>(IntStream.range(0, n).boxed().toList());
        java.util.Collections.shuffle(order, new Random(n));
        return order.stream().mapToInt(Integer::intValue).toArray();
    }
}
