package org.lipreg.training.regularizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;

import org.junit.jupiter.api.Test;
import org.lipreg.normalization.hook.StepContext;

import java.util.ArrayList;
import java.util.List;

class AdversarialSmoothnessPenaltyTest {

    private static SequentialBlock mlp(NDManager m) {
        Engine.getInstance().setRandomSeed(3);
        SequentialBlock net = new SequentialBlock()
                .add(Linear.builder().setUnits(16).build())
                .add(Activation.reluBlock())
                .add(Linear.builder().setUnits(3).build());
        net.initialize(m, ai.djl.ndarray.types.DataType.FLOAT32, new Shape(8, 6));
        return net;
    }

    private static double squaredChange(SequentialBlock net, NDManager m, NDArray x, NDArray delta) {
        ParameterStore store = new ParameterStore(m, false);
        NDArray a = net.forward(store, new NDList(x), false).head();
        NDArray b = net.forward(store, new NDList(x.add(delta)), false).head();
        return b.sub(a).square().sum().getFloat() / (double) x.getShape().get(0);
    }

    @Test
    void ascentBeatsRandomPerturbationsAndStaysInTheBall() {
        for (AdversarialSmoothnessPenalty.Norm norm : AdversarialSmoothnessPenalty.Norm.values()) {
            try (NDManager m = NDManager.newBaseManager()) {
                SequentialBlock net = mlp(m);
                float eps = 0.3f;
                AdversarialSmoothnessPenalty penalty = AdversarialSmoothnessPenalty.builder().setModel(net)
                        .optEpsilon(eps).optSteps(10).optNorm(norm).build();
                NDArray x = m.randomNormal(new Shape(8, 6));
                NDArray delta = penalty.perturbation(x, m);
                if (norm == AdversarialSmoothnessPenalty.Norm.LINF) {
                    assertTrue(delta.abs().max().getFloat() <= eps + 1e-6f, "ℓ∞ ball");
                } else {
                    float[] norms = delta.square().sum(new int[] {1}).sqrt().toFloatArray();
                    for (float n : norms) {
                        assertTrue(n <= eps + 1e-5f, "ℓ2 ball: " + n);
                    }
                }
                double adversarial = squaredChange(net, m, x, delta);
                double bestRandom = 0;
                for (int trial = 0; trial < 200; trial++) {
                    NDArray r = m.randomUniform(-eps, eps, x.getShape());
                    if (norm == AdversarialSmoothnessPenalty.Norm.L2) {
                        // Uniform direction on the sphere of radius ε (the farthest points of the ball).
                        r = m.randomNormal(x.getShape());
                        r = r.div(r.square().sum(new int[] {1}, true).sqrt()).mul(eps);
                    }
                    bestRandom = Math.max(bestRandom, squaredChange(net, m, x, r));
                }
                assertTrue(adversarial >= bestRandom, norm + ": PGD " + adversarial + " < best random " + bestRandom);
            }
        }
    }

    @Test
    void ascentLeavesTheTrainingGradientUntouched() {
        try (NDManager m = NDManager.newBaseManager()) {
            SequentialBlock net = mlp(m);
            NDArray x = m.randomNormal(new Shape(8, 6));
            List<float[]> plain = gradients(net, m, x, null);
            AdversarialSmoothnessPenalty zero = AdversarialSmoothnessPenalty.builder().setModel(net).optLambda(0).build();
            List<float[]> withAscent = gradients(net, m, x, zero);
            for (int i = 0; i < plain.size(); i++) {
                assertArrayEquals(plain.get(i), withAscent.get(i), 0f, "parameter " + i);
            }
        }
    }

    @Test
    void penaltyIsLambdaTimesTheOutputChangeAtTheFoundPerturbation() {
        try (NDManager m = NDManager.newBaseManager()) {
            SequentialBlock net = mlp(m);
            NDArray x = m.randomNormal(new Shape(8, 6));
            AdversarialSmoothnessPenalty penalty = AdversarialSmoothnessPenalty.builder().setModel(net).optLambda(2f)
                    .optSteps(3).build();
            StepContext step = new StepContext(m, 0, 0, 0, new NDList(x));
            penalty.beforeForward(step);
            // No dropout or batch norm here, so training and inference forwards agree.
            double expected = 2 * squaredChange(net, m, x, penalty.pendingPerturbation());
            double actual = penalty.auxiliaryLoss(step).getFloat();
            assertTrue(actual > 0);
            assertEquals(expected, actual, 1e-5 * expected);
        }
    }

