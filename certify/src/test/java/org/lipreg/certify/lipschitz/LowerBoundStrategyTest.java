package org.lipreg.certify.lipschitz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.lipreg.certify.RandomNetworks;
import org.lipreg.certify.ir.Layer;
import org.lipreg.certify.ir.Network;

import java.util.Random;

/**
 * The strategy is the certify command's lower bound: it must give, row for row, what the
 * command's own sequence gave before it moved here (sampled search, a region walk from the
 * sampled points, walks from the other rows' end points, the maximum of all and of the floor),
 * written out below with the same searches. And every value must be attained: the exact gradient
 * norm at a point of the box, never above the certified maximum (branch-and-bound run to
 * completion), never below the floor; branch-and-bound's witnesses raise it only to attained
 * values.
 */
class LowerBoundStrategyTest {

    private static final int MOVES = 100;
    private static final int CANDIDATES = 8;

    @Test
    void matchesTheSequenceItReplacesAndReportsOnlyAttainedNorms() {
        Random random = new Random(11);
        LowerBoundSearch search = new LowerBoundSearch(16, 2, 10, 3);
        LowerBoundStrategy strategy = new LowerBoundStrategy(search);
        for (int trial = 0; trial < 8; trial++) {
            Network network = RandomNetworks.mlp(random, new Layer.Relu(0), 2, 6, 6, 3);
            double[] x0 = {random.nextDouble(), random.nextDouble()};
            double[][] specs = trial % 2 == 0 ? LipschitzCertifier.outputSpecs(3) : LipschitzCertifier.marginSpecs(3, 1);
            try (LipschitzCertifier certifier = LipschitzCertifier.of(network)) {
                GraphOracle oracle = new GraphOracle(certifier.graph());
                InputBox small = InputBox.around(x0, 0.05, -1, 2);
                InputBox box = InputBox.around(x0, 0.5, -1, 2);
                LowerBound floor = strategy.search(oracle, certifier.graph(), small, specs, null);
                LowerBound found = strategy.search(oracle, certifier.graph(), box, specs, floor);

                double[] reference = previousSequence(search, certifier, box, specs);
                for (int s = 0; s < specs.length; s++) {
                    reference[s] = Math.max(reference[s], floor.perSpec()[s]);
                }
                assertArrayEquals(reference, found.perSpec(), 0, "trial " + trial + ": not the sequence it replaces");

                LipschitzBound exact = certifier.bound(box, specs, Method.BAB, new BabSettings(60, 1_000_000, 8));
                assertTrue(exact.complete(), "trial " + trial + ": branch-and-bound did not finish");
                assertAttained(oracle, box, specs, found, exact, "trial " + trial);
                for (int s = 0; s < specs.length; s++) {
                    assertTrue(found.perSpec()[s] >= floor.perSpec()[s], "trial " + trial + ": below its floor");
                }

                LowerBound raised = LowerBoundStrategy.raiseByWitnesses(oracle, exact, specs, found);
                assertAttained(oracle, box, specs, raised, exact, "trial " + trial + " witnesses");
                for (int s = 0; s < specs.length; s++) {
                    assertTrue(raised.perSpec()[s] >= found.perSpec()[s], "trial " + trial + ": witnesses lowered it");
                }
            }
        }
    }

    @Test
    void withoutAGraphItIsTheSampledSearch() {
        Random random = new Random(4);
        Network network = RandomNetworks.mlp(random, new Layer.Relu(0), 2, 5, 2);
        LowerBoundSearch search = new LowerBoundSearch(16, 2, 10, 3);
        try (LipschitzCertifier certifier = LipschitzCertifier.of(network)) {
            GraphOracle oracle = new GraphOracle(certifier.graph());
            InputBox box = InputBox.around(new double[] {0.3, 0.6}, 0.2, 0, 1);
            double[][] specs = LipschitzCertifier.outputSpecs(2);
            LowerBound found = new LowerBoundStrategy(search).search(oracle, null, box, specs, null);
            assertArrayEquals(search.search(oracle, box, specs).perSpec(), found.perSpec(), 0);
        }
    }

    /** What LipschitzJob computed before the strategy moved here, step for step. */
    private static double[] previousSequence(LowerBoundSearch search, LipschitzCertifier certifier, InputBox box,
            double[][] specs) {
        LowerBound sampled = search.search(new GraphOracle(certifier.graph()), box, specs);
        double[] lower = sampled.perSpec().clone();
        RegionWalk walk = new RegionWalk(certifier.graph(), MOVES, CANDIDATES);
        LowerBound first = walk.walk(box, specs, sampled.points());
        for (int s = 0; s < specs.length; s++) {
            lower[s] = Math.max(lower[s], first.perSpec()[s]);
        }
        for (int shift = 1; shift < specs.length; shift++) {
            double[][] starts = new double[specs.length][];
            for (int s = 0; s < specs.length; s++) {
                starts[s] = first.points()[(s + shift) % specs.length];
            }
            LowerBound again = walk.walk(box, specs, starts);
            for (int s = 0; s < specs.length; s++) {
                lower[s] = Math.max(lower[s], again.perSpec()[s]);
            }
        }
        return lower;
    }

    /** Each row's value is ‖∇(c·f)‖₁ at its point, the point lies in the box, the value is at most the maximum. */
    private static void assertAttained(GraphOracle oracle, InputBox box, double[][] specs, LowerBound found,
            LipschitzBound exact, String where) {
        for (int s = 0; s < specs.length; s++) {
            double[] x = found.points()[s];
            for (int i = 0; i < x.length; i++) {
                assertTrue(x[i] >= box.lower()[i] && x[i] <= box.upper()[i], where + ": outside the box");
            }
            double[] g = oracle.gradients(new double[][] {x}, new double[][] {specs[s]})[0];
            double norm = 0;
            for (double v : g) {
                norm += Math.abs(v);
            }
            assertEquals(norm, found.perSpec()[s], 1e-12, where + ": row " + s + " not attained at its point");
            assertTrue(found.perSpec()[s] <= exact.perSpec()[s] * (1 + 1e-9),
                    where + ": " + found.perSpec()[s] + " above the maximum " + exact.perSpec()[s]);
        }
    }
}
