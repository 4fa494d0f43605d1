package org.lipreg.certify.smoothing;

import java.util.List;

/**
 * Soft randomized smoothing: the smoothed classifier averages {@code φ(t·z(x + ε))} for a simplex
 * map φ at temperature t. Per class, the empirical-Bernstein bound at level α/K (a union bound
 * over the K classes) gives {@code p̲_A = μ_A − shift_A} and {@code p̄_B = max_{c≠A} μ_c + shift_c},
 * and the radius is {@code σ/2 (Φ⁻¹(p̲_A) − Φ⁻¹(p̄_B))}.
 *
 * <p>The map and temperature are chosen on the selection draw only; choosing them on the draw
 * that gives the bound (as public code does) makes the bound optimistic.
 */
public final class SoftSmoothing {

    private static final double SQRT_HALF_PI = Math.sqrt(Math.PI / 2);

    private SoftSmoothing() {}

    /**
     * Chooses the candidate and class whose radius, predicted from the selection draw with the
     * shift of the certification sample size, is largest.
     *
     * @param selection the n0 selection samples (at least 2)
     * @param certificationCount n, the size of the certification draw to come
     * @param sigma the noise level
     * @param alpha the miss probability
     * @return the choice
     */
    public static Selection select(SampleStatistics selection, long certificationCount, double sigma, double alpha) {
        List<SoftCandidate> candidates = selection.candidates();
        if (candidates.isEmpty()) {
            throw new IllegalArgumentException("soft smoothing needs at least one simplex map candidate");
        }
        int bestIndex = -1;
        int bestClass = 0;
        double bestRadius = Double.NEGATIVE_INFINITY;
        double bestGap = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < candidates.size(); i++) {
            int top = 0;
            for (int c = 1; c < selection.numClasses(); c++) {
                if (selection.mean(i, c) > selection.mean(i, top)) {
                    top = c;
                }
            }
            Bounds b = bounds(selection, i, top, certificationCount, alpha);
            double radius = b.radius(sigma);
            double gap = b.lower - b.upper;
            if (radius > bestRadius || (radius == bestRadius && gap > bestGap)) {
                bestIndex = i;
                bestClass = top;
                bestRadius = radius;
                bestGap = gap;
            }
        }
        return new Selection(SmoothingMethod.SOFT, bestClass, candidates.get(bestIndex), selection.drawId());
    }

    /**
     * Certifies the selection on a fresh draw.
     *
     * @param selection the choice, made on another draw
     * @param certification the n certification samples, with the chosen candidate accumulated
     * @param sigma the noise level
     * @param alpha the miss probability
     * @return the certificate (abstaining when {@code p̲_A ≤ p̄_B})
     */
    public static SmoothingCertificate certify(
            Selection selection, SampleStatistics certification, double sigma, double alpha) {
        Draws.requireIndependent(selection, certification);
        int index = certification.candidates().indexOf(selection.candidate());
        if (index < 0) {
            throw new IllegalArgumentException("the certification draw did not accumulate " + selection.candidate());
        }
        Bounds b = bounds(certification, index, selection.predicted(), certification.count(), alpha);
        SmoothingEvidence evidence = SmoothingEvidence.ofMeans(certification, index);
        if (!(b.lower > b.upper)) {
            return new SmoothingCertificate(SmoothingMethod.SOFT, selection.predicted(),
                    SmoothingCertificate.ABSTAIN, 0, b.lower, b.upper,
                    0, selection.candidate(), evidence);
        }
        return new SmoothingCertificate(SmoothingMethod.SOFT, selection.predicted(), selection.predicted(),
                b.radius(sigma), b.lower,
                b.upper, lipschitzRadius(b.lower, b.upper, sigma), selection.candidate(), evidence);
    }

    /**
     * The radius from the Lipschitz constant of the smoothed margin. A function h with values in
     * [−1, 1] smoothed by N(0, σ²I) has directional derivative {@code E[Z h(x + σZ u)]/σ ≤ E|Z|/σ
     * = sqrt(2/π)/σ} along any unit u, so the margin {@code H_A − H_c ≥ p̲_A − p̄_B} stays positive
     * within {@code σ sqrt(π/2) (p̲_A − p̄_B)}. It is never larger than the Φ⁻¹ radius.
     *
     * @param lower p̲_A
     * @param upper p̄_B
     * @param sigma σ
     * @return the radius (0 when the gap is not positive)
     */
    public static double lipschitzRadius(double lower, double upper, double sigma) {
        return Math.max(0, sigma * SQRT_HALF_PI * (lower - upper));
    }

    private static Bounds bounds(SampleStatistics draw, int candidate, int top, long n, double alpha) {
        double perClass = alpha / draw.numClasses();
        double lower = draw.mean(candidate, top)
                - EmpiricalBernstein.shift(draw.std(candidate, top), n, perClass);
        double upper = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < draw.numClasses(); c++) {
            if (c != top) {
                upper = Math.max(upper, draw.mean(candidate, c)
                        + EmpiricalBernstein.shift(draw.std(candidate, c), n, perClass));
            }
        }
        return new Bounds(Math.max(lower, 0), Math.min(upper, 1));
    }

    /** The two confidence bounds of one candidate and class. */
    private record Bounds(double lower, double upper) {

        double radius(double sigma) {
            if (!(lower > upper)) {
                return 0;
            }
            return sigma / 2 * (CohenSmoothing.probit(lower) - CohenSmoothing.probit(upper));
        }
    }
}
