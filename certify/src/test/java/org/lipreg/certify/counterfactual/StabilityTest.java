package org.lipreg.certify.counterfactual;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Random;

/** R̂ against a direct Monte-Carlo computation; the Lipschitz form's soundness sample by sample. */
class StabilityTest {

    private NDManager manager;

    @BeforeEach
    void setUp() {
        Engine.getInstance().setRandomSeed(7);
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void tearDown() {
        manager.close();
    }

    @Test
    void matchesDirectMonteCarloInDoublePrecision() {
        float[][] w = {{0.5f, -1.0f, 2.0f}, {-1.5f, 0.25f, 0.75f}};
        float[] b = {0.1f, -0.2f};
        ClassProbability m = new ClassProbability(Models.linear(manager, w, b), new Shape(3), 2, 1, manager);
        double sigma = 0.3;
        long seed = 11;
        int k = 500;
        Stability stability = Stability.builder().optSamples(k).optSigma(sigma).optSeed(seed).optBatchSize(128).build();
        double[] x = {0.2, -0.4, 0.1};

        // The documented noise: Random(seed).nextGaussian(), sample after sample.
        Random random = new Random(seed);
        double center = twoClass(w, b, x);
        double sum = 0;
        for (int i = 0; i < k; i++) {
            double[] xi = new double[3];
            for (int j = 0; j < 3; j++) {
                xi[j] = x[j] + sigma * random.nextGaussian();
            }
            double mi = twoClass(w, b, xi);
            sum += mi - Math.abs(center - mi);
        }
        assertEquals(sum / k, stability.estimate(m, x), 1e-5);
        assertEquals(center, stability.evaluate(m, x, null).center(), 1e-6);
    }

    /** softmax(Wx + b)[1] for two classes: sigmoid(z1 − z0). */
    private static double twoClass(float[][] w, float[] b, double[] x) {
        double z0 = b[0];
        double z1 = b[1];
        for (int j = 0; j < x.length; j++) {
            z0 += w[0][j] * x[j];
            z1 += w[1][j] * x[j];
        }
        return 1 / (1 + Math.exp(-(z1 - z0)));
    }

    @Test
    void differentiableEstimateAgreesWithTheBatchedOne() {
        ClassProbability m = new ClassProbability(Models.relu(manager, 4, 8, 3), new Shape(4), 3, 2, manager);
        Stability stability = Stability.builder().optSamples(200).optSigma(0.2).optSeed(3).build();
        double[] x = {0.1, 0.5, -0.3, 0.7};
        try (NDManager scratch = manager.newSubManager()) {
            double autograd = stability.estimate(m, m.create(scratch, new double[][] {x}))
                    .toType(DataType.FLOAT64, false).getDouble();
            assertEquals(stability.estimate(m, x), autograd, 1e-5);
        }
    }

    /**
     * The soundness test: on random ReLU networks, γ‖x − X_i‖₂ ≥ |m(x) − m(X_i)| on every sample,
     * with samples both inside the certified box (local γ) and outside it (global γ), so the
     * Lipschitz form never exceeds R̂ computed with the same samples.
     */
    @Test
    void lipschitzFormBoundsEverySample() {
        Random random = new Random(5);
        int inside = 0;
        int outside = 0;
        for (int net = 0; net < 6; net++) {
            int in = 2 + net % 4;
            int classes = 2 + net % 3;
            Engine.getInstance().setRandomSeed(100 + net);
            SequentialBlock block = Models.relu(manager, in, 6 + net, classes);
            for (int target = 0; target < classes; target++) {
                ClassProbability m = new ClassProbability(block, new Shape(in), classes, target, manager);
                Stability stability = Stability.builder().optSamples(300).optSigma(0.5).optSeed(net * 10L + target).build();
                try (ProbabilityLipschitz lipschitz = ProbabilityLipschitz.of(m, 0, 0)) {
                    assertTrue(lipschitz.certified(), "a ReLU MLP reads into the IR");
                    double[] x = new double[in];
                    for (int j = 0; j < in; j++) {
                        x[j] = random.nextGaussian();
                    }
                    LocalConstant gamma = lipschitz.near(x, 0.5);
                    assertTrue(gamma.local() <= gamma.global() + 1e-12);
                    StabilityEstimate e = stability.evaluate(m, x, gamma);
                    double[][] points = stability.perturbations(x);
                    for (int i = 0; i < points.length; i++) {
                        double change = Math.abs(e.center() - e.samples()[i]);
                        double bound = gamma.between(x, points[i]) * Stability.distance(x, points[i]);
                        // float32 model against a float64 bound: allow rounding of m.
                        assertTrue(bound >= change - 1e-6, "net " + net + " target " + target + " sample " + i
                                + ": γ‖x − X‖ = " + bound + " < |m(x) − m(X)| = " + change);
                        if (gamma.between(x, points[i]) == gamma.local()) {
                            inside++;
                        } else {
                            outside++;
                        }
                    }
                    assertTrue(e.lipschitz() <= e.sampled() + 1e-6);
                    assertEquals("certified", e.lipschitzKind());
                }
            }
        }
        assertTrue(inside > 0 && outside > 0, "inside " + inside + ", outside " + outside);
    }

    @Test
    void twoClassLocalBoundIsAQuarterOfTheMarginGradient() {
        // m = sigmoid(z1 − z0) with z1 − z0 = 2x₀ − x₁: ‖∇(z1 − z0)‖₂ = √5, so γ = √5/4 exactly.
        float[][] w = {{0, 0}, {2, -1}};
        ClassProbability m = new ClassProbability(Models.linear(manager, w, new float[] {0, 0}), new Shape(2), 2, 1,
                manager);
        try (ProbabilityLipschitz lipschitz = ProbabilityLipschitz.of(m, 0, 0)) {
            LocalConstant gamma = lipschitz.near(new double[] {0, 0}, 1);
            assertEquals(Math.sqrt(5) / 4, gamma.local(), 1e-9);
            assertTrue(gamma.global() >= Math.sqrt(5) / 4 - 1e-9);
        }
    }

    @Test
    void modelsOutsideTheIrGetASampledConstantLabelledAsSuch() {
        SequentialBlock block = new SequentialBlock()
                .add(Linear.builder().setUnits(5).build())
                .add(Activation.sigmoidBlock())
                .add(Linear.builder().setUnits(2).build());
        block.initialize(manager, DataType.FLOAT32, new Shape(1, 3));
        ClassProbability m = new ClassProbability(block, new Shape(3), 2, 0, manager);
        try (ProbabilityLipschitz lipschitz = ProbabilityLipschitz.of(m, 64, 1)) {
            assertFalse(lipschitz.certified());
            assertTrue(lipschitz.unsupported() != null);
            LocalConstant gamma = lipschitz.near(new double[] {0.1, 0.2, 0.3}, 0.2);
            assertTrue(gamma.local() > 0);
            StabilityEstimate e = Stability.builder().optSamples(50).build().evaluate(m, new double[] {0.1, 0.2, 0.3}, gamma);
            assertEquals("sampled", e.lipschitzKind());
        }
    }
}
