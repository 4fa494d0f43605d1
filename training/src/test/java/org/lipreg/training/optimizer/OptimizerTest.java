package org.lipreg.training.optimizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.tracker.Tracker;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Map;

/** Checks the optimizers against the update formulas computed in double precision. */
class OptimizerTest {

    private static final double[] W0 = {0.5, -1.25, 2.0, 0.0};
    private static final double[][] GRADS = {
        {0.1, -0.2, 0.3, 1.0}, {-0.4, 0.5, 0.05, -1.0}, {0.2, 0.2, -0.7, 0.5}
    };

    @Test
    void sgdWithMomentumAndWeightDecayMatchesFormula() {
        double lr = 0.1;
        double mu = 0.9;
        double wd = 0.01;
        double[] w = W0.clone();
        double[] m = new double[w.length];
        for (double[] g : GRADS) {
            for (int i = 0; i < w.length; i++) {
                double gi = g[i] + wd * w[i];
                m[i] = mu * m[i] + gi;
                w[i] -= lr * m[i];
            }
        }
        SgdOptimizer sgd = SgdOptimizer.builder()
                .setLearningRateTracker(Tracker.fixed((float) lr))
                .optMomentum((float) mu)
                .optWeightDecays((float) wd)
                .build();
        assertArrayEquals(w, run(sgd, GRADS.length), 1e-5);
    }

    @Test
    void adamMatchesFormula() {
        assertArrayEquals(adamReference(false), run(adam(false), GRADS.length), 1e-5);
    }

    @Test
    void adamwDecouplesWeightDecay() {
        assertArrayEquals(adamReference(true), run(adam(true), GRADS.length), 1e-5);
    }

