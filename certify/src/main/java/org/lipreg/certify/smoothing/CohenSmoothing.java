package org.lipreg.certify.smoothing;

import org.apache.commons.statistics.distribution.BinomialDistribution;
import org.apache.commons.statistics.distribution.NormalDistribution;

/**
 * PREDICT and CERTIFY of Cohen, Rosenfeld &amp; Kolter (2019), on vote counts.
 */
public final class CohenSmoothing {

    private static final NormalDistribution STANDARD_NORMAL = NormalDistribution.of(0, 1);

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
        SmoothingEvidence evidence = SmoothingEvidence.ofVotes(certification.count(), k);
        if (pLower < 0.5) {
            return new SmoothingCertificate(SmoothingMethod.COHEN, selection.predicted(),
                    SmoothingCertificate.ABSTAIN, 0, pLower,
                    Double.NaN, Double.NaN, null, evidence);
        }
        double radius = sigma * STANDARD_NORMAL.inverseCumulativeProbability(pLower);
        return new SmoothingCertificate(SmoothingMethod.COHEN, selection.predicted(), selection.predicted(),
                radius, pLower,
                Double.NaN, Double.NaN, null, evidence);
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
        return tieTestPValue(draw.votes(top), second) <= alpha ? top : SmoothingCertificate.ABSTAIN;
    }

    /**
     * The two-sided p-value of "both classes are equally likely" after a and b votes: under
     * Binomial(a + b, 1/2) the outcomes at least as unlikely as the observed one are the two
     * tails beyond it, which are mirror images, so p = min(1, 2 P(X ≤ min(a, b))). Written out
     * rather than taken from a library test because the general two-sided tests decide which
     * mirrored outcome is "as unlikely" by comparing rounded probabilities and can drop the
     * whole other tail (Commons Math 3.6.1 and Commons Statistics 1.2 both do at 17 votes to 3).
     */
    static double tieTestPValue(long a, long b) {
        int n = Math.toIntExact(a + b);
        if (n == 0) {
            return 1;
        }
        return Math.min(1, 2 * BinomialDistribution.of(n, 0.5).cumulativeProbability(Math.toIntExact(Math.min(a, b))));
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
