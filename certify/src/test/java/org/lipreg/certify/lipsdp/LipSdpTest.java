package org.lipreg.certify.lipsdp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

class LipSdpTest {

    @Test
    void aSingleLinearLayerGivesItsSpectralNorm() {
        Random random = new Random(1);
        double[][] w = Chains.gaussian(random, 2, 5);
        DenseChain chain = Chains.chain(random, List.<double[][]>of(w), new HiddenActivation.Relu(0));
        // ‖W‖₂² is the larger eigenvalue of the 2×2 matrix W Wᵀ, in closed form.
        double a = dot(w[0], w[0]);
        double b = dot(w[0], w[1]);
        double c = dot(w[1], w[1]);
        double norm = Math.sqrt((a + c) / 2 + Math.sqrt((a - c) * (a - c) / 4 + b * b));
        LipSdpResult result = LipSdp.certify(chain, new double[0][]);
        assertTrue(result.verifiedBound() >= norm, result.verifiedBound() + " < " + norm);
        assertEquals(norm, result.verifiedBound(), 1e-7 * norm);
        assertEquals(norm, result.productBound(), 1e-10 * norm);
    }

    @Test
    void maxMinWithOrthogonalWeightsIsCertifiedOneLipschitz() {
        Random random = new Random(2);
        List<double[][]> weights = List.of(Chains.orthonormalRows(random, 6, 6), Chains.orthonormalRows(random, 6, 6),
                Chains.orthonormalRows(random, 3, 6));
        LipSdpResult result = LipSdp.certify(Chains.chain(random, weights, HiddenActivation.GroupSort.MAX_MIN),
                Chains.points(random, 50, 6));
        assertEquals(1, result.verifiedBound(), 1e-4);
        assertTrue(result.lowerBound() <= result.verifiedBound());
    }

    @Test
    void randomNetworksLieBetweenTheSampledLowerBoundAndTheProductBound() {
        Random random = new Random(3);
        for (int trial = 0; trial < 6; trial++) {
            HiddenActivation activation = trial % 3 == 0 ? HiddenActivation.GroupSort.MAX_MIN
                    : new HiddenActivation.Relu(trial % 3 == 1 ? 0 : 0.2);
            int[] dims = {3 + random.nextInt(3), 2 * (2 + random.nextInt(3)), 2 * (2 + random.nextInt(2)),
                1 + random.nextInt(3)};
            List<double[][]> weights = List.of(Chains.gaussian(random, dims[1], dims[0]),
                    Chains.gaussian(random, dims[2], dims[1]), Chains.gaussian(random, dims[3], dims[2]));
            DenseChain chain = Chains.chain(random, weights, activation);
            LipSdpResult r = LipSdp.certify(chain, Chains.points(random, 200, dims[0]));
            String where = "trial " + trial + " " + activation + ": " + r;
            assertTrue(r.converged(), where);
            assertTrue(r.lowerBound() > 0, where);
            assertTrue(r.lowerBound() <= r.verifiedBound(), where);
            assertTrue(r.verifiedBound() <= r.productBound() * (1 + 1e-9), where);
            // the proof costs little: the verified bound sits just above the solver's objective
            assertTrue(r.verifiedBound() >= r.optimizerBound() * (1 - 1e-6), where);
            assertTrue(r.verifiedBound() <= r.optimizerBound() * (1 + 1e-6), where);
        }
    }

    @Test
    void theCheckRejectsAnInfeasiblePointAndRaisesIt() {
        Random random = new Random(4);
        List<double[][]> weights = List.of(Chains.gaussian(random, 6, 4), Chains.gaussian(random, 4, 6),
                Chains.gaussian(random, 2, 4));
        for (HiddenActivation activation : List.of(HiddenActivation.GroupSort.MAX_MIN, new HiddenActivation.Relu(0))) {
            LipSdpMatrix lmi = new LipSdpMatrix(Chains.chain(random, weights, activation));
            LipSdpSolver.Solution solution = new LipSdpSolver(1e-9, 2000).solve(lmi);
            CertificateCheck check = new CertificateCheck(lmi);
            double optimum = solution.objective();

            double[] tooSmall = solution.x().clone();
            tooSmall[0] = 0.9 * optimum;
            assertFalse(check.holds(tooSmall), activation + ": ρ below the optimum accepted");
            CertificateCheck.Verified raised = check.verify(tooSmall);
            assertTrue(raised.rho() >= optimum * (1 - 1e-7), activation + ": " + raised.rho() + " < " + optimum);
            assertTrue(raised.rho() <= optimum * (1 + 1e-6), activation + ": " + raised.rho());
            assertTrue(check.holds(raised.x()));
            assertEquals(0, raised.repairedFraction());

            // Multipliers that no ρ can save (all zero: the last block is −W_LᵀW_L) are repaired.
            double[] zero = new double[lmi.variables()];
            zero[0] = optimum;
            assertFalse(check.holds(zero));
            CertificateCheck.Verified repaired = check.verify(zero);
            assertTrue(repaired.repairedFraction() > 0);
            assertTrue(check.holds(repaired.x()));
            assertTrue(repaired.rho() >= optimum * (1 - 1e-7));
        }
    }

