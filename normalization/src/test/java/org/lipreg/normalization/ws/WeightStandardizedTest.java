package org.lipreg.normalization.ws;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.lipreg.normalization.Reference.assertClose;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;

import org.junit.jupiter.api.Test;

import org.lipreg.normalization.Reference;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Random;

class WeightStandardizedTest {

    private static final double EPS = 1e-5;

    @Test
    void conv2dForwardMatchesPlainConvolutionOfStandardizedWeight() {
        Random r = new Random(1);
        int[][] cases = { // batch, cin, h, w, filters, k, stride, pad, groups
            {1, 3, 7, 6, 4, 3, 1, 1, 1}, {2, 4, 8, 8, 6, 3, 2, 0, 2}, {16, 2, 5, 5, 3, 2, 1, 1, 1}};
        for (int[] cs : cases) {
            try (NDManager m = NDManager.newBaseManager()) {
                int n = cs[0], c = cs[1], h = cs[2], w = cs[3], f = cs[4], k = cs[5], s = cs[6], p = cs[7], g = cs[8];
                WeightStandardizedConv2d block = WeightStandardizedConv2d.builder().setFilters(f)
                        .setKernelShape(new Shape(k, k)).optStride(new Shape(s, s)).optPadding(new Shape(p, p))
                        .optGroups(g).build();
                Shape in = new Shape(n, c, h, w);
                block.initialize(m, DataType.FLOAT64, in);
                double[] x = Reference.random(r, (int) in.size());
                double[] weight = block.getParameters().get("weight").getArray().toDoubleArray();
                double[] bias = Reference.random(r, f);
                block.getParameters().get("bias").getArray().set(bias);
                double[] expected = Reference.conv2d(x, n, c, h, w, Reference.standardize(weight, f, EPS), f, k, k,
                        bias, s, p, g);
                for (boolean training : new boolean[] {true, false}) {
                    NDArray y = block.forward(new ParameterStore(m, false), new NDList(m.create(x, in)), training).head();
                    assertEquals(block.getOutputShapes(new Shape[] {in})[0], y.getShape());
                    assertClose(expected, y.toDoubleArray(), 1e-9, "conv2d " + java.util.Arrays.toString(cs) + " training=" + training);
                }
            }
        }
    }

    @Test
    void linearAndConv1dForwardMatchStandardizedReference() {
        Random r = new Random(2);
        try (NDManager m = NDManager.newBaseManager()) {
            WeightStandardizedLinear linear = WeightStandardizedLinear.builder().setUnits(5).build();
            Shape in = new Shape(3, 7);
            linear.initialize(m, DataType.FLOAT64, in);
            double[] x = Reference.random(r, 21);
            double[] ws = Reference.standardize(linear.getParameters().get("weight").getArray().toDoubleArray(), 5, EPS);
            double[] expected = new double[15];
            for (int b = 0; b < 3; b++) {
                for (int o = 0; o < 5; o++) {
                    for (int i = 0; i < 7; i++) {
                        expected[b * 5 + o] += x[b * 7 + i] * ws[o * 7 + i];
                    }
                }
            }
            NDArray y = linear.forward(new ParameterStore(m, false), new NDList(m.create(x, in)), true).head();
            assertClose(expected, y.toDoubleArray(), 1e-9, "linear");

            // conv1d as conv2d with height 1.
            WeightStandardizedConv1d conv = WeightStandardizedConv1d.builder().setFilters(4).setKernelSize(3)
                    .optPadding(1).optStride(2).build();
            Shape in1 = new Shape(2, 3, 9);
            conv.initialize(m, DataType.FLOAT64, in1);
            double[] x1 = Reference.random(r, 54);
            double[] w1 = Reference.standardize(conv.getParameters().get("weight").getArray().toDoubleArray(), 4, EPS);
            // The 2-d reference pads both axes alike: pad the length axis by hand, convolve with
            // stride 1, then keep every second output.
            double[] padded = new double[2 * 3 * 11];
            for (int b = 0; b < 2; b++) {
                for (int ch = 0; ch < 3; ch++) {
                    System.arraycopy(x1, (b * 3 + ch) * 9, padded, (b * 3 + ch) * 11 + 1, 9);
                }
            }
            double[] full = Reference.conv2d(padded, 2, 3, 1, 11, w1, 4, 1, 3, null, 1, 0, 1);
            double[] strided = new double[2 * 4 * 5];
            for (int b = 0; b < 2; b++) {
                for (int o = 0; o < 4; o++) {
                    for (int j = 0; j < 5; j++) {
                        strided[(b * 4 + o) * 5 + j] = full[(b * 4 + o) * 9 + 2 * j]
                                + conv.getParameters().get("bias").getArray().toDoubleArray()[o];
                    }
                }
            }
            NDArray y1 = conv.forward(new ParameterStore(m, false), new NDList(m.create(x1, in1)), true).head();
            assertClose(strided, y1.toDoubleArray(), 1e-9, "conv1d");
        }
    }

