package org.lipreg.certify.smoothing;

import org.apache.commons.statistics.distribution.BinomialDistribution;

/**
 * Certified accuracy of a set of certificates: the fraction of points that are classified
 * correctly with a certified radius of at least r (abstentions count as wrong).
 */
public final class CertifiedAccuracy {

    private final boolean[] correct;
    private final double[] radius;

    /**
     * Wraps per-point results.
     *
     * @param correct whether each point's smoothed prediction is its label (false when abstaining)
     * @param radius each point's certified radius
     */
    public CertifiedAccuracy(boolean[] correct, double[] radius) {
        if (correct.length != radius.length || correct.length == 0) {
            throw new IllegalArgumentException("need the same, positive number of flags and radii, got "
                    + correct.length + " and " + radius.length);
        }
        this.correct = correct.clone();
        this.radius = radius.clone();
    }

    /**
     * Returns the number of points.
     *
     * @return m
     */
    public int size() {
        return correct.length;
    }

    /**
     * Returns the certified accuracy at a radius.
     *
     * @param r the radius
     * @return the fraction of points correct with radius ≥ r
     */
    public double at(double r) {
        int hits = 0;
        for (int i = 0; i < correct.length; i++) {
            if (correct[i] && radius[i] >= r) {
                hits++;
            }
        }
        return (double) hits / correct.length;
    }

    /**
     * Returns the average certified radius: the mean of the radius over points, counting wrong or
     * abstained points as 0.
     *
     * @return the ACR
     */
    public double averageRadius() {
        double sum = 0;
        for (int i = 0; i < correct.length; i++) {
            if (correct[i]) {
                sum += radius[i];
            }
        }
        return sum / correct.length;
    }

    /**
     * Returns a lower bound, holding with probability at least 1 − ρ over the certificates' noise,
     * on the certified accuracy at r that the smoothed classifier truly has on these m points (the
     * points themselves are fixed: evenly spaced through a test split, not sampled). A point counted
     * by {@link #at} is truly certified at r unless its certificate is wrong, which happens with
     * probability at most α, independently across points (each point has its own noise). The
     * number W of wrong certificates is therefore stochastically at most Binomial(m, α), and with
     * probability at least 1 − ρ it does not exceed that distribution's (1 − ρ)-quantile q, the
     * smallest q with {@code P(Binomial(m, α) > q) ≤ ρ}. The bound is {@code max(0, acc(r) − q/m)}:
     * exact, where Bernstein's or Hoeffding's inequality would add slack.
     *
     * @param r the radius
     * @param alpha the certificates' miss probability, in (0, 1)
     * @param rho the miss probability of this bound, in (0, 1)
     * @return the bound, in [0, 1]
     */
    public double highProbabilityAt(double r, double alpha, double rho) {
        if (!(alpha > 0 && alpha < 1) || !(rho > 0 && rho < 1)) {
            throw new IllegalArgumentException("alpha and rho must be in (0, 1), got " + alpha + " and " + rho);
        }
        int m = correct.length;
        int wrong = BinomialDistribution.of(m, alpha).inverseSurvivalProbability(rho);
        return Math.max(0, at(r) - (double) wrong / m);
    }
}