    @Test
    void theIrIsReadWithConsecutiveDenseLayersMultipliedAndUnsupportedLayersNamed() {
        Random random = new Random(6);
        org.lipreg.certify.ir.Layer.Dense a = org.lipreg.certify.RandomNetworks.dense(random, 3, 4);
        org.lipreg.certify.ir.Layer.Dense b = org.lipreg.certify.RandomNetworks.dense(random, 4, 6);
        org.lipreg.certify.ir.Layer.Dense c = org.lipreg.certify.RandomNetworks.dense(random, 6, 2);
        DenseChain chain = DenseChain.of(new org.lipreg.certify.ir.Network(new int[] {3},
                List.of(a, b, new org.lipreg.certify.ir.Layer.GroupSort(2), c)));
        assertEquals(2, chain.depth());
        double[] x = {0.3, -1.2, 0.7};
        // W_b W_a x + W_b b_a + b_b, by hand
        double[] v = new double[6];
        for (int i = 0; i < 6; i++) {
            v[i] = b.bias().data()[i];
            for (int k = 0; k < 4; k++) {
                double h = a.bias().data()[k];
                for (int j = 0; j < 3; j++) {
                    h += a.weight().data()[k * 3 + j] * x[j];
                }
                v[i] += b.weight().data()[i * 4 + k] * h;
            }
        }
        double[] merged = DenseChain.multiply(chain.weights().get(0), x);
        for (int i = 0; i < 6; i++) {
            assertEquals(v[i], merged[i] + chain.biases().get(0)[i], 1e-12);
        }
        org.lipreg.certify.ir.UnsupportedLayerException e = org.junit.jupiter.api.Assertions.assertThrows(
                org.lipreg.certify.ir.UnsupportedLayerException.class, () -> DenseChain.of(new org.lipreg.certify.ir.Network(
                        new int[] {3}, List.of(a, new org.lipreg.certify.ir.Layer.Residual(List.of(), List.of()), b))));
        assertTrue(e.getMessage().contains("#1 Residual"), e.getMessage());
    }

    @Test
    void theJacobianMatchesCentralDifferences() {
        Random random = new Random(5);
        for (HiddenActivation activation : List.of(HiddenActivation.GroupSort.MAX_MIN, new HiddenActivation.Relu(0.1))) {
            List<double[][]> weights = List.of(Chains.gaussian(random, 6, 3), Chains.gaussian(random, 4, 6),
                    Chains.gaussian(random, 2, 4));
            DenseChain chain = Chains.chain(random, weights, activation);
            double[] x = Chains.points(random, 1, 3)[0];
            double[][] jac = chain.jacobian(x);
            double h = 1e-6;
            for (int i = 0; i < 3; i++) {
                double[] plus = x.clone();
                double[] minus = x.clone();
                plus[i] += h;
                minus[i] -= h;
                double[] fp = forward(chain, plus);
                double[] fm = forward(chain, minus);
                for (int o = 0; o < 2; o++) {
                    assertEquals((fp[o] - fm[o]) / (2 * h), jac[o][i], 1e-6, activation + " output " + o + " input " + i);
                }
            }
        }
    }

    /** The network's output, written out independently of {@link DenseChain#jacobian}. */
    private static double[] forward(DenseChain chain, double[] x) {
        double[] z = x;
        for (int k = 0; k < chain.depth(); k++) {
            double[][] w = chain.weights().get(k);
            double[] v = new double[w.length];
            for (int i = 0; i < w.length; i++) {
                v[i] = chain.biases().get(k)[i] + dot(w[i], z);
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

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
