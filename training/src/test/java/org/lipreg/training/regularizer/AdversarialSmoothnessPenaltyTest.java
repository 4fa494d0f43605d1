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
