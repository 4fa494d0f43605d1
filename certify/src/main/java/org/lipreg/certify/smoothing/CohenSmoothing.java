package org.lipreg.certify.smoothing;

import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.commons.math3.stat.inference.AlternativeHypothesis;
import org.apache.commons.math3.stat.inference.BinomialTest;

/**
 * PREDICT and CERTIFY of Cohen, Rosenfeld &amp; Kolter (2019), on vote counts.
 */
public final class CohenSmoothing {

    private static final NormalDistribution STANDARD_NORMAL = new NormalDistribution(null, 0, 1);

    private CohenSmoothing() {}

    /**
     * Picks the class to certify: the most frequent vote of the selection draw.
     *
     * @param selection the n0 selection samples
     * @return the selection
     */
    public static Selection select(SampleStatistics selection) {
        return new Selection(SmoothingMethod.COHEN, selection.topClass(), null, selection.drawId());
    }

    /**
     * Certifies the selected class on a fresh draw: {@code p_A ≥ Beta⁻¹(α; k, n − k + 1)} and
     * {@code R = σ Φ⁻¹(p_A)}, or abstains when that bound is below 1/2.
     *
     * @param selection the choice, made on another draw
     * @param certification the n certification samples
     * @param sigma the noise level
     * @param alpha the miss probability
     * @return the certificate
     * @throws IllegalArgumentException if the certification samples are the selection samples
     */
    public static SmoothingCertificate certify(
            Selection selection, SampleStatistics certification, double sigma, double alpha) {
        Draws.requireIndependent(selection, certification);
        long k = certification.votes(selection.predicted());
        double pLower = ClopperPearson.lower(k, certification.count(), alpha);
        if (pLower < 0.5) {
            return new SmoothingCertificate(SmoothingMethod.COHEN, selection.predicted(),
                    SmoothingCertificate.ABSTAIN, 0, pLower,
                    Double.NaN, Double.NaN, null);
        }
        double radius = sigma * STANDARD_NORMAL.inverseCumulativeProbability(pLower);
        return new SmoothingCertificate(SmoothingMethod.COHEN, selection.predicted(), selection.predicted(),
                radius, pLower,
                Double.NaN, Double.NaN, null);
    }

    /**
     * PREDICT: the top class if a two-sided binomial test rejects a tie between the top two
     * counts at level α, else {@link SmoothingCertificate#ABSTAIN}. The wrong class is returned
     * with probability at most α.
     *
     * @param draw the n samples
     * @param alpha the level
     * @return the class or ABSTAIN
     */
    public static int predict(SampleStatistics draw, double alpha) {
        int top = draw.topClass();
        long second = 0;
        for (int c = 0; c < draw.numClasses(); c++) {
            if (c != top) {
                second = Math.max(second, draw.votes(c));
            }
        }
        long nA = draw.votes(top);
        double p = new BinomialTest().binomialTest(
                Math.toIntExact(nA + second), Math.toIntExact(nA), 0.5, AlternativeHypothesis.TWO_SIDED);
        return p <= alpha ? top : SmoothingCertificate.ABSTAIN;
    }

    /**
     * Returns Φ⁻¹(p) of the standard normal.
     *
     * @param p a probability
     * @return the quantile
     */
    static double probit(double p) {
        return STANDARD_NORMAL.inverseCumulativeProbability(p);
    }
}
