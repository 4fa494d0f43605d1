package org.lipreg.certify.lipschitz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;

import org.junit.jupiter.api.Test;
import org.lipreg.certify.RandomNetworks;
import org.lipreg.certify.graph.Graph;
import org.lipreg.certify.ir.Layer;
import org.lipreg.certify.ir.Network;

import java.util.Collections;
import java.util.Random;

/**
 * Bounds computed a few rows at a time (the memory cap on coefficients) equal the bounds
 * computed in one piece, for every method that propagates coefficients.
 */
class ChunkedBoundsTest {

    @Test
    void smallChunksGiveTheSameBounds() {
        Random random = new Random(21);
        long forward = ForwardBounds.chunkBytes;
        long gradient = GradientBounds.chunkBytes;
        try {
            for (int kind : new int[] {0, 3, 5, 6}) {
                Network network = RandomNetworks.of(random, kind);
                try (LipschitzCertifier certifier = LipschitzCertifier.of(network)) {
                    double[] x0 = new double[network.inputSize()];
                    for (int i = 0; i < x0.length; i++) {
                        x0[i] = random.nextDouble();
                    }
                    InputBox box = InputBox.around(x0, 0.1, 0, 1);
                    double[][] specs = LipschitzCertifier.outputSpecs(certifier.graph().outputSize());
                    for (Method method : new Method[] {Method.RECURJAC, Method.CROWN, Method.ALPHA_CROWN}) {
                        ForwardBounds.chunkBytes = forward;
                        GradientBounds.chunkBytes = gradient;
                        double[] whole = certifier.bound(box, specs, method).perSpec();
                        // One or two rows per chunk, so every chunk but the first starts past row 0.
                        ForwardBounds.chunkBytes = 1;
                        GradientBounds.chunkBytes = 1;
                        double[] chunked = certifier.bound(box, specs, method).perSpec();
                        for (int s = 0; s < specs.length; s++) {
                            assertEquals(whole[s], chunked[s], 1e-12 * (1 + Math.abs(whole[s])),
                                    "kind " + kind + " " + method + " spec " + s);
                        }
                    }
                }
            }
        } finally {
            ForwardBounds.chunkBytes = forward;
            GradientBounds.chunkBytes = gradient;
        }
    }

    /** 4,000 spec rows on 40 inputs exceed a chunk of the gradient graph's coefficients. */
    @Test
    void gradientBoundsOfManyRowsEqualEachRowAlone() {
        Random random = new Random(3);
        Network network = RandomNetworks.mlp(random, new Layer.Relu(0), 40, 16, 3);
        int distinct = 5;
        int copies = 800;
        double[][] few = new double[distinct][3];
        for (double[] row : few) {
            for (int j = 0; j < row.length; j++) {
                row[j] = random.nextGaussian();
            }
        }
        double[][] many = new double[distinct * copies][];
        for (int r = 0; r < many.length; r++) {
            many[r] = few[r % distinct];
        }
        // 48 bytes per row and entry of the widest node (GradientBounds.linearBounds), 40 entries.
        assertTrue(48L * 40 * many.length * 40 > GradientBounds.chunkBytes, "the rows must need several chunks");
        double[] x0 = new double[40];
        for (int i = 0; i < x0.length; i++) {
            x0[i] = random.nextDouble();
        }
        InputBox box = InputBox.around(x0, 0.05, 0, 1);
        try (LipschitzCertifier certifier = LipschitzCertifier.of(network)) {
            for (Method method : new Method[] {Method.RECURJAC, Method.CROWN}) {
                double[] together = certifier.bound(box, many, method).perSpec();
                for (int s = 0; s < distinct; s++) {
                    double alone = certifier.bound(box, new double[][] {few[s]}, method).perSpec()[0];
                    for (int k = s; k < many.length; k += distinct) {
                        assertEquals(alone, together[k], 1e-12 * Math.max(1, alone), method + " row " + k);
                    }
                }
            }
        }
    }

    /** 10,000 domains of a 24-wide layer exceed a chunk of CROWN's forward coefficients. */
    @Test
    void forwardBoundsOfManyDomainsEqualOneDomain() {
        Random random = new Random(4);
        Network network = RandomNetworks.mlp(random, new Layer.Relu(0), 24, 24, 24, 2);
        int domains = 10_000;
        // 48 bytes per neuron, domain and entry of the widest node (ForwardBounds.crownBounds).
        assertTrue(48L * 24 * domains * 24 > ForwardBounds.chunkBytes, "the rows must need several chunks");
        double[] x0 = new double[24];
        for (int i = 0; i < x0.length; i++) {
            x0[i] = random.nextDouble();
        }
        InputBox box = InputBox.around(x0, 0.1, 0, 1);
        try (NDManager manager = NDManager.newBaseManager(); Graph graph = Graph.of(network, manager)) {
            ForwardBounds one = ForwardBounds.compute(graph, box, Collections.emptyMap(), 1, true, manager);
            ForwardBounds all = ForwardBounds.compute(graph, box, Collections.emptyMap(), domains, true, manager);
            for (int node : one.lower.keySet()) {
                double[] lo = one.lower.get(node).toDoubleArray();
                double[] hi = one.upper.get(node).toDoubleArray();
                double[] allLo = all.lower.get(node).toDoubleArray();
                double[] allHi = all.upper.get(node).toDoubleArray();
                assertEquals(domains * lo.length, allLo.length);
                for (int d = 0; d < domains; d += 1999) {
                    for (int j = 0; j < lo.length; j++) {
                        assertEquals(lo[j], allLo[d * lo.length + j], 1e-12, "lower, node " + node + " domain " + d);
                        assertEquals(hi[j], allHi[d * hi.length + j], 1e-12, "upper, node " + node + " domain " + d);
                    }
                }
            }
        }
    }
}
