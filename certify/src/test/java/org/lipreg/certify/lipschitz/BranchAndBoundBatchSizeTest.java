package org.lipreg.certify.lipschitz;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.lipreg.certify.RandomNetworks;
import org.lipreg.certify.ir.Layer;

import java.util.Random;

/** Branch-and-bound's batch: the settings' cap, lowered where one domain's coefficients are large. */
class BranchAndBoundBatchSizeTest {

    private static int batchFor(int cap, int... sizes) {
        try (LipschitzCertifier certifier = LipschitzCertifier.of(RandomNetworks.mlp(new Random(1), new Layer.Relu(0), sizes))) {
            return BranchAndBound.batchSize(certifier.graph(), cap);
        }
    }

    @Test
    void narrowNetworksKeepTheCap() {
        // 2·784·20 float64 coefficients per domain, 0.25 MB: 32 domains are 8 MB.
        assertEquals(32, batchFor(32, 784, 20, 20, 10));
        assertEquals(7, batchFor(7, 784, 20, 20, 10));
    }

    @Test
    void wideLayersLowerTheBatch() {
        // 2·784·784 coefficients per domain, 9.8 MB: 4 domains stay under 40 MB.
        assertEquals(4, batchFor(32, 784, 784, 10));
        // 2·784·4000 coefficients, 50 MB: one domain at a time, never none.
        assertEquals(1, batchFor(32, 784, 4000, 10));
    }
}