    /**
     * The ascent against a plain float64 loop on a linear model f(x) = Wx + b, whose squared
     * change has the analytic gradient 2 WᵀW δ / B; same random start (the engine's seed).
     */
    @Test
    void perturbationMatchesAPlainFloat64AscentOnALinearModel() {
        int batch = 3;
        int in = 4;
        int out = 2;
        float[] w = {0.5f, -1.0f, 0.25f, 2.0f, -0.75f, 0.3f, 1.5f, -0.2f};
        for (AdversarialSmoothnessPenalty.Norm norm : AdversarialSmoothnessPenalty.Norm.values()) {
            try (NDManager m = NDManager.newBaseManager()) {
                Linear linear = Linear.builder().setUnits(out).build();
                linear.initialize(m, ai.djl.ndarray.types.DataType.FLOAT32, new Shape(batch, in));
                linear.getParameters().get("weight").getArray().set(w);
                NDArray x = m.create(new float[] {0.1f, -0.4f, 0.7f, 0.2f, -0.3f, 0.9f, 0.0f, 0.5f, 1.1f, -0.6f,
                        0.4f, -0.8f}, new Shape(batch, in));
                float eps = 0.2f;
                int steps = 4;
                float a = 2.5f * eps / steps;
                Engine.getInstance().setRandomSeed(11);
                double[] d = toDouble(m.randomUniform(-eps, eps, x.getShape()).toFloatArray());
                Engine.getInstance().setRandomSeed(11);
                float[] actual = AdversarialSmoothnessPenalty.builder().setModel(linear).optEpsilon(eps)
                        .optSteps(steps).optNorm(norm).build().perturbation(x, m).toFloatArray();
                if (norm == AdversarialSmoothnessPenalty.Norm.L2) {
                    projectL2(d, batch, eps);
                }
                for (int k = 0; k < steps; k++) {
                    double[] g = new double[d.length];
                    for (int r = 0; r < batch; r++) {
                        for (int o = 0; o < out; o++) {
                            double wd = 0;
                            for (int i = 0; i < in; i++) {
                                wd += w[o * in + i] * d[r * in + i];
                            }
                            for (int i = 0; i < in; i++) {
                                g[r * in + i] += 2 * w[o * in + i] * wd / batch;
                            }
                        }
                    }
                    for (int r = 0; r < batch; r++) {
                        double gn = 0;
                        for (int i = 0; i < in; i++) {
                            gn += g[r * in + i] * g[r * in + i];
                        }
                        for (int i = 0; i < in; i++) {
                            double step = norm == AdversarialSmoothnessPenalty.Norm.LINF ? Math.signum(g[r * in + i])
                                    : g[r * in + i] / (Math.sqrt(gn) + 1e-12);
                            d[r * in + i] += a * step;
                        }
                    }
                    if (norm == AdversarialSmoothnessPenalty.Norm.LINF) {
                        for (int i = 0; i < d.length; i++) {
                            d[i] = Math.max(-eps, Math.min(eps, d[i]));
                        }
                    } else {
                        projectL2(d, batch, eps);
                    }
                }
                for (int i = 0; i < d.length; i++) {
                    assertEquals(d[i], actual[i], 1e-6, norm + " δ[" + i + "]");
                }
            }
        }
    }

    private static void projectL2(double[] d, int batch, double eps) {
        int size = d.length / batch;
        for (int r = 0; r < batch; r++) {
            double n = 0;
            for (int i = 0; i < size; i++) {
                n += d[r * size + i] * d[r * size + i];
            }
            double shrink = eps / Math.max(Math.sqrt(n), eps);
            for (int i = 0; i < size; i++) {
                d[r * size + i] *= shrink;
            }
        }
    }

    private static double[] toDouble(float[] v) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i];
        }
        return out;
    }

    /** One step's parameter gradients of the data loss, with an optional hook's ascent before it. */
    private static List<float[]> gradients(SequentialBlock net, NDManager m, NDArray x, AdversarialSmoothnessPenalty hook) {
        if (hook != null) {
            hook.beforeForward(new StepContext(m, 0, 0, 0, new NDList(x)));
        }
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray y = net.forward(new ParameterStore(m, false), new NDList(x), true).head();
            gc.backward(y.square().sum());
        }
        List<float[]> out = new ArrayList<>();
        for (Pair<String, Parameter> p : net.getParameters()) {
            NDArray grad = p.getValue().getArray().getGradient();
            out.add(grad.toFloatArray());
            grad.subi(grad);
        }
        return out;
    }
}
