package org.lipreg.certify.lipschitz;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;

import org.junit.jupiter.api.Test;
import org.lipreg.certify.RandomNetworks;
import org.lipreg.certify.graph.Graph;
import org.lipreg.certify.graph.Activation;
import org.lipreg.certify.graph.Node;
import org.lipreg.certify.ir.Layer;
import org.lipreg.certify.ir.Network;

import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * α-CROWN's forward bounds: every pre-activation bound contains the values at sampled points
 * (sound for the optimized slopes), the second layer's bounds are never looser than CROWN's (the
 * first step is CROWN's slopes, and the best is kept), and on networks with many unstable
 * neurons they are tighter on the whole.
 */
class AlphaCrownTest {

    @Test
    void boundsAreSoundAndTighterThanCrown() {
        Random random = new Random(5);
        double crownWidth = 0;
        double alphaWidth = 0;
        for (int trial = 0; trial < 6; trial++) {
            Network network = RandomNetworks.mlp(random, new Layer.Relu(trial % 2 == 0 ? 0 : 0.2), 6, 24, 24, 24, 3);
            try (LipschitzCertifier certifier = LipschitzCertifier.of(network);
                    NDManager manager = NDManager.newBaseManager();
                    NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                Graph graph = certifier.graph();
                double[] x0 = new double[6];
                for (int i = 0; i < 6; i++) {
                    x0[i] = random.nextDouble();
                }
                InputBox box = InputBox.around(x0, 0.3, 0, 1);
                ForwardBounds crown = ForwardBounds.compute(graph, box, Collections.emptyMap(), 1, true, manager);
                ForwardBounds alpha = ForwardBounds.alphaCrown(graph, box, 20, Deadline.NONE, manager);
                List<Integer> activations = graph.activations();
                // Values at sampled points (corners included) lie inside every α-CROWN bound.
                int points = 400;
                double[] xs = new double[points * 6];
                for (int p = 0; p < points; p++) {
                    for (int i = 0; i < 6; i++) {
                        double u = p < 100 ? (random.nextBoolean() ? 0 : 1) : random.nextDouble();
                        xs[p * 6 + i] = box.lower()[i] + u * (box.upper()[i] - box.lower()[i]);
                    }
                }
                NDArray[] values = graph.forward(manager.create(xs, new Shape(points, 6)));
                for (int k : activations) {
                    int input = ((Activation) graph.node(k)).input();
                    double[] z = values[input].toDoubleArray();
                    double[] lo = alpha.lower.get(k).toDoubleArray();
                    double[] hi = alpha.upper.get(k).toDoubleArray();
                    for (int p = 0; p < points; p++) {
                        for (int j = 0; j < lo.length; j++) {
                            double v = z[p * lo.length + j];
                            assertTrue(v >= lo[j] - 1e-9 && v <= hi[j] + 1e-9,
                                    "trial " + trial + " node " + k + " neuron " + j + ": " + v + " outside [" + lo[j] + ", " + hi[j] + "]");
                        }
                    }
                }
                int second = activations.get(1);
                double[] cl = crown.lower.get(second).toDoubleArray();
                double[] ch = crown.upper.get(second).toDoubleArray();
                double[] al = alpha.lower.get(second).toDoubleArray();
                double[] ah = alpha.upper.get(second).toDoubleArray();
                for (int j = 0; j < cl.length; j++) {
                    assertTrue(al[j] >= cl[j] - 1e-12 && ah[j] <= ch[j] + 1e-12, "trial " + trial + " neuron " + j
                            + ": α-CROWN [" + al[j] + ", " + ah[j] + "] looser than CROWN [" + cl[j] + ", " + ch[j] + "]");
                }
                for (int k : activations.subList(1, activations.size())) {
                    crownWidth += crown.upper.get(k).sub(crown.lower.get(k)).sum().getDouble();
                    alphaWidth += alpha.upper.get(k).sub(alpha.lower.get(k)).sum().getDouble();
                }
            }
        }
        assertTrue(alphaWidth < 0.97 * crownWidth, "α-CROWN total width " + alphaWidth + " vs CROWN " + crownWidth);
    }
}
