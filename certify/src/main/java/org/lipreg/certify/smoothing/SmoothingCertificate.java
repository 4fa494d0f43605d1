package org.lipreg.certify.smoothing;

/**
 * The certificate of one input under one method.
 *
 * @param method the method
 * @param selected the class chosen on the selection draw (set even when abstaining: the bounds
 *     below are about it)
 * @param predicted the smoothed prediction, or {@link #ABSTAIN}
 * @param radius the certified ℓ2 radius (0 when abstaining)
 * @param pLower the lower confidence bound of the top class's (soft) probability
 * @param pUpper the upper bound of the runner-up's (soft) probability (NaN for Cohen, whose
 *     radius uses 1 − pLower)
 * @param lipschitzRadius the radius from the smoothed margin's Lipschitz constant (soft only,
 *     else NaN)
 * @param candidate the simplex map and temperature used (soft only, else null)
 * @param evidence the counts, means and standard deviations the bounds were computed from
 */
public record SmoothingCertificate(
        SmoothingMethod method,
        int selected,
        int predicted,
        double radius,
        double pLower,
        double pUpper,
        double lipschitzRadius,
        SoftCandidate candidate,
        SmoothingEvidence evidence) {

    /** The prediction of a point the smoothed classifier abstains on. */
    public static final int ABSTAIN = -1;

    /**
     * Returns whether the classifier abstained.
     *
     * @return true when no class is certified
     */
    public boolean abstained() {
        return predicted == ABSTAIN;
    }
}