    @Test
    void gradientsMatchFiniteDifferences() {
        try (NDManager m = NDManager.newBaseManager()) {
            WeightStandardizedConv2d block = WeightStandardizedConv2d.builder().setFilters(3)
                    .setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1)).build();
            Shape in = new Shape(2, 2, 5, 5);
            block.initialize(m, DataType.FLOAT64, in);
            NDArray x = m.randomNormal(in, DataType.FLOAT64);
            Reference.checkGradients(block, m, x, true, () -> null);

            WeightStandardizedLinear linear = WeightStandardizedLinear.builder().setUnits(4).build();
            linear.initialize(m, DataType.FLOAT64, new Shape(3, 6));
            Reference.checkGradients(linear, m, m.randomNormal(new Shape(3, 6), DataType.FLOAT64), true, () -> null);
        }
    }

    @Test
    void inferenceCacheIsRefreshedAfterTrainingAndLoad() throws IOException, MalformedModelException {
        try (NDManager m = NDManager.newBaseManager()) {
            WeightStandardizedConv2d block = WeightStandardizedConv2d.builder().setFilters(2)
                    .setKernelShape(new Shape(2, 2)).build();
            Shape in = new Shape(1, 2, 4, 4);
            block.initialize(m, DataType.FLOAT32, in);
            ParameterStore store = new ParameterStore(m, false);
            NDArray x = m.randomNormal(in);
            float[] before = block.forward(store, new NDList(x), false).head().toFloatArray();
            NDArray w = block.getParameters().get("weight").getArray();
            ByteArrayOutputStream saved = new ByteArrayOutputStream();
            block.saveParameters(new DataOutputStream(saved));

            w.muli(-1); // a parameter change, as an optimizer step would make
            block.forward(store, new NDList(x), true); // training forward: the cache is dropped
            float[] after = block.forward(store, new NDList(x), false).head().toFloatArray();
            assertArrayEquals(negate(before), after, 1e-5f, "standardizing −W gives −Ŵ (bias is zero)");

            block.loadParameters(m, new DataInputStream(new ByteArrayInputStream(saved.toByteArray())));
            float[] reloaded = block.forward(new ParameterStore(m, false), new NDList(x), false).head().toFloatArray();
            assertArrayEquals(before, reloaded, 0f, "save -> load -> identical eval output");
        }
    }

    @Test
    void invalidSettingsAreNamed() {
        assertEquals("filters must be at least 1, got 0", assertThrows(IllegalArgumentException.class,
                () -> WeightStandardizedConv2d.builder().setFilters(0)).getMessage());
        assertEquals("groups (3) must divide filters (4)", assertThrows(IllegalArgumentException.class,
                () -> WeightStandardizedConv2d.builder().setFilters(4).setKernelShape(new Shape(3, 3)).optGroups(3).build())
                .getMessage());
        try (NDManager m = NDManager.newBaseManager()) {
            // A fan-in of one standardizes to zero (no variance), not to NaN.
            WeightStandardizedLinear single = WeightStandardizedLinear.builder().setUnits(2).optBias(false).build();
            single.initialize(m, DataType.FLOAT32, new Shape(1, 1));
            float[] y = single.forward(new ParameterStore(m, false), new NDList(m.ones(new Shape(1, 1))), true)
                    .head().toFloatArray();
            assertArrayEquals(new float[] {0f, 0f}, y, 0f);
        }
    }

    @Test
    void trainingStepsLeakNoArraysIntoTheModelManager() {
        try (NDManager model = NDManager.newBaseManager()) {
            WeightStandardizedConv2d block = WeightStandardizedConv2d.builder().setFilters(4)
                    .setKernelShape(new Shape(3, 3)).build();
            block.initialize(model, DataType.FLOAT32, new Shape(2, 3, 6, 6));
            ParameterStore store = new ParameterStore(model, false);
            int baseline = -1;
            for (int step = 0; step < 5; step++) {
                try (NDManager batch = model.newSubManager()) {
                    NDArray x = batch.randomNormal(new Shape(2, 3, 6, 6));
                    block.forward(store, new NDList(x), true);
                    block.forward(store, new NDList(x), false);
                }
                int count = model.getManagedArrays().size();
                if (baseline < 0) {
                    baseline = count;
                }
                assertEquals(baseline, count, "arrays in the model manager after step " + step);
            }
        }
    }

    private static float[] negate(float[] v) {
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = -v[i];
        }
        return out;
    }
}
