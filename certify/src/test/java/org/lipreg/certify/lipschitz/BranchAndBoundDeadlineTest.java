package org.lipreg.certify.lipschitz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.lipreg.certify.RandomNetworks;
import org.lipreg.certify.ir.Layer;
import org.lipreg.certify.ir.Network;

import java.util.Random;
import java.util.function.LongSupplier;

/**
 * Branch-and-bound's time budget on a clock that advances one millisecond each time it is read
 * (no wall clock): a run must stop at the first check after its deadline, wherever in a batch
 * that check falls (a domain's forward bounds, its split constraints' steps, its gradient
 * bounds, a leaf's linear program), and what it returns must still bound each function's exact
 * maximum (enumerated as in {@link BranchAndBoundExactnessTest}).
 */
class BranchAndBoundDeadlineTest {

    /** Reads 0 ms, 1 ms, 2 ms, …: reading n is n ms. */
    private static final class TickingClock implements LongSupplier {
        int readings;

        @Override
        public long getAsLong() {
            return readings++ * 1_000_000L;
        }
    }

    /** A budget that runs out between the readings {@code ms − 1} and {@code ms}. */
    private static BabSettings budget(double ms) {
        return new BabSettings((ms - 0.5) * 1e-3, 1_000_000, 8);
    }

    @Test
    void aRunStopsAtTheFirstCheckAfterItsDeadlineWithSoundBounds() {
        Network network = RandomNetworks.mlp(new Random(3), new Layer.Relu(0), 2, 5, 5, 2);
        InputBox box = InputBox.around(new double[] {0.4, 0.6}, 0.6, -1, 2);
        double[][] specs = LipschitzCertifier.outputSpecs(2);
        double[] exact = BranchAndBoundExactnessTest.enumerate(network, box, specs);
        double[] none = new double[specs.length];
        try (LipschitzCertifier certifier = LipschitzCertifier.of(network)) {
            double[] crown = certifier.bound(box, specs, Method.CROWN).perSpec();
            TickingClock uncut = new TickingClock();
            LipschitzBound full = certifier.bound(box, specs, Method.BAB, budget(1e9), none, uncut);
            assertTrue(full.complete(), "the uncut run did not finish");
            assertTrue(full.maxComplete(), "a finished run does not call its maximum settled");
            int readings = uncut.readings; // the deadline's start, then every check of the run
            assertTrue(full.domains() > 8 && crown[0] > exact[0] * 1.01,
                    "the network needs too little branching to test a deadline: " + full.domains() + " domains");

            // The first check is inside the starting CROWN bound, which counts against the budget
            // too: it is abandoned, every function gets the interval bound and no domain counts.
            double[] ibp = certifier.bound(box, specs, Method.IBP).perSpec();
            TickingClock first = new TickingClock();
            LipschitzBound atOnce = certifier.bound(box, specs, Method.BAB, budget(1), none, first);
            assertEquals(2, first.readings, "the clock was read after the deadline had passed");
            assertEquals(0, atOnce.domains(), "the first batch was finished after the deadline had passed");
            assertArrayEquals(ibp, atOnce.perSpec());
            assertFalse(atOnce.maxComplete(), "the interval bound, above the exact maximum, called settled");

            // Deadlines spread over the run (on this network they fall in forward bounds, split
            // constraints' steps, gradient bounds and leaves' linear programs).
            int budgets = 0;
            for (int ms = 1; ms < readings; ms += Math.max(1, readings / 12)) {
                TickingClock clock = new TickingClock();
                LipschitzBound cut = certifier.bound(box, specs, Method.BAB, budget(ms), none, clock);
                String where = "deadline at reading " + ms + " of " + readings;
                assertEquals(ms + 1, clock.readings, where + ": the clock was read after the deadline had passed");
                assertFalse(cut.complete(), where + ": an interrupted run claims to be complete");
                assertTrue(cut.domains() <= full.domains(), where);
                double exactMax = Math.max(exact[0], exact[1]);
                if (cut.maxComplete()) { // then its maximum must be the exact one
                    assertEquals(exactMax, cut.max(), 1e-9 * exactMax, where + ": a settled maximum is not exact");
                }
                for (int s = 0; s < specs.length; s++) {
                    assertTrue(cut.perSpec()[s] >= exact[s] * (1 - 1e-9), where + ", output " + s + ": "
                            + cut.perSpec()[s] + " below the exact maximum " + exact[s]);
                    // Cut inside the starting CROWN bound, the interval bound stands; after it, no
                    // function's bound is above CROWN's.
                    double ceiling = cut.domains() == 0 ? Math.max(crown[s], ibp[s]) : crown[s];
                    assertTrue(cut.perSpec()[s] <= ceiling, where + ", output " + s + ": above " + ceiling);
                }
                budgets++;
            }
            assertTrue(budgets >= 10, "too few cut points: " + budgets);
        }
    }
}
