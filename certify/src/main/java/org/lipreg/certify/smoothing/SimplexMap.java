package org.lipreg.certify.smoothing;

import java.util.Arrays;
import java.util.Locale;

/**
 * A map from logits to the probability simplex, applied to {@code t·z} for a temperature t. Soft
 * smoothing averages these vectors instead of counting votes.
 */
public enum SimplexMap {

    /** {@code exp(t z_c) / Σ exp(t z_j)}. */
    SOFTMAX,

    /** The Euclidean projection of {@code t z} onto the simplex (Martins &amp; Astudillo 2016). */
    SPARSEMAX,

    /** One-hot at the arg-max (ties to the lowest index); the temperature does not matter. */
    HARDMAX;

    /**
     * Maps one row of logits.
     *
     * @param z logits, row-major
     * @param offset where the row starts
     * @param k the number of classes
     * @param temperature t &gt; 0
     * @param out receives the k probabilities
     */
    public void apply(float[] z, int offset, int k, double temperature, double[] out) {
        switch (this) {
            case SOFTMAX -> {
                double max = Double.NEGATIVE_INFINITY;
                for (int c = 0; c < k; c++) {
                    max = Math.max(max, temperature * z[offset + c]);
                }
                double sum = 0;
                for (int c = 0; c < k; c++) {
                    out[c] = Math.exp(temperature * z[offset + c] - max);
                    sum += out[c];
                }
                for (int c = 0; c < k; c++) {
                    out[c] /= sum;
                }
            }
            case SPARSEMAX -> sparsemax(z, offset, k, temperature, out);
            case HARDMAX -> {
                Arrays.fill(out, 0, k, 0.0);
                out[argmax(z, offset, k)] = 1;
            }
            default -> throw new AssertionError(this);
        }
    }

    /** Returns the lower-case name used in configs and tables. */
    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses a name, ignoring case.
     *
     * @param name e.g. "softmax"
     * @return the map
     */
    public static SimplexMap parse(String name) {
        for (SimplexMap m : values()) {
            if (m.name().equalsIgnoreCase(name.trim())) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown simplex map '" + name + "' (softmax, sparsemax, hardmax)");
    }

    /**
     * Returns the index of the largest logit in a row (the lowest index among ties).
     *
     * @param z logits, row-major
     * @param offset where the row starts
     * @param k the number of classes
     * @return the arg-max
     */
    static int argmax(float[] z, int offset, int k) {
        int best = 0;
        for (int c = 1; c < k; c++) {
            if (z[offset + c] > z[offset + best]) {
                best = c;
            }
        }
        return best;
    }

    // Sort descending; the support is the largest j with 1 + j·v_(j) > Σ_{i≤j} v_(i); the
    // threshold τ = (Σ_{i≤k} v_(i) − 1)/k makes the kept part sum to one.
    private static void sparsemax(float[] z, int offset, int k, double temperature, double[] out) {
        double[] sorted = new double[k];
        for (int c = 0; c < k; c++) {
            sorted[c] = temperature * z[offset + c];
        }
        Arrays.sort(sorted);
        double cumulative = 0;
        double support = 0;
        double supportSum = 0;
        for (int j = 1; j <= k; j++) {
            double v = sorted[k - j];
            cumulative += v;
            if (1 + j * v > cumulative) {
                support = j;
                supportSum = cumulative;
            }
        }
        double tau = (supportSum - 1) / support;
        for (int c = 0; c < k; c++) {
            out[c] = Math.max(temperature * z[offset + c] - tau, 0);
        }
    }
}
