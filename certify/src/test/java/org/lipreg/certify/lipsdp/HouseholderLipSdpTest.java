package org.lipreg.certify.lipsdp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.lipreg.certify.ir.Layer;
import org.lipreg.certify.ir.Network;

import java.util.List;
import java.util.Random;

/** LipSDP for the Householder activation: per pair Λ = λI + γ u⊥u⊥ᵀ. */
class HouseholderLipSdpTest {

    @Test
    void atMinusQuarterPiItIsMaxMinAndGetsTheMaxMinBound() {
        Random random = new Random(51);
        List<double[][]> weights = List.of(Chains.gaussian(random, 6, 4), Chains.gaussian(random, 4, 6),
                Chains.gaussian(random, 2, 4));
        DenseChain maxMin = Chains.chain(new Random(1), weights, HiddenActivation.GroupSort.MAX_MIN);
        DenseChain householder = Chains.chain(new Random(1), weights, new HiddenActivation.Householder(-Math.PI / 4));
        double[][] points = Chains.points(random, 100, 4);
        LipSdpResult a = LipSdp.certify(maxMin, points);
        LipSdpResult b = LipSdp.certify(householder, points);
        assertEquals(a.verifiedBound(), b.verifiedBound(), 1e-6 * a.verifiedBound(), a + " vs " + b);
        assertEquals(a.lowerBound(), b.lowerBound(), 1e-9 * a.lowerBound());
    }

    @Test
    void orthogonalWeightsAreCertifiedOneLipschitzAtAnyAngle() {
        Random random = new Random(52);
        List<double[][]> weights = List.of(Chains.orthonormalRows(random, 6, 6), Chains.orthonormalRows(random, 6, 6),
                Chains.orthonormalRows(random, 3, 6));
        LipSdpResult r = LipSdp.certify(Chains.chain(random, weights, new HiddenActivation.Householder(0.4)),
                Chains.points(random, 50, 6));
        assertEquals(1, r.verifiedBound(), 1e-4);
    }

    @Test
    void oneHiddenLayerWithAnInvertibleFirstLayerMatchesTheBruteForceMaximum() {
        Random random = new Random(53);
        for (int trial = 0; trial < 3; trial++) {
            double angle = 2 * Math.PI * random.nextDouble();
            int width = 6;
            List<double[][]> weights = List.of(Chains.gaussian(random, width, width), Chains.gaussian(random, 3, width));
            DenseChain chain = Chains.chain(random, weights, new HiddenActivation.Householder(angle));
            // v = W_1x + b takes every value: each pair is kept or reflected independently, and the
            // Lipschitz constant is the largest ‖W_2 D W_1‖ over the 2³ choices
            double exact = 0;
            double c = Math.cos(angle);
            double s = Math.sin(angle);
            for (int mask = 0; mask < 1 << (width / 2); mask++) {
                double[][] d = DenseChain.multiply(DenseChain.identity(width), weights.get(0));
                for (int p = 0; p < width / 2; p++) {
                    if ((mask >> p & 1) == 1) {
                        for (int j = 0; j < width; j++) {
                            double along = c * d[2 * p][j] + s * d[2 * p + 1][j];
                            d[2 * p][j] -= 2 * along * c;
                            d[2 * p + 1][j] -= 2 * along * s;
                        }
                    }
                }
                exact = Math.max(exact, SpectralNorm.of(DenseChain.multiply(weights.get(1), d)));
            }
            LipSdpResult r = LipSdp.certify(chain, Chains.points(random, 200, width));
            String where = "θ = " + angle + ": " + r + " vs brute force " + exact;
            assertTrue(r.converged(), where);
            assertTrue(r.verifiedBound() >= exact * (1 - 1e-9), where);
            assertTrue(r.lowerBound() <= exact * (1 + 1e-9), where);
            assertTrue(r.verifiedBound() <= r.productBound() * (1 + 1e-9), where);
        }
    }

