package org.lipreg.certify.lipschitz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;
import org.lipreg.certify.RandomNetworks;
import org.lipreg.certify.ir.Layer;
import org.lipreg.certify.ir.Network;

import java.util.Random;

/** Branch-and-bound handed CROWN's bounds gives what it gives when it computes them itself. */
class BranchAndBoundFromCrownTest {

    @Test
    void startingFromKnownCrownBoundsChangesNothing() {
        Random random = new Random(8);
        Network network = RandomNetworks.mlp(random, new Layer.Relu(0), 3, 8, 8, 2);
        InputBox box = InputBox.around(new double[] {0.3, 0.5, 0.7}, 0.2, 0, 1);
        double[][] specs = LipschitzCertifier.outputSpecs(2);
        BabSettings settings = new BabSettings(600, 300, 8);
        try (LipschitzCertifier certifier = LipschitzCertifier.of(network)) {
            double[] crown = certifier.bound(box, specs, Method.CROWN).perSpec();
            double[] itself = certifier.bound(box, specs, Method.BAB, settings, new double[2]).perSpec();
            double[] handed = certifier.branchAndBound(box, specs, settings, new double[2], crown).perSpec();
            assertArrayEquals(itself, handed);
        }
    }
}
