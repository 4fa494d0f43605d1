package org.lipreg.certify.lipschitz;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.lipreg.certify.RandomNetworks;
import org.lipreg.certify.ir.Network;

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
}
