package org.lipreg.certify.lipsdp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;

import java.io.InputStream;

import java.util.List;
import java.util.Random;

/** LipSDP on the residual-ReLU rewrite of MaxMin networks, the paper's baseline. */
class ResidualReluBaselineTest {

    @Test
    void orthogonalMaxMinIsOneWithThePairConstraintButNotWithTheResidualReluRewrite() {
        Random random = new Random(2);
        List<double[][]> weights = List.of(Chains.orthonormalRows(random, 6, 6), Chains.orthonormalRows(random, 6, 6),
                Chains.orthonormalRows(random, 6, 6));
        DenseChain chain = Chains.chain(random, weights, HiddenActivation.GroupSort.MAX_MIN);
        LipSdpResult pair = LipSdp.certify(chain, Chains.points(random, 50, 6));
        LipSdp.Baseline baseline = LipSdp.residualReluBaseline(chain, -1);
        assertEquals(1, pair.verifiedBound(), 1e-4);
        assertTrue(baseline.converged());
        // the rewrite forgets that the two ReLUs of a pair are tied: slopes (1, 1) give a pair the
        // Jacobian [[1, 0], [1, 0]] of norm √2, and LipSDP must cover every such slope choice
        double relaxed = largestOverSlopeChoices(chain);
        assertTrue(relaxed > 1.3, "slope choices reach only " + relaxed);
        assertTrue(baseline.bound() >= relaxed * (1 - 1e-9), baseline + " < " + relaxed);
        assertTrue(baseline.bound() > pair.verifiedBound() + 0.3, baseline + " vs " + pair);
    }

    /**
     * The largest {@code ‖J‖₂} over every choice of 0/1 slopes of the rewrite's ReLUs (pair (a, b):
     * {@code max = b + s_+(a − b)}, {@code min = b − s_−(b − a)}), by enumeration: each choice is a
     * linear map the residual-ReLU quadratic constraints admit, so the baseline is at least this.
     */
    private static double largestOverSlopeChoices(DenseChain chain) {
        int relus = 0;
        for (int k = 1; k < chain.depth(); k++) {
            relus += chain.width(k);
        }
        double best = 0;
        for (int mask = 0; mask < 1 << relus; mask++) {
            double[][] jac = DenseChain.identity(chain.width(0));
            int bit = 0;
            for (int k = 0; k < chain.depth(); k++) {
                jac = DenseChain.multiply(chain.weights().get(k), jac);
                if (k == chain.depth() - 1) {
                    break;
                }
                for (int a = 0; a < jac.length; a += 2) {
                    double plus = (mask >> bit++) & 1;
                    double minus = (mask >> bit++) & 1;
                    double[] va = jac[a];
                    double[] vb = jac[a + 1];
                    double[] max = new double[va.length];
                    double[] min = new double[va.length];
                    for (int j = 0; j < va.length; j++) {
                        max[j] = vb[j] + plus * (va[j] - vb[j]);
                        min[j] = vb[j] - minus * (vb[j] - va[j]);
                    }
                    jac[a] = max;
                    jac[a + 1] = min;
                }
            }
            best = Math.max(best, SpectralNorm.of(jac));
        }
        return best;
    }

    @Test
    void theBaselineMatchesCvxoptOnTheAuthorsLayerwiseForm() throws Exception {
        JsonNode root;
        try (InputStream in = getClass().getResourceAsStream("reference_residual_relu.json")) {
            root = new ObjectMapper().readTree(in);
        }
        assertEquals(3, root.path("networks").size());
        for (JsonNode net : root.path("networks")) {
            DenseChain chain = Chains.fromJson(net, HiddenActivation.GroupSort.MAX_MIN);
            LipSdp.Baseline baseline = LipSdp.residualReluBaseline(chain, -1);
            double reference = net.path("bound").asDouble();
            String where = baseline + " vs cvxopt " + reference;
            assertTrue(baseline.bound() >= reference - 1e-6, where);
            assertTrue(baseline.bound() <= reference * (1 + 1e-6), where);
        }
    }

    @Test
    void theBaselineIsSoundOnRandomNetworksInL2AndLinf() {
        Random random = new Random(7);
        for (int trial = 0; trial < 4; trial++) { // at most 6 + 4 ReLUs: 1024 slope choices
            int[] dims = {3 + random.nextInt(3), 2 * (2 + random.nextInt(2)), 2 * (2 + random.nextInt(1)),
                1 + random.nextInt(3)};
            List<double[][]> weights = List.of(Chains.gaussian(random, dims[1], dims[0]),
                    Chains.gaussian(random, dims[2], dims[1]), Chains.gaussian(random, dims[3], dims[2]));
            DenseChain chain = Chains.chain(random, weights, HiddenActivation.GroupSort.MAX_MIN);
            double[][] points = Chains.points(random, 300, dims[0]);
            LipSdpResult pair = LipSdp.certify(chain, points);
            LipSdp.Baseline l2 = LipSdp.residualReluBaseline(chain, -1);
            String where = "trial " + trial + ": " + l2 + " vs " + pair;
            assertTrue(l2.converged(), where);
            assertTrue(l2.bound() >= pair.lowerBound(), where);
            assertTrue(l2.bound() >= largestOverSlopeChoices(chain) * (1 - 1e-9), where);
            // the proven number sits on the solver's optimum: its certificate check passed
            CertificateCheck check = new CertificateCheck(LipSdpMatrix.residualReluBaseline(chain, -1));
            double[] x = new LipSdpSolver(1e-9, 2000).solve(LipSdpMatrix.residualReluBaseline(chain, -1)).x();
            assertTrue(check.holds(check.verify(x).x()), where);

            int output = random.nextInt(dims[3]);
            LipSdpResult linf = LipSdp.certifyLinf(chain, output, points);
            LipSdp.Baseline baselineLinf = LipSdp.residualReluBaseline(chain, output);
            where = "trial " + trial + " linf: " + baselineLinf + " vs " + linf;
            assertTrue(baselineLinf.bound() >= linf.lowerBound(), where);
        }
    }

    @Test
    void aNetworkWithReluLayersHasNoRewrite() {
        Random random = new Random(8);
        DenseChain chain = Chains.chain(random, List.of(Chains.gaussian(random, 4, 3), Chains.gaussian(random, 2, 4)),
                new HiddenActivation.Relu(0));
        assertNull(LipSdp.residualReluBaseline(chain, -1));
    }
}
