package org.lipreg.certify.lipschitz;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.lipreg.certify.RandomNetworks;
import org.lipreg.certify.graph.DenseGraphs;
import org.lipreg.certify.graph.Affine;
import org.lipreg.certify.ir.Network;

import java.util.Random;

/**
 * Convolutions, pooling and channel maps kept in their own form give the same bounds, method by
 * method, as the same network with every linear map a dense matrix (the certifier's form before
 * this change), on the convolutional kinds of random networks.
 */
class ConvolutionFormTest {

    @Test
    void everyMethodMatchesTheDenseForm() {
        Random random = new Random(11);
        int[] kinds = {3, 5, 6};
        for (int trial = 0; trial < 9; trial++) {
            int kind = kinds[trial % kinds.length];
            Network network = RandomNetworks.of(random, kind);
            try (LipschitzCertifier kept = LipschitzCertifier.of(network);
                    LipschitzCertifier dense = LipschitzCertifier.of(network, DenseGraphs::densify)) {
                boolean convolution = kept.graph().nodes().stream()
                        .anyMatch(n -> n instanceof Affine a && !(a.map() instanceof org.lipreg.certify.graph.DenseMap));
                assertEquals(true, convolution, "kind " + kind + " keeps a convolution");
                int n = network.inputSize();
                double[] x0 = new double[n];
                for (int i = 0; i < n; i++) {
                    x0[i] = random.nextDouble();
                }
                InputBox box = InputBox.around(x0, new double[] {0.02, 0.1, 0.3}[trial % 3], 0, 1);
                double[][] specs = LipschitzCertifier.marginSpecs(kept.graph().outputSize(), 0);
                BabSettings bab = new BabSettings(60, 40, 8);
                for (Method method : Method.values()) {
                    if (method == Method.NAIVE) {
                        continue;
                    }
                    double[] a = kept.bound(box, specs, method, bab).perSpec();
                    double[] b = dense.bound(box, specs, method, bab).perSpec();
                    for (int s = 0; s < specs.length; s++) {
                        assertEquals(b[s], a[s], 1e-9 * (1 + Math.abs(b[s])),
                                "trial " + trial + " kind " + kind + " " + method + " spec " + s);
                    }
                }
            }
        }
    }
}
