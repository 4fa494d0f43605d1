package org.lipreg.certify.smoothing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.commons.statistics.distribution.BinomialDistribution;
import org.junit.jupiter.api.Test;

class ClopperPearsonTest {

    @Test
    void matchesTheDesignTestVectors() {
        assertEquals(0.9889893, ClopperPearson.lower(99_000, 100_000, 0.001), 5e-7);
        assertEquals(0.595201, ClopperPearson.lower(60_000, 100_000, 0.001), 5e-6);
        double abstain = ClopperPearson.lower(520, 1000, 0.001);
        assertEquals(0.4706745, abstain, 5e-7);
        assertTrue(abstain < 0.5, "520/1000 must abstain");
    }

    @Test
    void maximumRadiusWithOneHundredThousandSamplesIs3Point8115Sigma() {
        double p = ClopperPearson.lower(100_000, 100_000, 0.001);
        assertEquals(3.8115, CohenSmoothing.probit(p), 5e-5);
    }

    /** The bound is the p at which seeing k or more successes has probability exactly α. */
    @Test
    void solvesTheBinomialTailEquation() {
        int[][] cases = {{1, 10}, {7, 10}, {50, 100}, {999, 1000}, {3, 5000}, {4200, 5000}};
        for (double alpha : new double[] {0.001, 0.05, 0.3}) {
            for (int[] c : cases) {
                double p = ClopperPearson.lower(c[0], c[1], alpha);
                double tail = BinomialDistribution.of(c[1], p).survivalProbability(c[0] - 1);
                assertEquals(alpha, tail, 1e-7 * Math.max(1, alpha * 100), "k=" + c[0] + " n=" + c[1]);
            }
        }
    }

    @Test
    void edgeCasesAndBadArguments() {
        assertEquals(0, ClopperPearson.lower(0, 10, 0.05));
        assertEquals(Math.pow(0.05, 0.1), ClopperPearson.lower(10, 10, 0.05), 1e-15);
        assertThrows(IllegalArgumentException.class, () -> ClopperPearson.lower(11, 10, 0.05));
        assertThrows(IllegalArgumentException.class, () -> ClopperPearson.lower(1, 10, 0));
    }
}
