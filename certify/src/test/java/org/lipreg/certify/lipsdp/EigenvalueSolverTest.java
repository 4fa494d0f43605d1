package org.lipreg.certify.lipsdp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

class EigenvalueSolverTest {

    @Test
    void theSmoothedObjectiveHasTheGradientOfCentralDifferences() {
        Random random = new Random(11);
        // 5 → 6 → 4 → 3 (right Gram on layer 1, left Grams after) and 8 → 4 → 6 → 2
        for (int[] dims : new int[][] {{5, 6, 4, 3}, {8, 4, 6, 2}}) {
            List<double[][]> weights = List.of(Chains.gaussian(random, dims[1], dims[0]),
                    Chains.gaussian(random, dims[2], dims[1]), Chains.gaussian(random, dims[3], dims[2]));
            MaxMinScaling problem = new MaxMinScaling(Chains.chain(random, weights, HiddenActivation.GroupSort.MAX_MIN));
            double[] s = new double[problem.dimension()];
            for (int i = 0; i < s.length; i++) {
                s[i] = 0.5 * random.nextGaussian();
            }
            for (double p : new double[] {1, 7}) {
                double[] g = problem.evaluate(s, p, true).gradient();
                double h = 1e-6;
                for (int i = 0; i < s.length; i++) {
                    double[] plus = s.clone();
                    double[] minus = s.clone();
                    plus[i] += h;
                    minus[i] -= h;
                    double fd = (problem.evaluate(plus, p, false).smoothed() - problem.evaluate(minus, p, false).smoothed())
                            / (2 * h);
                    assertEquals(fd, g[i], 1e-6, "p " + p + " shape " + i);
                }
            }
        }
    }

    @Test
    void theExactObjectiveIsTheLeastRhoOfItsMultipliers() {
        // F(s) is log of the ρ at which the block inequalities hold with the multipliers of s:
        // the check accepts ρ·(1 + 1e-6) and rejects ρ·(1 − 1e-6).
        Random random = new Random(12);
        List<double[][]> weights = List.of(Chains.gaussian(random, 6, 5), Chains.gaussian(random, 4, 6),
                Chains.gaussian(random, 2, 4));
        DenseChain chain = Chains.chain(random, weights, HiddenActivation.GroupSort.MAX_MIN);
        MaxMinScaling problem = new MaxMinScaling(chain);
        double[] s = new double[problem.dimension()];
        for (int i = 0; i < s.length; i++) {
            s[i] = 0.3 * random.nextGaussian();
        }
        MaxMinScaling.Evaluation e = problem.evaluate(s, 1, false);
        double[] x = problem.multipliers(s, e.layerMax(), 1e-6);
        CertificateCheck check = new CertificateCheck(new LipSdpMatrix(chain));
        assertTrue(check.holds(x));
        double rho = Math.exp(e.logRho());
        // each block was given 1e-6 of room; with ρ at the bare product the first block is tight
        x[0] = rho * (1 - 1e-6);
        assertTrue(!check.holds(x));
        assertEquals(Math.exp(e.logRho()) * Math.pow(1 + 1e-6, 3), problem.multipliers(s, e.layerMax(), 1e-6)[0],
                1e-12 * rho);
    }

    @Test
    void firstOrderBoundsAgreeWithNewtonOnRandomMaxMinNetworks() {
        Random random = new Random(13);
        for (int trial = 0; trial < 4; trial++) {
            int[] dims = {3 + random.nextInt(6), 2 * (2 + random.nextInt(4)), 2 * (2 + random.nextInt(4)),
                1 + random.nextInt(3)};
            List<double[][]> weights = List.of(Chains.gaussian(random, dims[1], dims[0]),
                    Chains.gaussian(random, dims[2], dims[1]), Chains.gaussian(random, dims[3], dims[2]));
            DenseChain chain = Chains.chain(random, weights, HiddenActivation.GroupSort.MAX_MIN);
            double[][] points = Chains.points(random, 100, dims[0]);
            LipSdpResult newton = LipSdp.certify(chain, points, LipSdp.Solver.NEWTON);
            LipSdpResult first = LipSdp.certify(chain, points, LipSdp.Solver.FIRST_ORDER);
            String where = "trial " + trial + ": " + newton + " vs " + first;
            assertEquals(LipSdp.Solver.FIRST_ORDER, first.solver());
            // both are proofs, so neither lies below the optimum (which Newton finds to ~1e-9)
            assertTrue(first.verifiedBound() >= newton.optimizerBound() * (1 - 1e-7), where);
            assertTrue(first.verifiedBound() <= newton.verifiedBound() * (1 + 1e-3), where);
            assertTrue(first.lowerBound() <= first.verifiedBound(), where);
            assertTrue(first.verifiedBound() <= first.productBound() * (1 + 1e-9), where);
        }
    }

    @Test
    void orthogonalMaxMinIsOneLipschitzForTheFirstOrderSolverToo() {
        Random random = new Random(14);
        List<double[][]> weights = List.of(Chains.orthonormalRows(random, 8, 8), Chains.orthonormalRows(random, 8, 8),
                Chains.orthonormalRows(random, 4, 8));
        LipSdpResult r = LipSdp.certify(Chains.chain(random, weights, HiddenActivation.GroupSort.MAX_MIN), new double[0][],
                LipSdp.Solver.FIRST_ORDER);
        assertEquals(1, r.verifiedBound(), 1e-4);
    }

    @Test
    void theAutomaticChoiceFollowsTheRule() {
        Random random = new Random(15);
        DenseChain small = Chains.chain(random, List.of(Chains.gaussian(random, 6, 4), Chains.gaussian(random, 2, 6)),
                HiddenActivation.GroupSort.MAX_MIN);
        DenseChain wide = Chains.chain(random, List.of(Chains.gaussian(random, 2 * LipSdp.NEWTON_LIMIT, 4),
                Chains.gaussian(random, 2, 2 * LipSdp.NEWTON_LIMIT)), HiddenActivation.GroupSort.MAX_MIN);
        DenseChain wideRelu = Chains.chain(random, List.of(Chains.gaussian(random, 2 * LipSdp.NEWTON_LIMIT, 4),
                Chains.gaussian(random, 2, 2 * LipSdp.NEWTON_LIMIT)), new HiddenActivation.Relu(0));
        assertEquals(LipSdp.Solver.NEWTON, LipSdp.choose(small, new LipSdpMatrix(small), LipSdp.Solver.AUTO));
        assertEquals(LipSdp.Solver.FIRST_ORDER, LipSdp.choose(wide, new LipSdpMatrix(wide), LipSdp.Solver.AUTO));
        assertEquals(LipSdp.Solver.NEWTON, LipSdp.choose(wideRelu, new LipSdpMatrix(wideRelu), LipSdp.Solver.AUTO));
        assertThrows(IllegalArgumentException.class,
                () -> LipSdp.choose(wideRelu, new LipSdpMatrix(wideRelu), LipSdp.Solver.FIRST_ORDER));
    }
}
