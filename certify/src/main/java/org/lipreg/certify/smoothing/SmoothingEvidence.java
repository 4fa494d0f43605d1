package org.lipreg.certify.smoothing;

import java.util.Arrays;
import java.util.Objects;

/**
 * The numbers a smoothing certificate was computed from, so that anyone can check it from them
 * alone (with σ, α and the method): for Cohen, the votes k of the selected class among the n
 * certification samples ({@code p̲_A = Beta⁻¹(α; k, n − k + 1)}); for soft smoothing, every
 * class's sample mean and standard deviation of the chosen map's outputs over the n samples
 * ({@code p̲_A} and {@code p̄_B} are empirical-Bernstein bounds on them at level α/K).
 *
 * @param samples n, the size of the certification draw
 * @param votes k, the certification draw's votes for the selected class (Cohen; −1 for soft)
 * @param means per class, the mean of the chosen map's outputs (soft; empty for Cohen)
 * @param stds per class, their sample standard deviation, n − 1 in the denominator (soft; empty
 *     for Cohen)
 */
public record SmoothingEvidence(long samples, long votes, double[] means, double[] stds) {

    /**
     * Copies the arrays, so that a certificate cannot change after the fact.
     *
     * @param samples n, the size of the certification draw
     * @param votes k, the certification draw's votes for the selected class (Cohen; −1 for soft)
     * @param means per class, the mean of the chosen map's outputs (soft; empty for Cohen)
     * @param stds per class, their sample standard deviation, n − 1 in the denominator (soft; empty
     *     for Cohen)
     */
    public SmoothingEvidence {
        means = means.clone();
        stds = stds.clone();
    }

    /**
     * The evidence of a Cohen certificate.
     *
     * @param samples n
     * @param votes k
     * @return the evidence
     */
    static SmoothingEvidence ofVotes(long samples, long votes) {
        return new SmoothingEvidence(samples, votes, new double[0], new double[0]);
    }

    /**
     * The evidence of a soft certificate: the draw's means and standard deviations of one candidate.
     *
     * @param draw the certification draw
     * @param candidate index into the draw's candidates
     * @return the evidence
     */
    static SmoothingEvidence ofMeans(SampleStatistics draw, int candidate) {
        double[] means = new double[draw.numClasses()];
        double[] stds = new double[draw.numClasses()];
        for (int c = 0; c < means.length; c++) {
            means[c] = draw.mean(candidate, c);
            stds[c] = draw.std(candidate, c);
        }
        return new SmoothingEvidence(draw.count(), -1, means, stds);
    }

    /** @return a copy of the per-class means */
    @Override
    public double[] means() {
        return means.clone();
    }

    /** @return a copy of the per-class standard deviations */
    @Override
    public double[] stds() {
        return stds.clone();
    }

    /** Equal evidence has equal numbers (a record compares arrays by identity). */
    @Override
    public boolean equals(Object o) {
        return o instanceof SmoothingEvidence e && samples == e.samples && votes == e.votes
                && Arrays.equals(means, e.means) && Arrays.equals(stds, e.stds);
    }

    @Override
    public int hashCode() {
        return Objects.hash(samples, votes, Arrays.hashCode(means), Arrays.hashCode(stds));
    }

    @Override
    public String toString() {
        return "SmoothingEvidence[samples=" + samples + ", votes=" + votes + ", means=" + Arrays.toString(means)
                + ", stds=" + Arrays.toString(stds) + "]";
    }
}
