package org.lipreg.certify.lipsdp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

class LipSdpLinfTest {

    @Test
    void aSingleLinearLayerGivesTheOneNormOfItsRow() {
        // f_j(x) = w·x + b: |Δf| ≤ ‖w‖₁‖Δx‖∞ with equality at Δx = sign(w). The SDP's optimum is
        // min over τ > 0 of (Στ + Σ w_i²/τ_i)/2 = Σ|w_i| (τ_i = |w_i|), the same number.
        Random random = new Random(21);
        double[][] w = Chains.gaussian(random, 3, 5);
        DenseChain chain = Chains.chain(random, List.<double[][]>of(w), new HiddenActivation.Relu(0));
        for (int j = 0; j < 3; j++) {
            double oneNorm = 0;
            for (double v : w[j]) {
                oneNorm += Math.abs(v);
            }
            LipSdpResult r = LipSdp.certifyLinf(chain, j, Chains.points(random, 3, 5));
            assertTrue(r.verifiedBound() >= oneNorm, r.verifiedBound() + " < " + oneNorm);
            assertEquals(oneNorm, r.verifiedBound(), 1e-6 * oneNorm);
            assertEquals(oneNorm, r.productBound(), 1e-12);
            assertEquals(oneNorm, r.lowerBound(), 1e-12); // a linear map's gradient is w everywhere
        }
    }

    @Test
    void randomNetworksLieBetweenTheSampledGradientOneNormAndTheProductBound() {
        Random random = new Random(22);
        for (int trial = 0; trial < 6; trial++) {
            HiddenActivation activation = trial % 2 == 0 ? HiddenActivation.GroupSort.MAX_MIN : new HiddenActivation.Relu(0);
            int[] dims = {3 + random.nextInt(4), 2 * (2 + random.nextInt(3)), 2 * (2 + random.nextInt(2)), 3};
            List<double[][]> weights = List.of(Chains.gaussian(random, dims[1], dims[0]),
                    Chains.gaussian(random, dims[2], dims[1]), Chains.gaussian(random, dims[3], dims[2]));
            DenseChain chain = Chains.chain(random, weights, activation);
            int output = trial % 3;
            double[][] points = Chains.points(random, 300, dims[0]);
            LipSdpResult r = LipSdp.certifyLinf(chain, output, points);
            String where = "trial " + trial + " " + activation + ": " + r;
            assertTrue(r.converged(), where);
            // the lower bound, computed here from central differences of f_j, not the Jacobian
            double sampled = 0;
            for (double[] x : points) {
                double sum = 0;
                for (int i = 0; i < x.length; i++) {
                    double[] plus = x.clone();
                    double[] minus = x.clone();
                    plus[i] += 1e-7;
                    minus[i] -= 1e-7;
                    sum += Math.abs(forward(chain, plus)[output] - forward(chain, minus)[output]) / 2e-7;
                }
                sampled = Math.max(sampled, sum);
            }
            assertTrue(sampled > 0, where);
            assertTrue(sampled <= r.verifiedBound() * (1 + 1e-6), where + " sampled " + sampled);
            assertEquals(r.lowerBound(), sampled, 1e-5 * sampled, where);
            assertTrue(r.verifiedBound() <= r.productBound() * (1 + 1e-9), where);
            assertTrue(r.verifiedBound() <= r.optimizerBound() * (1 + 1e-6), where);
        }
    }

    @Test
    void theCheckRejectsAnInfeasibleLinfPoint() {
        Random random = new Random(23);
        List<double[][]> weights = List.of(Chains.gaussian(random, 6, 4), Chains.gaussian(random, 4, 6),
                Chains.gaussian(random, 2, 4));
        for (HiddenActivation activation : List.of(HiddenActivation.GroupSort.MAX_MIN, new HiddenActivation.Relu(0))) {
            LipSdpMatrix lmi = new LipSdpMatrix(Chains.chain(random, weights, activation), 1);
            LipSdpSolver.Solution solution = new LipSdpSolver(1e-9, 2000).solve(lmi);
            CertificateCheck check = new CertificateCheck(lmi);
            double[] tooSmall = solution.x().clone();
            tooSmall[0] = 0.95 * solution.objective();
            assertFalse(check.holds(tooSmall), activation.toString());
            CertificateCheck.Verified raised = check.verify(tooSmall);
            assertTrue(check.holds(raised.x()));
            assertEquals(raised.rho(), raised.bound()); // ℓ∞: the bound is ρ itself
            assertTrue(raised.rho() >= solution.objective() * (1 - 1e-7), activation + ": " + raised.rho());
            assertTrue(raised.rho() <= solution.objective() * (1 + 1e-6), activation + ": " + raised.rho());
        }
        assertThrows(IllegalArgumentException.class,
                () -> new LipSdpMatrix(Chains.chain(random, weights, new HiddenActivation.Relu(0)), 2));
    }

    /** The network's output with plain loops. */
    private static double[] forward(DenseChain chain, double[] x) {
        double[] z = x;
        for (int k = 0; k < chain.depth(); k++) {
            double[][] w = chain.weights().get(k);
            double[] v = new double[w.length];
            for (int i = 0; i < w.length; i++) {
                v[i] = chain.biases().get(k)[i];
                for (int j = 0; j < z.length; j++) {
                    v[i] += w[i][j] * z[j];
                }
            }
            if (k < chain.depth() - 1) {
                if (chain.activations().get(k) instanceof HiddenActivation.Relu r) {
                    for (int i = 0; i < v.length; i++) {
                        v[i] = v[i] > 0 ? v[i] : r.slope() * v[i];
                    }
                } else {
                    for (int i = 0; i < v.length; i += 2) {
                        double hi = Math.max(v[i], v[i + 1]);
                        v[i + 1] = Math.min(v[i], v[i + 1]);
                        v[i] = hi;
                    }
                }
            }
            z = v;
        }
        return z;
    }
}
