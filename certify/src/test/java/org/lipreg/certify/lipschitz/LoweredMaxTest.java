package org.lipreg.certify.lipschitz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.lipreg.certify.ReferenceNetwork;
import org.lipreg.certify.ir.Layer;
import org.lipreg.certify.ir.Network;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Max pooling and GroupSort (MaxMin is GroupSort 2), each alone, against brute force in float64:
 * they are lowered to running maxima and sorting networks of ReLU steps ({@code graph/Lowering}),
 * so their bounds come from the chain rule through those steps. Every output's derivative bounds
 * must contain the one-hot gradient that the window's or group's order gives at every point of
 * the box (the order enumerated over sampled points, corners included); every method's bound on
 * an output's gradient norm is at least its exact maximum 1 (2 for a margin between two sorted
 * outputs); and where the box fixes the order, CROWN's bound is that maximum (to 1e-9).
 */
class LoweredMaxTest {

    @Test
    void maxPoolingBoundsContainTheWindowsOneHotGradients() {
        Random random = new Random(5);
        for (int trial = 0; trial < 8; trial++) {
            int stride = 1 + trial % 2;
            Network network = new Network(new int[] {2, 3, 3}, List.of(
                    new Layer.MaxPool2d(new int[] {2, 2}, new int[] {stride, stride}, new int[] {0, 0}), new Layer.Flatten()));
            check(network, random, trial, trial % 4 == 3, false);
        }
    }

    @Test
    void groupSortBoundsContainTheSortsOneHotGradients() {
        Random random = new Random(6);
        for (int trial = 0; trial < 12; trial++) {
            int size = 2 + trial % 3;
            Network network = new Network(new int[] {2 * size}, List.of(new Layer.GroupSort(size)));
            check(network, random, trial, trial % 4 == 3, trial % 2 == 1);
        }
    }

    /**
     * One random box (with {@code separated}, coordinates in disjoint intervals, so the order is
     * fixed): derivative bounds against the gradients at sampled points, norms against the exact
     * maxima.
     */
    private static void check(Network network, Random random, int trial, boolean separated, boolean margins) {
        ReferenceNetwork reference = new ReferenceNetwork(network);
        int n = network.inputSize();
        int outputs = reference.outputSize();
        double[] x0 = new double[n];
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            order.add(i);
        }
        java.util.Collections.shuffle(order, random);
        for (int i = 0; i < n; i++) {
            x0[i] = separated ? order.get(i) : random.nextDouble();
        }
        double eps = separated ? 0.3 : new double[] {0.02, 0.2, 1}[trial % 3];
        InputBox box = InputBox.around(x0, eps, -2, n + 2);
        double[][] specs = margins ? LipschitzCertifier.marginSpecs(outputs, 0) : LipschitzCertifier.outputSpecs(outputs);
        String where = "trial " + trial + " " + network.layers().get(0);
        try (LipschitzCertifier certifier = LipschitzCertifier.of(network)) {
            DerivativeBounds derivatives = certifier.derivativeBounds(box, specs);
            double exact = 0;
            for (int p = 0; p < 200; p++) {
                double[] x = new double[n];
                for (int i = 0; i < n; i++) {
                    double u = p < 60 ? (random.nextBoolean() ? 0 : 1) : random.nextDouble();
                    x[i] = box.lower()[i] + u * (box.upper()[i] - box.lower()[i]);
                }
                for (int s = 0; s < specs.length; s++) {
                    double[] g = reference.gradient(x, specs[s]);
                    double norm = 0;
                    for (int i = 0; i < n; i++) {
                        norm += Math.abs(g[i]);
                        assertTrue(g[i] >= derivatives.lower()[s][i] && g[i] <= derivatives.upper()[s][i], where
                                + " spec " + s + " input " + i + ": gradient " + g[i] + " outside ["
                                + derivatives.lower()[s][i] + ", " + derivatives.upper()[s][i] + "]");
                    }
                    exact = Math.max(exact, norm);
                }
            }
            // Sorted outputs: each output's gradient is one-hot (norm 1), a margin's is e_a − e_b (norm 2).
            assertEquals(margins ? 2 : 1, exact, 0, where + ": the sampled gradients' largest norm");
            // α-CROWN (dear: 20 steps per bound) where the box fixes the order; the fuzz covers the rest.
            Method[] methods = separated ? new Method[] {Method.IBP, Method.RECURJAC, Method.CROWN, Method.ALPHA_CROWN}
                    : new Method[] {Method.IBP, Method.RECURJAC, Method.CROWN};
            for (Method method : methods) {
                double[] upper = certifier.bound(box, specs, method).perSpec();
                for (int s = 0; s < specs.length; s++) {
                    assertTrue(upper[s] >= (margins ? 2 : 1), where + " " + method + " spec " + s + ": " + upper[s]);
                    if (separated && method != Method.IBP) {
                        assertEquals(margins ? 2 : 1, upper[s], 1e-9, where + " " + method + " spec " + s
                                + " with the order fixed");
                    }
                }
            }
        }
    }
}