    /**
     * Gradients from 1e-20 (g² below the smallest normal float, the variance subnormal) up to 0.1,
     * and 0: each weight's step relative to the float64 formula, from w = 0 so the step is exact in
     * float. A variance floor large enough to change a result (√floor near 1e-3·ε) fails here.
     */
    @Test
    void adamOnTinyAndSubnormalVariancesMatchesFormula() {
        double[] grad = {1e-20, 1e-14, 1e-11, 1e-9, 1e-3, 0.1, 0, -1e-11};
        double lr = 0.01;
        double eps = 1e-8;
        int steps = 3;
        double[] expected = new double[grad.length];
        for (int i = 0; i < grad.length; i++) {
            double m = 0;
            double v = 0;
            for (int t = 1; t <= steps; t++) {
                m = 0.9 * m + 0.1 * grad[i];
                v = 0.999 * v + 0.001 * grad[i] * grad[i];
                double stepSize = lr * Math.sqrt(1 - Math.pow(0.999, t)) / (1 - Math.pow(0.9, t));
                expected[i] -= stepSize * m / (Math.sqrt(v) + eps);
            }
        }
        AdamOptimizer adam = AdamOptimizer.builder().setLearningRateTracker(Tracker.fixed((float) lr)).build();
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray w = manager.zeros(new Shape(grad.length));
            for (int t = 0; t < steps; t++) {
                step(adam, manager, w, grad);
            }
            float[] actual = w.toFloatArray();
            for (int i = 0; i < grad.length; i++) {
                assertEquals(expected[i], actual[i], 1e-5 * Math.abs(expected[i]), "gradient " + grad[i]);
            }
        }
    }

    @Test
    void adamClipsTheGradientOnBothSides() {
        double[] grad = {5, -5, 0.5, -0.5};
        double clip = 1;
        double[] expected = new double[grad.length];
        for (int i = 0; i < grad.length; i++) {
            double g = Math.max(-clip, Math.min(clip, grad[i]));
            // One step from 0: m = 0.1 g, v = 0.001 g², step size 0.01 · √0.001 / 0.1.
            expected[i] = -0.01 * Math.sqrt(0.001) / 0.1 * (0.1 * g) / (Math.sqrt(0.001 * g * g) + 1e-8);
        }
        AdamOptimizer adam = AdamOptimizer.builder().setLearningRateTracker(Tracker.fixed(0.01f))
                .optClipGrad((float) clip).build();
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray w = manager.zeros(new Shape(grad.length));
            step(adam, manager, w, grad);
            assertArrayEquals(expected, toDouble(w.toFloatArray()), 1e-6);
        }
    }

    @Test
    void stateRoundTripContinuesExactly() throws IOException {
        try (NDManager manager = NDManager.newBaseManager()) {
            AdamOptimizer first = adam(false);
            NDArray w = manager.create(toFloat(W0));
            for (int s = 0; s < 2; s++) {
                step(first, manager, w, GRADS[s]);
            }
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            first.saveState(new DataOutputStream(bytes), id -> "layer_weight");
            step(first, manager, w, GRADS[2]);
            float[] continued = w.toFloatArray();

            // A fresh optimizer with the saved state, applied to the weights after two steps.
            NDArray w2 = manager.create(toFloat(W0));
            AdamOptimizer twin = adam(false);
            for (int s = 0; s < 2; s++) {
                step(twin, manager, w2, GRADS[s]);
            }
            AdamOptimizer resumed = adam(false);
            resumed.loadState(
                    new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())),
                    Map.of("layer_weight", "p")::get,
                    manager);
            step(resumed, manager, w2, GRADS[2]);
            assertArrayEquals(continued, w2.toFloatArray(), 0f);
        }
    }

    @Test
    void loadingAnotherOptimizersStateIsNamed() throws IOException {
        try (NDManager manager = NDManager.newBaseManager()) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            adam(false).saveState(new DataOutputStream(bytes), id -> id);
            SgdOptimizer sgd = SgdOptimizer.builder().setLearningRateTracker(Tracker.fixed(0.1f)).build();
            IOException e = assertThrows(IOException.class, () -> sgd.loadState(
                    new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())), id -> id, manager));
            assertEquals("checkpoint holds AdamOptimizer state but the run uses SgdOptimizer", e.getMessage());
        }
    }

    private static double[] adamReference(boolean decoupled) {
        double lr = 0.01;
        double b1 = 0.9;
        double b2 = 0.999;
        double eps = 1e-8;
        double wd = 0.1;
        double[] w = W0.clone();
        double[] m = new double[w.length];
        double[] v = new double[w.length];
        for (int t = 1; t <= GRADS.length; t++) {
            for (int i = 0; i < w.length; i++) {
                double g = GRADS[t - 1][i] + (decoupled ? 0 : wd * w[i]);
                m[i] = b1 * m[i] + (1 - b1) * g;
                v[i] = b2 * v[i] + (1 - b2) * g * g;
                double mhat = m[i] / (1 - Math.pow(b1, t));
                double vhat = v[i] / (1 - Math.pow(b2, t));
                if (decoupled) {
                    w[i] -= lr * wd * w[i];
                }
                w[i] -= lr * mhat / (Math.sqrt(vhat) + eps);
            }
        }
        return w;
    }

    private static AdamOptimizer adam(boolean decoupled) {
        return AdamOptimizer.builder()
                .setLearningRateTracker(Tracker.fixed(0.01f))
                .optWeightDecays(0.1f)
                .optDecoupledWeightDecay(decoupled)
                .build();
    }

    private static double[] run(CheckpointableOptimizer optimizer, int steps) {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray w = manager.create(toFloat(W0));
            for (int s = 0; s < steps; s++) {
                step(optimizer, manager, w, GRADS[s]);
            }
            return toDouble(w.toFloatArray());
        }
    }

    private static void step(CheckpointableOptimizer optimizer, NDManager manager, NDArray w, double[] grad) {
        optimizer.update("p", w, manager.create(toFloat(grad)));
    }

    private static double[] toDouble(float[] values) {
        double[] d = new double[values.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = values[i];
        }
        return d;
    }

    private static float[] toFloat(double[] values) {
        float[] f = new float[values.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) values[i];
        }
        return f;
    }
}
