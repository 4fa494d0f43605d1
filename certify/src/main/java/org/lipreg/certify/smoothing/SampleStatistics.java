package org.lipreg.certify.smoothing;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What one draw of noisy samples says about one input: the vote counts of the base classifier
 * and, for each soft-smoothing candidate, the per-class sums of the mapped outputs and of their
 * squares. Every draw carries a fresh id, so a certificate can check that its samples are not
 * the ones its choices were made on.
 */
public final class SampleStatistics {

    private static final AtomicLong DRAWS = new AtomicLong();

    private final long drawId = DRAWS.incrementAndGet();
    private final int numClasses;
    private final List<SoftCandidate> candidates;
    private final long[] votes;
    private final double[][] sums;
    private final double[][] squares;
    private long count;

    private SampleStatistics(int numClasses, List<SoftCandidate> candidates) {
        this.numClasses = numClasses;
        this.candidates = List.copyOf(candidates);
        this.votes = new long[numClasses];
        this.sums = new double[candidates.size()][numClasses];
        this.squares = new double[candidates.size()][numClasses];
    }

    /**
     * Draws {@code count} noisy samples of {@code x} and summarizes them.
     *
     * @param classifier the base classifier
     * @param x the input, flattened
     * @param sigma the noise level
     * @param count the number of samples
     * @param candidates the soft maps to accumulate (empty for votes only)
     * @return the summary of this draw
     */
    public static SampleStatistics draw(
            BaseClassifier classifier, float[] x, double sigma, int count, List<SoftCandidate> candidates) {
        if (count < 1) {
            throw new IllegalArgumentException("need at least one sample, got " + count);
        }
        SampleStatistics stats = new SampleStatistics(classifier.numClasses(), candidates);
        classifier.sample(x, sigma, count, stats::add);
        if (stats.count != count) {
            throw new IllegalStateException("the classifier returned " + stats.count + " samples, asked for " + count);
        }
        return stats;
    }

    private void add(float[] logits, int rows) {
        int k = numClasses;
        double[] mapped = new double[k];
        for (int r = 0; r < rows; r++) {
            int offset = r * k;
            votes[SimplexMap.argmax(logits, offset, k)]++;
            for (int i = 0; i < candidates.size(); i++) {
                SoftCandidate candidate = candidates.get(i);
                candidate.map().apply(logits, offset, k, candidate.temperature(), mapped);
                double[] sum = sums[i];
                double[] square = squares[i];
                for (int c = 0; c < k; c++) {
                    sum[c] += mapped[c];
                    square[c] += mapped[c] * mapped[c];
                }
            }
        }
        count += rows;
    }

    /**
     * Returns this draw's id, unique in the JVM.
     *
     * @return the id
     */
    public long drawId() {
        return drawId;
    }

    /**
     * Returns the number of samples.
     *
     * @return n
     */
    public long count() {
        return count;
    }

    /**
     * Returns the number of classes.
     *
     * @return K
     */
    public int numClasses() {
        return numClasses;
    }

    /**
     * Returns the candidates this draw accumulated.
     *
     * @return the candidates, in order
     */
    public List<SoftCandidate> candidates() {
        return candidates;
    }

    /**
     * Returns how many samples the base classifier gave to a class.
     *
     * @param c the class
     * @return the count
     */
    public long votes(int c) {
        return votes[c];
    }

    /**
     * Returns the class with the most votes (the lowest index among ties).
     *
     * @return the top class
     */
    public int topClass() {
        int best = 0;
        for (int c = 1; c < numClasses; c++) {
            if (votes[c] > votes[best]) {
                best = c;
            }
        }
        return best;
    }

    /**
     * Returns the sample mean of a candidate's output for a class.
     *
     * @param candidate index into {@link #candidates()}
     * @param c the class
     * @return the mean
     */
    public double mean(int candidate, int c) {
        return sums[candidate][c] / count;
    }

    /**
     * Returns the sample standard deviation (n − 1 in the denominator) of a candidate's output.
     *
     * @param candidate index into {@link #candidates()}
     * @param c the class
     * @return the standard deviation (0 for a single sample)
     */
    public double std(int candidate, int c) {
        if (count < 2) {
            return 0;
        }
        double mean = mean(candidate, c);
        double variance = (squares[candidate][c] - count * mean * mean) / (count - 1);
        return Math.sqrt(Math.max(variance, 0));
    }
}
