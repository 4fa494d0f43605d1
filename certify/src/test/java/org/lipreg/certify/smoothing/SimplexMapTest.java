package org.lipreg.certify.smoothing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.api.Test;

class SimplexMapTest {

    /** Sparsemax is the Euclidean projection onto the simplex: found here by bisection on τ. */
    @Test
    void sparsemaxIsTheProjectionOntoTheSimplex() {
        Random random = new Random(7);
        for (int trial = 0; trial < 500; trial++) {
            int k = 2 + random.nextInt(9);
            double t = Math.exp(random.nextGaussian());
            float[] z = new float[k];
            for (int c = 0; c < k; c++) {
                z[c] = (float) (random.nextGaussian() * (trial % 3 == 0 ? 0.1 : 3));
            }
            double[] out = new double[k];
            SimplexMap.SPARSEMAX.apply(z, 0, k, t, out);
            double[] reference = projectByBisection(z, t);
            for (int c = 0; c < k; c++) {
                assertEquals(reference[c], out[c], 1e-9, "trial " + trial);
            }
        }
    }

    @Test
    void sparsemaxKnownValues() {
        double[] out = new double[3];
        // (1, 0.5, -1): support {0, 1}, τ = 0.25 → (0.75, 0.25, 0).
        SimplexMap.SPARSEMAX.apply(new float[] {1f, 0.5f, -1f}, 0, 3, 1, out);
        assertEquals(0.75, out[0], 1e-12);
        assertEquals(0.25, out[1], 1e-12);
        assertEquals(0, out[2], 1e-12);
        // Far apart: one-hot.
        SimplexMap.SPARSEMAX.apply(new float[] {5f, 0f, 0f}, 0, 3, 1, out);
        assertEquals(1, out[0], 1e-12);
    }

    @Test
    void softmaxAndHardmax() {
        float[] z = {0f, 0f, 1f, 2f, -1f}; // second row at offset 2
        double[] out = new double[3];
        SimplexMap.SOFTMAX.apply(z, 2, 3, 2, out);
        double sum = Math.exp(2) + Math.exp(4) + Math.exp(-2);
        assertEquals(Math.exp(2) / sum, out[0], 1e-12);
        assertEquals(Math.exp(4) / sum, out[1], 1e-12);
        SimplexMap.HARDMAX.apply(z, 2, 3, 1, out);
        assertEquals(0, out[0]);
        assertEquals(1, out[1]);
        // Large logits do not overflow.
        SimplexMap.SOFTMAX.apply(new float[] {1000f, 0f}, 0, 2, 10, out);
        assertEquals(1, out[0], 1e-12);
        assertTrue(Double.isFinite(out[1]));
    }

    private static double[] projectByBisection(float[] z, double t) {
        double lo = -1e3;
        double hi = 1e3;
        for (int i = 0; i < 200; i++) {
            double tau = (lo + hi) / 2;
            double s = 0;
            for (float v : z) {
                s += Math.max(t * v - tau, 0);
            }
            if (s > 1) {
                lo = tau;
            } else {
                hi = tau;
            }
        }
        double tau = (lo + hi) / 2;
        double[] p = new double[z.length];
        for (int c = 0; c < z.length; c++) {
            p[c] = Math.max(t * z[c] - tau, 0);
        }
        return p;
    }
}
