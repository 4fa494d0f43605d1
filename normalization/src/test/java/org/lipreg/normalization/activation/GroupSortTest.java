package org.lipreg.normalization.activation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.lipreg.normalization.Reference.assertClose;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;

import org.junit.jupiter.api.Test;

import org.lipreg.normalization.Reference;

import java.util.Arrays;
import java.util.Random;

class GroupSortTest {

    /** Plain loop: sort each group of n consecutive channels descending, per sample and position. */
    private static double[] reference(double[] x, int batch, int channels, int spatial, int n) {
        double[] y = new double[x.length];
        for (int b = 0; b < batch; b++) {
            for (int g = 0; g < channels / n; g++) {
                for (int s = 0; s < spatial; s++) {
                    double[] group = new double[n];
                    for (int k = 0; k < n; k++) {
                        group[k] = x[(b * channels + g * n + k) * spatial + s];
                    }
                    Arrays.sort(group);
                    for (int k = 0; k < n; k++) {
                        y[(b * channels + g * n + k) * spatial + s] = group[n - 1 - k];
                    }
                }
            }
        }
        return y;
    }

    @Test
    void forwardSortsEachGroupDescending() {
        Random r = new Random(11);
        int[][] cases = {{3, 6, 1, 2}, {2, 6, 4, 3}, {1, 8, 5, 4}, {4, 4, 1, 4}};
        for (int[] c : cases) {
            try (NDManager m = NDManager.newBaseManager()) {
                int batch = c[0], channels = c[1], spatial = c[2], n = c[3];
                Shape shape = spatial == 1 ? new Shape(batch, channels) : new Shape(batch, channels, spatial);
                double[] x = Reference.random(r, batch * channels * spatial);
                GroupSort block = n == 2 ? GroupSort.maxMin() : GroupSort.of(n);
                block.initialize(m, DataType.FLOAT64, shape);
                NDArray y = block.forward(new ParameterStore(m, false), new NDList(m.create(x, shape)), false).head();
                assertClose(reference(x, batch, channels, spatial, n), y.toDoubleArray(), 0, Arrays.toString(c));
            }
        }
    }

    @Test
    void maxMinOfAPairIsMaxThenMin() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(new float[] {1, 5, 7, -2}, new Shape(1, 4));
            assertEquals(Arrays.toString(new float[] {5, 1, 7, -2}),
                    Arrays.toString(GroupSort.apply(x, 2).toFloatArray()));
        }
    }

    @Test
    void gradientIsThePermutationAndMatchesFiniteDifferences() {
        try (NDManager m = NDManager.newBaseManager()) {
            Shape shape = new Shape(2, 6, 3);
            GroupSort block = GroupSort.of(3);
            block.initialize(m, DataType.FLOAT64, shape);
            NDArray x = m.randomNormal(shape, DataType.FLOAT64); // ties have probability zero
            Reference.checkGradients(block, m, x, true, () -> null);

            // Norm preservation: the gradient of ⟨c, f(x)⟩ is c permuted, so it has c's norm.
            NDArray c = m.randomNormal(shape, DataType.FLOAT64);
            NDArray input = m.randomNormal(shape, DataType.FLOAT64);
            input.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                gc.backward(GroupSort.apply(input, 3).mul(c).sum());
            }
            assertEquals(c.norm().getDouble(), input.getGradient().norm().getDouble(), 1e-12);
        }
    }

    @Test
    void isOneLipschitzOnRandomPairs() {
        Random r = new Random(12);
        try (NDManager m = NDManager.newBaseManager()) {
            Shape shape = new Shape(1, 8);
            for (int trial = 0; trial < 200; trial++) {
                NDArray a = m.create(Reference.random(r, 8), shape);
                NDArray b = m.create(Reference.random(r, 8), shape).mul(r.nextDouble() * 2);
                double in = a.sub(b).norm().getDouble();
                double out = GroupSort.apply(a, 4).sub(GroupSort.apply(b, 4)).norm().getDouble();
                assertTrue(out <= in + 1e-12, "‖f(a) − f(b)‖ = " + out + " > ‖a − b‖ = " + in);
            }
        }
    }

    @Test
    void groupSizeMustDivideChannels() {
        assertEquals("groupSize must be at least 2, got 1",
                assertThrows(IllegalArgumentException.class, () -> GroupSort.of(1)).getMessage());
        try (NDManager m = NDManager.newBaseManager()) {
            assertEquals("groupSize (4) must divide the number of channels (6)", assertThrows(
                    IllegalArgumentException.class, () -> GroupSort.of(4).initialize(m, DataType.FLOAT32, new Shape(1, 6)))
                    .getMessage());
        }
    }
}