    @Test
    void randomNetworksLieBetweenTheSampledLowerBoundAndTheProductBoundInL2AndLinf() {
        Random random = new Random(54);
        for (int trial = 0; trial < 3; trial++) {
            double angle = 2 * Math.PI * random.nextDouble();
            List<double[][]> weights = List.of(Chains.gaussian(random, 6, 4), Chains.gaussian(random, 4, 6),
                    Chains.gaussian(random, 2, 4));
            DenseChain chain = Chains.chain(random, weights, new HiddenActivation.Householder(angle));
            double[][] points = Chains.points(random, 300, 4);
            LipSdpResult r = LipSdp.certify(chain, points);
            assertTrue(r.lowerBound() > 0 && r.lowerBound() <= r.verifiedBound(), r.toString());
            assertTrue(r.verifiedBound() <= r.productBound() * (1 + 1e-9), r.toString());
            LipSdpResult linf = LipSdp.certifyLinf(chain, 1, points);
            assertTrue(linf.lowerBound() <= linf.verifiedBound(), linf.toString());
            assertTrue(linf.verifiedBound() <= linf.productBound() * (1 + 1e-9), linf.toString());
        }
    }

    @Test
    void theLinfNormOfTheReflectionIsTheLargestOverTheCubesVertices() {
        for (double angle = -3; angle < 3; angle += 0.37) {
            double c = Math.cos(angle);
            double s = Math.sin(angle);
            double best = 1; // the kept piece, the identity
            for (double[] x : new double[][] {{1, 1}, {1, -1}, {-1, 1}, {-1, -1}}) {
                double along = c * x[0] + s * x[1];
                best = Math.max(best, Math.max(Math.abs(x[0] - 2 * along * c), Math.abs(x[1] - 2 * along * s)));
            }
            assertEquals(best, new Layer.Householder(angle).linfNorm(), 1e-12, "θ = " + angle);
        }
    }

    @Test
    void theIrLayerIsReadAndTheJacobianMatchesCentralDifferences() {
        Random random = new Random(55);
        Layer.Dense first = org.lipreg.certify.RandomNetworks.dense(random, 3, 6);
        Layer.Dense last = org.lipreg.certify.RandomNetworks.dense(random, 6, 2);
        double angle = 1.3;
        DenseChain chain = DenseChain.of(new Network(new int[] {3}, List.of(first, new Layer.Householder(angle), last)));
        assertEquals(new HiddenActivation.Householder(angle), chain.activations().get(0));
        double[] x = Chains.points(random, 1, 3)[0];
        double[][] jac = chain.jacobian(x);
        double h = 1e-6;
        for (int i = 0; i < 3; i++) {
            double[] plus = x.clone();
            double[] minus = x.clone();
            plus[i] += h;
            minus[i] -= h;
            double[] fp = forward(first, angle, last, plus);
            double[] fm = forward(first, angle, last, minus);
            for (int o = 0; o < 2; o++) {
                assertEquals((fp[o] - fm[o]) / (2 * h), jac[o][i], 1e-6);
            }
        }
    }

    /** dense, Householder, dense by plain loops: a pair is reflected when (cos θ, sin θ)ᵀz ≤ 0. */
    private static double[] forward(Layer.Dense first, double angle, Layer.Dense last, double[] x) {
        double[] v = dense(first, x);
        for (int a = 0; a < v.length; a += 2) {
            double along = Math.cos(angle) * v[a] + Math.sin(angle) * v[a + 1];
            if (along <= 0) {
                v[a] -= 2 * along * Math.cos(angle);
                v[a + 1] -= 2 * along * Math.sin(angle);
            }
        }
        return dense(last, v);
    }

    private static double[] dense(Layer.Dense d, double[] x) {
        int out = d.weight().dim(0);
        double[] y = new double[out];
        for (int i = 0; i < out; i++) {
            y[i] = d.bias().data()[i];
            for (int j = 0; j < x.length; j++) {
                y[i] += d.weight().data()[i * x.length + j] * x[j];
            }
        }
        return y;
    }
}
