package org.lipreg.certify.smoothing;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * A base classifier smoothed by Gaussian noise, {@code g(x) = argmax_c P(f(x + ε) = c)}, with
 * Cohen's PREDICT and CERTIFY and the soft variant. CERTIFY draws n0 selection samples and then n
 * fresh certification samples; the choices (class, map, temperature) are taken on the first draw
 * only. When both methods are asked for, they share the two draws (each certificate holds on its
 * own at level α).
 */
public final class SmoothedClassifier {

    /** The default soft-smoothing candidates: hardmax, and softmax and sparsemax at six temperatures. */
    public static final List<SoftCandidate> DEFAULT_CANDIDATES = defaultCandidates();

    private final BaseClassifier base;
    private final double sigma;
    private final int n0;
    private final int n;
    private final double alpha;
    private final Set<SmoothingMethod> methods;
    private final List<SoftCandidate> candidates;

    private SmoothedClassifier(Builder builder) {
        this.base = builder.base;
        this.sigma = builder.sigma;
        this.n0 = builder.n0;
        this.n = builder.n;
        this.alpha = builder.alpha;
        this.methods = EnumSet.copyOf(builder.methods);
        this.candidates = methods.contains(SmoothingMethod.SOFT) ? List.copyOf(builder.candidates) : List.of();
    }

    /**
     * Starts a builder.
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns the noise level.
     *
     * @return σ
     */
    public double sigma() {
        return sigma;
    }

    /**
     * Returns the methods, in declaration order.
     *
     * @return the methods
     */
    public List<SmoothingMethod> methods() {
        return List.copyOf(methods);
    }

    /**
     * CERTIFY: one certificate per method, in declaration order.
     *
     * @param x the input in raw space, flattened
     * @param seed the seed of this input's noise
     * @return the certificates
     */
    public List<SmoothingCertificate> certify(float[] x, long seed) {
        base.seed(seed);
        SampleStatistics selection = SampleStatistics.draw(base, x, sigma, n0, candidates);
        List<Selection> choices = new ArrayList<>();
        for (SmoothingMethod method : methods) {
            choices.add(method == SmoothingMethod.COHEN
                    ? CohenSmoothing.select(selection)
                    : SoftSmoothing.select(selection, n, sigma, alpha));
        }
        // The certification draw only accumulates the candidates that were chosen.
        List<SoftCandidate> chosen = choices.stream()
                .filter(s -> s.candidate() != null).map(Selection::candidate).distinct().toList();
        SampleStatistics certification = SampleStatistics.draw(base, x, sigma, n, chosen);
        List<SmoothingCertificate> out = new ArrayList<>();
        for (Selection choice : choices) {
            out.add(choice.method() == SmoothingMethod.COHEN
                    ? CohenSmoothing.certify(choice, certification, sigma, alpha)
                    : SoftSmoothing.certify(choice, certification, sigma, alpha));
        }
        return out;
    }

    /**
     * PREDICT on n samples.
     *
     * @param x the input, flattened
     * @param seed the seed of this input's noise
     * @return the class, or {@link SmoothingCertificate#ABSTAIN}
     */
    public int predict(float[] x, long seed) {
        base.seed(seed);
        return CohenSmoothing.predict(SampleStatistics.draw(base, x, sigma, n, List.of()), alpha);
    }

    private static List<SoftCandidate> defaultCandidates() {
        List<SoftCandidate> list = new ArrayList<>();
        list.add(new SoftCandidate(SimplexMap.HARDMAX, 1));
        for (SimplexMap map : List.of(SimplexMap.SOFTMAX, SimplexMap.SPARSEMAX)) {
            for (double t : new double[] {0.5, 1, 2, 4, 8, 16}) {
                list.add(new SoftCandidate(map, t));
            }
        }
        return List.copyOf(list);
    }

    /** Builds a {@link SmoothedClassifier}; defaults are Cohen et al.'s. */
    public static final class Builder {

        private BaseClassifier base;
        private double sigma = Double.NaN;
        private int n0 = 100;
        private int n = 100_000;
        private double alpha = 0.001;
        private Set<SmoothingMethod> methods = EnumSet.of(SmoothingMethod.COHEN);
        private List<SoftCandidate> candidates = DEFAULT_CANDIDATES;

        private Builder() {}

        /**
         * Sets the classifier to smooth.
         *
         * @param base the base classifier
         * @return this builder
         */
        public Builder setBaseClassifier(BaseClassifier base) {
            this.base = base;
            return this;
        }

        /**
         * Sets the noise level σ (in raw input units).
         *
         * @param sigma σ &gt; 0
         * @return this builder
         */
        public Builder setSigma(double sigma) {
            this.sigma = sigma;
            return this;
        }

        /**
         * Sets the size of the selection draw (default 100).
         *
         * @param n0 n0 ≥ 2
         * @return this builder
         */
        public Builder optSelectionSamples(int n0) {
            this.n0 = n0;
            return this;
        }

        /**
         * Sets the size of the certification draw (default 100,000).
         *
         * @param n n ≥ 2
         * @return this builder
         */
        public Builder optSamples(int n) {
            this.n = n;
            return this;
        }

        /**
         * Sets the miss probability of each certificate (default 0.001).
         *
         * @param alpha α in (0, 1)
         * @return this builder
         */
        public Builder optAlpha(double alpha) {
            this.alpha = alpha;
            return this;
        }

        /**
         * Sets the methods (default Cohen only).
         *
         * @param methods one or both methods
         * @return this builder
         */
        public Builder optMethods(Set<SmoothingMethod> methods) {
            this.methods = methods;
            return this;
        }

        /**
         * Sets the soft-smoothing candidates (default {@link #DEFAULT_CANDIDATES}).
         *
         * @param candidates the maps and temperatures to choose from
         * @return this builder
         */
        public Builder optCandidates(List<SoftCandidate> candidates) {
            this.candidates = candidates;
            return this;
        }

        /**
         * Builds the smoothed classifier.
         *
         * @return the classifier
         */
        public SmoothedClassifier build() {
            if (base == null) {
                throw new IllegalArgumentException("a base classifier is required");
            }
            if (!(sigma > 0) || Double.isInfinite(sigma)) {
                throw new IllegalArgumentException("sigma must be positive, got " + sigma);
            }
            if (n0 < 2 || n < 2) {
                throw new IllegalArgumentException("n0 and n must be at least 2, got n0=" + n0 + ", n=" + n);
            }
            if (!(alpha > 0 && alpha < 1)) {
                throw new IllegalArgumentException("alpha must be in (0, 1), got " + alpha);
            }
            if (methods == null || methods.isEmpty()) {
                throw new IllegalArgumentException("at least one smoothing method is required");
            }
            if (methods.contains(SmoothingMethod.SOFT) && (candidates == null || candidates.isEmpty())) {
                throw new IllegalArgumentException("soft smoothing needs at least one simplex map candidate");
            }
            return new SmoothedClassifier(this);
        }
    }
}
