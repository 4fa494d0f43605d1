package org.lipreg.certify.smoothing;

/**
 * The empirical-Bernstein deviation bound (Maurer &amp; Pontil 2009) for the mean of n i.i.d.
 * values in [0, 1]: with probability at least 1 − α, {@code |mean − μ| ≤ shift}, where
 * {@code shift = s sqrt(2 ln(2/α) / n) + 7 ln(2/α) / (3 (n − 1))} and s is the sample standard
 * deviation (n − 1 in the denominator).
 */
public final class EmpiricalBernstein {

    private EmpiricalBernstein() {}

    /**
     * Returns the two-sided deviation bound.
     *
     * @param std the sample standard deviation (unbiased variance's root)
     * @param n the number of values, at least 2
     * @param alpha the miss probability for this one mean
     * @return the shift
     */
    public static double shift(double std, long n, double alpha) {
        if (n < 2) {
            throw new IllegalArgumentException("the empirical-Bernstein bound needs n >= 2, got " + n);
        }
        double log = Math.log(2 / alpha);
        return std * Math.sqrt(2 * log / n) + 7 * log / (3.0 * (n - 1));
    }
}
