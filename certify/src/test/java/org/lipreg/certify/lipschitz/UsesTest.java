package org.lipreg.certify.lipschitz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.junit.jupiter.api.Test;
import org.lipreg.certify.RandomNetworks;
import org.lipreg.certify.ir.Layer;
import org.lipreg.certify.ir.Network;

import java.util.Random;

/** Derivative bounds, monotonicity verdicts and certified radii against sampled behaviour. */
class UsesTest {

    @Test
    void derivativeBoundsContainEverySampledGradient() {
        Random random = new Random(11);
        for (int trial = 0; trial < 20; trial++) {
            Network network = RandomNetworks.of(random, trial % 6);
            try (LipschitzCertifier certifier = LipschitzCertifier.of(network)) {
                int n = network.inputSize();
                double[] x0 = new double[n];
                for (int i = 0; i < n; i++) {
                    x0[i] = random.nextDouble();
                }
                InputBox box = InputBox.around(x0, 0.2, 0, 1);
                double[][] specs = LipschitzCertifier.outputSpecs(certifier.graph().outputSize());
                DerivativeBounds bounds = certifier.derivativeBounds(box, specs);
                GraphOracle oracle = new GraphOracle(certifier.graph());
                for (int p = 0; p < 50; p++) {
                    double[] x = new double[n];
                    for (int i = 0; i < n; i++) {
                        x[i] = box.lower()[i] + random.nextDouble() * (box.upper()[i] - box.lower()[i]);
                    }
                    for (int s = 0; s < specs.length; s++) {
                        double[] g = oracle.gradients(new double[][] {x}, new double[][] {specs[s]})[0];
                        for (int i = 0; i < n; i++) {
                            assertTrue(g[i] >= bounds.lower()[s][i] - 1e-9 && g[i] <= bounds.upper()[s][i] + 1e-9,
                                    "trial " + trial + " spec " + s + " input " + i + ": " + g[i] + " outside ["
                                            + bounds.lower()[s][i] + ", " + bounds.upper()[s][i] + "]");
                        }
                    }
                }
            }
        }
    }

    @Test
    void aMonotoneNetworkIsProvenMonotone() {
        // Positive weights everywhere: increasing in every input; negating the last layer: decreasing.
        Random random = new Random(5);
        Network positive = RandomNetworks.mlp(random, new Layer.Relu(0), 3, 6, 1);
        double[] w1 = ((Layer.Dense) positive.layers().get(0)).weight().data();
        double[] w2 = ((Layer.Dense) positive.layers().get(2)).weight().data();
        for (int i = 0; i < w1.length; i++) {
            w1[i] = Math.abs(w1[i]);
        }
        for (int i = 0; i < w2.length; i++) {
            w2[i] = Math.abs(w2[i]);
        }
        // Tensor copies its shape but shares data; rebuild the network to be safe.
        Network increasing = new Network(new int[] {3}, java.util.List.of(
                new Layer.Dense(new org.lipreg.certify.ir.Tensor(new int[] {6, 3}, w1), ((Layer.Dense) positive.layers().get(0)).bias()),
                new Layer.Relu(0),
                new Layer.Dense(new org.lipreg.certify.ir.Tensor(new int[] {1, 6}, w2), ((Layer.Dense) positive.layers().get(2)).bias())));
        InputBox whole = new InputBox(new double[] {0.5, 0.5, 0.5}, new double[] {0, 0, 0}, new double[] {1, 1, 1});
        try (LipschitzCertifier certifier = LipschitzCertifier.of(increasing)) {
            DerivativeBounds up = certifier.derivativeBounds(whole, new double[][] {{1}});
            DerivativeBounds down = certifier.derivativeBounds(whole, new double[][] {{-1}});
            for (int i = 0; i < 3; i++) {
                assertEquals(Monotonicity.INCREASING, Monotonicity.of(up.lower()[0][i], up.upper()[0][i]));
                assertEquals(Monotonicity.DECREASING, Monotonicity.of(down.lower()[0][i], down.upper()[0][i]));
            }
        }
    }

    @Test
    void noSampledPointInsideTheCertifiedRadiusChangesThePrediction() {
        Random random = new Random(8);
        int certified = 0;
        try (NDManager manager = NDManager.newBaseManager()) {
            for (int trial = 0; trial < 30; trial++) {
                Network network = RandomNetworks.mlp(random, new Layer.Relu(0), 4, 8, 8, 3);
                try (LipschitzCertifier certifier = LipschitzCertifier.of(network)) {
                    double[] x0 = {random.nextDouble(), random.nextDouble(), random.nextDouble(), random.nextDouble()};
                    double[] out = certifier.graph().evaluate(manager.create(x0, new Shape(1, 4))).toDoubleArray();
                    int label = argMax(out);
                    double[][] specs = LipschitzCertifier.marginSpecs(3, label);
                    double[] margins = certifier.marginLowerBounds(x0, label);
                    for (int s = 0; s < 2; s++) { // below the plain float64 margins, and close to them
                        double plain = out[label] - out[s < label ? s : s + 1];
                        assertTrue(margins[s] <= plain && margins[s] > plain - 1e-9, margins[s] + " vs " + plain);
                    }
                    InputBox box = InputBox.around(x0, 0.5, 0, 1);
                    double[] constants = certifier.bound(box, specs, Method.CROWN).perSpec();
                    double r = RobustnessRadius.of(margins, constants, 0.5);
                    assertTrue(r > 0 && r <= 0.5);
                    certified++;
                    InputBox ball = InputBox.around(x0, r, 0, 1);
                    double[] xs = new double[2000 * 4];
                    for (int p = 0; p < 2000; p++) {
                        for (int i = 0; i < 4; i++) {
                            double u = random.nextBoolean() ? (random.nextBoolean() ? 1 : 0) : random.nextDouble();
                            xs[p * 4 + i] = ball.lower()[i] + u * (ball.upper()[i] - ball.lower()[i]);
                        }
                    }
                    NDArray ys = certifier.graph().evaluate(manager.create(xs, new Shape(2000, 4)));
                    long[] predicted = ys.argMax(1).toLongArray();
                    for (long p : predicted) {
                        assertEquals(label, p, "trial " + trial + ": prediction changed within r = " + r);
                    }
                }
            }
        }
        assertEquals(30, certified);
    }

    private static int argMax(double[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }
}
