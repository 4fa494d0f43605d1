package org.lipreg.normalization.activation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.lipreg.normalization.Reference.assertClose;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;

import org.junit.jupiter.api.Test;

import org.lipreg.normalization.Reference;

import java.util.Arrays;
import java.util.Random;

class HouseholderActivationTest {

    /** Plain loops: each pair kept if uᵀz > 0, else reflected, z − 2(uᵀz)u, u = (cos θ, sin θ). */
    private static double[] reference(double[] x, int batch, int channels, int spatial, double theta) {
        double[] y = x.clone();
        double c = Math.cos(theta);
        double s = Math.sin(theta);
        for (int b = 0; b < batch; b++) {
            for (int p = 0; p < channels / 2; p++) {
                for (int q = 0; q < spatial; q++) {
                    int i = (b * channels + 2 * p) * spatial + q;
                    int j = i + spatial;
                    double along = c * x[i] + s * x[j];
                    if (along <= 0) {
                        y[i] = x[i] - 2 * along * c;
                        y[j] = x[j] - 2 * along * s;
                    }
                }
            }
        }
        return y;
    }

    private static HouseholderActivation block(NDManager m, Shape shape, double theta) {
        HouseholderActivation block = new HouseholderActivation();
        block.initialize(m, DataType.FLOAT64, shape);
        block.getParameters().get("theta").getArray().set(new double[] {theta});
        return block;
    }

    @Test
    void forwardMatchesPlainLoops() {
        Random r = new Random(21);
        int[][] cases = {{3, 6, 1}, {2, 4, 5}, {1, 2, 3}};
        for (int[] c : cases) {
            for (double theta : new double[] {0.3, -2.1, HouseholderActivation.MAX_MIN_ANGLE}) {
                try (NDManager m = NDManager.newBaseManager()) {
                    int batch = c[0], channels = c[1], spatial = c[2];
                    Shape shape = spatial == 1 ? new Shape(batch, channels) : new Shape(batch, channels, spatial);
                    double[] x = Reference.random(r, batch * channels * spatial);
                    NDArray y = block(m, shape, theta).forward(new ParameterStore(m, false),
                            new NDList(m.create(x, shape)), false).head();
                    assertClose(reference(x, batch, channels, spatial, theta), y.toDoubleArray(), 1e-12,
                            Arrays.toString(c) + " θ = " + theta);
                }
            }
        }
    }

    @Test
    void startsAsMaxMin() {
        Random r = new Random(22);
        try (NDManager m = NDManager.newBaseManager()) {
            Shape shape = new Shape(3, 8);
            HouseholderActivation block = new HouseholderActivation();
            block.initialize(m, DataType.FLOAT64, shape);
            NDArray x = m.create(Reference.random(r, 24), shape);
            NDArray y = block.forward(new ParameterStore(m, false), new NDList(x), false).head();
            assertClose(GroupSort.apply(x, 2).toDoubleArray(), y.toDoubleArray(), 1e-6, "θ = −π/4");
        }
    }

    @Test
    void gradientsOfInputAndAngleMatchFiniteDifferences() {
        try (NDManager m = NDManager.newBaseManager()) {
            Shape shape = new Shape(2, 6, 3);
            HouseholderActivation block = block(m, shape, 0.7);
            NDArray x = m.randomNormal(shape, DataType.FLOAT64); // uᵀz = 0 has probability zero
            Reference.checkGradients(block, m, x, true, () -> null);
        }
    }

    @Test
    void isOneLipschitzOnRandomPairs() {
        Random r = new Random(23);
        try (NDManager m = NDManager.newBaseManager()) {
            Shape shape = new Shape(1, 8);
            NDArray theta = m.create(new double[] {1.1});
            for (int trial = 0; trial < 200; trial++) {
                NDArray a = m.create(Reference.random(r, 8), shape);
                NDArray b = m.create(Reference.random(r, 8), shape);
                double in = a.sub(b).norm().getDouble();
                double out = HouseholderActivation.apply(a, theta).sub(HouseholderActivation.apply(b, theta)).norm()
                        .getDouble();
                assertTrue(out <= in + 1e-12, "‖f(a) − f(b)‖ = " + out + " > ‖a − b‖ = " + in);
            }
        }
    }

    @Test
    void anOddNumberOfChannelsIsRefused() {
        try (NDManager m = NDManager.newBaseManager()) {
            assertEquals("the Householder activation needs an even number of channels, got 5", assertThrows(
                    IllegalArgumentException.class,
                    () -> new HouseholderActivation().initialize(m, DataType.FLOAT32, new Shape(1, 5))).getMessage());
        }
    }
}
