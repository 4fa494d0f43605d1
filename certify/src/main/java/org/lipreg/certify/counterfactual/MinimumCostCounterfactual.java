package org.lipreg.certify.counterfactual;

/**
 * The base counterfactual that T-Rex starts from: an approximately closest (ℓ2) point that the
 * model gives the target class, as in Hamman et al., who start from a minimum-cost counterfactual.
 *
 * <p>Search: from x0, normalized steps up the gradient of {@code log m} (it does not vanish where
 * m is tiny, unlike m's own gradient), clipped to the data range, until the predicted class is the
 * target; then bisection on the segment from x0 to that point for the first point of the target
 * class (the segment stays in the range, which is convex). The result lies just across the
 * decision boundary, which is what makes base counterfactuals fragile.
 *
 * <pre>{@code
 * MinimumCostCounterfactual base = MinimumCostCounterfactual.builder().optRange(range).build();
 * double[] counterfactual = base.find(m, x0); // null if none was found
 * }</pre>
 */
public final class MinimumCostCounterfactual {

    private final double stepSize;
    private final int maxSteps;
    private final int bisections;
    private final DataRange range;

    private MinimumCostCounterfactual(Builder builder) {
        this.stepSize = builder.stepSize;
        this.maxSteps = builder.maxSteps;
        this.bisections = builder.bisections;
        this.range = builder.range;
    }

    /** @return a builder (step 0.05, 1000 steps, 40 bisections, no range) */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Finds the counterfactual of a point.
     *
     * @param m the probability of the target class
     * @param x0 the point, flat
     * @return a point of the target class (x0 itself if it already has it), or null if the walk
     *     did not reach the target class within the step budget
     */
    public double[] find(ClassProbability m, double[] x0) {
        if (m.isTarget(x0)) {
            return x0.clone();
        }
        double[] x = x0.clone();
        boolean reached = false;
        for (int step = 0; step < maxSteps && !reached; step++) {
            double[] g = m.logGradients(new double[][] {x})[0];
            double norm = Stability.distance(g, new double[g.length]);
            if (!(norm > 0)) {
                return null;
            }
            for (int i = 0; i < x.length; i++) {
                x[i] += stepSize * g[i] / norm;
            }
            clip(x);
            reached = m.isTarget(x);
        }
        if (!reached) {
            return null;
        }
        double lo = 0;
        double hi = 1;
        for (int b = 0; b < bisections; b++) {
            double mid = (lo + hi) / 2;
            if (m.isTarget(along(x0, x, mid))) {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        // hi always has the target class: it started at 1 and only moves to target points.
        return along(x0, x, hi);
    }

    private void clip(double[] x) {
        if (range != null) {
            range.clip(x);
        }
    }

    private static double[] along(double[] from, double[] to, double t) {
        double[] out = new double[from.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = from[i] + t * (to[i] - from[i]);
        }
        return out;
    }

    /** Settings of a {@link MinimumCostCounterfactual}. */
    public static final class Builder {
        private double stepSize = 0.05;
        private int maxSteps = 1000;
        private int bisections = 40;
        private DataRange range;

        private Builder() {}

        /**
         * Sets the ℓ2 length of each step of the walk.
         *
         * @param stepSize &gt; 0
         * @return this builder
         */
        public Builder optStepSize(double stepSize) {
            if (!(stepSize > 0)) {
                throw new IllegalArgumentException("step size must be positive, got " + stepSize);
            }
            this.stepSize = stepSize;
            return this;
        }

        /**
         * Sets the most steps of the walk.
         *
         * @param maxSteps at least 1
         * @return this builder
         */
        public Builder optMaxSteps(int maxSteps) {
            if (maxSteps < 1) {
                throw new IllegalArgumentException("max steps must be at least 1, got " + maxSteps);
            }
            this.maxSteps = maxSteps;
            return this;
        }

        /**
         * Sets the number of bisection steps on the segment.
         *
         * @param bisections at least 0
         * @return this builder
         */
        public Builder optBisections(int bisections) {
            if (bisections < 0) {
                throw new IllegalArgumentException("bisections must be ≥ 0, got " + bisections);
            }
            this.bisections = bisections;
            return this;
        }

        /**
         * Sets the data range the walk stays in.
         *
         * @param range per-feature bounds, or null for none
         * @return this builder
         */
        public Builder optRange(DataRange range) {
            this.range = range;
            return this;
        }

        /** @return the search */
        public MinimumCostCounterfactual build() {
            return new MinimumCostCounterfactual(this);
        }
    }
}
