package org.lipreg.certify.lipschitz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.lipreg.certify.RandomNetworks;
import org.lipreg.certify.ir.Layer;
import org.lipreg.certify.ir.Network;

import java.util.Random;

/**
 * The region walk reports only what it attains: every norm is the exact gradient norm at its
 * point, the point lies in the box, the walk never ends below its start and never above the
 * certified maximum (branch-and-bound run to completion, itself checked against enumeration in
 * {@link BranchAndBoundExactnessTest}). And it is worth running: from the box's center, on
 * small networks with large boxes (dozens of regions), it reaches that maximum in 22 of 48 rows
 * where the center itself attains it in 3.
 */
class RegionWalkTest {

    @Test
    void walkReportsAttainedNormsAndClimbsToTheMaximum() {
        Random random = new Random(5);
        int trials = 24;
        int reached = 0;
        int centerReached = 0;
        for (int trial = 0; trial < trials; trial++) {
            Network network = RandomNetworks.mlp(random, new Layer.Relu(0), 2, 5, 5, 2);
            double[] x0 = {random.nextDouble(), random.nextDouble()};
            InputBox box = InputBox.around(x0, 0.6, -1, 2);
            double[][] specs = {{1, -1}, {0, 1}};
            try (LipschitzCertifier certifier = LipschitzCertifier.of(network)) {
                GraphOracle oracle = new GraphOracle(certifier.graph());
                LipschitzBound exact = certifier.bound(box, specs, Method.BAB, new BabSettings(60, 1_000_000, 8));
                assertTrue(exact.complete());
                double[][] centers = {box.center(), box.center()};
                double[][] start = oracle.gradients(centers, specs);
                LowerBound walked = new RegionWalk(certifier.graph(), 50, 4).walk(box, specs, new double[2][]);
                for (int s = 0; s < specs.length; s++) {
                    double[] x = walked.points()[s];
                    for (int i = 0; i < x.length; i++) {
                        assertTrue(x[i] >= box.lower()[i] && x[i] <= box.upper()[i], "trial " + trial + ": outside the box");
                    }
                    double[] g = oracle.gradients(new double[][] {x}, new double[][] {specs[s]})[0];
                    assertEquals(Math.abs(g[0]) + Math.abs(g[1]), walked.perSpec()[s], 1e-12, "trial " + trial + ": norm");
                    double centerNorm = Math.abs(start[s][0]) + Math.abs(start[s][1]);
                    assertTrue(walked.perSpec()[s] >= centerNorm, "trial " + trial + ": ended below its start");
                    assertTrue(walked.perSpec()[s] <= exact.perSpec()[s] * (1 + 1e-9),
                            "trial " + trial + ": " + walked.perSpec()[s] + " above the maximum " + exact.perSpec()[s]);
                    reached += walked.perSpec()[s] >= exact.perSpec()[s] * (1 - 1e-6) ? 1 : 0;
                    centerReached += centerNorm >= exact.perSpec()[s] * (1 - 1e-6) ? 1 : 0;
                }
            }
        }
        assertTrue(reached >= 2 * trials / 5, "the walk reached the maximum in only " + reached + " of " + 2 * trials + " rows (its start: " + centerReached + ")");
        assertTrue(reached > centerReached + trials / 4, "the walk (" + reached + ") barely beats its start (" + centerReached + ")");
    }
}
