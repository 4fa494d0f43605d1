package org.lipreg.certify.smoothing;

import org.apache.commons.statistics.distribution.BetaDistribution;

/** The one-sided Clopper–Pearson lower confidence bound of a binomial proportion. */
public final class ClopperPearson {

    private ClopperPearson() {}

    /**
     * Returns {@code Beta⁻¹(α; k, n − k + 1)}: with probability at least 1 − α over the n
     * trials, the true success probability is at least this value.
     *
     * @param k successes, 0 ≤ k ≤ n
     * @param n trials, n ≥ 1
     * @param alpha the miss probability, in (0, 1)
     * @return the lower bound (0 when k = 0)
     */
    public static double lower(long k, long n, double alpha) {
        if (n < 1 || k < 0 || k > n) {
            throw new IllegalArgumentException("need 0 <= k <= n and n >= 1, got k=" + k + ", n=" + n);
        }
        if (!(alpha > 0 && alpha < 1)) {
            throw new IllegalArgumentException("alpha must be in (0, 1), got " + alpha);
        }
        if (k == 0) {
            return 0;
        }
        if (k == n) {
            // Closed form of Beta⁻¹(α; n, 1), exact where the root finder is slowest.
            return Math.pow(alpha, 1.0 / n);
        }
        return BetaDistribution.of(k, n - k + 1).inverseCumulativeProbability(alpha);
    }
}
