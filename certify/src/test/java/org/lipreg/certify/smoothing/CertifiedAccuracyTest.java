package org.lipreg.certify.smoothing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

/**
 * {@code acc_lower}: the bound on the true certified accuracy of m fixed points against the
 * exact binomial worst case, where every wrong certificate (probability p ≤ α each,
 * independently) is one that was counted.
 */
class CertifiedAccuracyTest {

    private static final double ALPHA = 0.001;
    private static final double RHO = 0.001;

    /**
     * For every m up to 10,000 and a grid of true miss probabilities p ≤ α, the bound fails only
     * when more than m·(acc − bound) certificates are wrong; that must have probability ≤ ρ. One
     * wrong certificate fewer must not be enough at p = α (the bound is the exact quantile, not a
     * loose one). The old Bernstein form failed from m ≈ 2,000 on.
     */
    @Test
    void holdsWithTheStatedConfidenceAgainstTheExactBinomialTail() {
        for (int m = 1; m <= 10_000; m++) {
            double bound = allCorrect(m).highProbabilityAt(0, ALPHA, RHO);
            // Wrong certificates the bound tolerates (the 1e-9 only absorbs rounding of q/m).
            long tolerated = (long) Math.floor(m * (1 - bound) + 1e-9);
            for (int step = 1; step <= 10; step++) {
                double p = ALPHA * step / 10;
                double failure = binomialTailAbove(m, p, tolerated);
                // 1e-12: float64 rounding of the sum (at m = 1, p = α the tail is exactly ρ).
                assertTrue(failure <= RHO * (1 + 1e-12), "m = " + m + ", p = " + p + ": fails with probability " + failure);
            }
            if (tolerated > 0) {
                double tighter = binomialTailAbove(m, ALPHA, tolerated - 1);
                assertTrue(tighter > RHO, "m = " + m + ": " + (tolerated - 1) + " would do (" + tighter + ")");
            }
        }
    }

    @Test
    void isClampedAtZeroAndCountsOnlyCertifiedPoints() {
        CertifiedAccuracy none = new CertifiedAccuracy(new boolean[50], new double[50]);
        assertEquals(0, none.highProbabilityAt(0, ALPHA, RHO));
        // 4 points, 3 certified at 0: P(Bin(4, 0.001) > 0) ≈ 0.004 > ρ, P(> 1) ≈ 6e-6 ≤ ρ, so one
        // wrong certificate is allowed for: 3/4 − 1/4.
        CertifiedAccuracy four = new CertifiedAccuracy(new boolean[] {true, true, false, true}, new double[] {0.5, 0.1, 2, 0});
        assertEquals(0.5, four.highProbabilityAt(0, ALPHA, RHO), 1e-15);
        assertEquals(0, four.highProbabilityAt(0.25, ALPHA, RHO), 1e-15);
    }

    private static CertifiedAccuracy allCorrect(int m) {
        boolean[] correct = new boolean[m];
        Arrays.fill(correct, true);
        return new CertifiedAccuracy(correct, new double[m]);
    }

    /** P(Binomial(m, p) > x), summed term by term in float64 from the recurrence of the pmf. */
    private static double binomialTailAbove(int m, double p, long x) {
        double logPmf = m * Math.log1p(-p);
        double ratio = Math.log(p) - Math.log1p(-p);
        double tail = 0;
        for (int j = 0; j <= m; j++) {
            if (j > x) {
                double term = Math.exp(logPmf);
                tail += term;
                if (j > m * p && term < 1e-20 * tail) {
                    break;
                }
            }
            // log pmf(j + 1) = log pmf(j) + log((m − j)/(j + 1)) + log(p/(1 − p))
            logPmf += Math.log((double) (m - j) / (j + 1)) + ratio;
        }
        return tail;
    }
}
