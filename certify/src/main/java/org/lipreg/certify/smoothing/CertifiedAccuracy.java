package org.lipreg.certify.smoothing;

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
     * Returns a lower bound, holding with probability at least 1 − ρ, on the certified accuracy
     * the smoothed classifier truly has at r on the population the points were drawn from: each
     * certificate is wrong with probability at most α, and Bernstein's inequality bounds the
     * average over m points: {@code acc(r) − α − sqrt(α(1−α) ln(1/ρ)/m) − ln(1/ρ)/(3m)}.
     *
     * @param r the radius
     * @param alpha the certificates' miss probability
     * @param rho the miss probability of this bound
     * @return the bound (may be negative)
     */
    public double highProbabilityAt(double r, double alpha, double rho) {
        int m = correct.length;
        double log = Math.log(1 / rho);
        return at(r) - alpha - Math.sqrt(alpha * (1 - alpha) * log / m) - log / (3.0 * m);
    }
}
