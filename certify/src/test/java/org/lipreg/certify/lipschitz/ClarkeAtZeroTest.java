package org.lipreg.certify.lipschitz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.lipreg.certify.ir.Layer;
import org.lipreg.certify.ir.Network;
import org.lipreg.certify.ir.Tensor;

import java.util.List;

/**
 * At a ReLU input of exactly zero the Clarke derivative is the whole interval [0, 1]: a box that
 * is the single point 0 must still count both branches.
 */
class ClarkeAtZeroTest {

    private static Layer.Dense scalar(double w) {
        return new Layer.Dense(new Tensor(new int[] {1, 1}, new double[] {w}), new Tensor(new int[] {1}, new double[] {0}));
    }

    @Test
    void reluAtZeroHasGradientUpToOne() {
        // f(x) = 3 relu(x): gradient 0 or 3, and [0, 3] at x = 0.
        Network network = new Network(new int[] {1}, List.of(scalar(1), new Layer.Relu(0), scalar(3)));
        InputBox point = InputBox.around(new double[] {0}, 0, -1, 1);
        try (LipschitzCertifier certifier = LipschitzCertifier.of(network)) {
            for (Method method : Method.values()) {
                double bound = certifier.bound(point, new double[][] {{1}}, method).max();
                // Exactly 3, rounded outward by the floating-point margin.
                assertTrue(bound >= 3 && bound <= 3 * (1 + 1e-9), method + ": " + bound);
            }
            // Slightly left of zero only the inactive branch exists.
            InputBox left = InputBox.around(new double[] {-0.5}, 0.1, -1, 1);
            assertEquals(0, certifier.bound(left, new double[][] {{1}}, Method.CROWN).max(), 1e-12);
        }
    }

    @Test
    void bothBranchesCountWhenTheyDisagreeInSign() {
        // f(x) = 2 relu(x) − x: derivative +1 right of 0, −1 left; |·| is 1 on either branch.
        Layer body = new Layer.Residual(List.of(scalar(1), new Layer.Relu(0), scalar(2)), List.of(scalar(-1)));
        Network network = new Network(new int[] {1}, List.of(body));
        InputBox point = InputBox.around(new double[] {0}, 0, -1, 1);
        try (LipschitzCertifier certifier = LipschitzCertifier.of(network)) {
            LipschitzBound bab = certifier.bound(point, new double[][] {{1}}, Method.BAB);
            assertTrue(bab.complete());
            assertEquals(1, bab.max(), 1e-12);
            DerivativeBounds d = certifier.derivativeBounds(point, new double[][] {{1}});
            assertEquals(-1, d.lower()[0][0], 1e-12);
            assertEquals(1, d.upper()[0][0], 1e-12);
        }
    }
}
