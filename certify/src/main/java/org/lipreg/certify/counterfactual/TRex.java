package org.lipreg.certify.counterfactual;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;

/**
 * T-Rex:I (Hamman et al. 2023, DESIGN §4.5): moves a base counterfactual x' up the stability R̂
 * by normalized gradient steps of length η, projected onto the ℓ2 ball of radius ε around x' and
 * onto the data range, until {@code R̂ ≥ τ} or the step budget is spent. The result is the last
 * iterate that the model still gives the target class (x' itself if none does).
 *
 * <p>The gradient is that of the Monte-Carlo R̂ with the {@link Stability}'s fixed noise (common
 * random numbers), by DJL autograd through the model.
 *
 * <pre>{@code
 * TRex trex = TRex.builder().setStability(stability).optRange(range).build();
 * TRex.Result result = trex.search(m, base);
 * }</pre>
 */
public final class TRex {

    private final Stability stability;
    private final double tau;
    private final int steps;
    private final double eta;
    private final double epsilon;
    private final DataRange range;

    private TRex(Builder builder) {
        this.stability = builder.stability;
        this.tau = builder.tau;
        this.steps = builder.steps;
        this.eta = builder.eta;
        this.epsilon = builder.epsilon;
        this.range = builder.range;
    }

    /** @return a builder with the DESIGN defaults (τ 0.75, 20 steps, η 0.01, ε 1) */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The outcome of a search.
     *
     * @param point the counterfactual (the last iterate of the target class)
     * @param stability R̂ there (float32, with the search's noise)
     * @param steps the steps taken
     * @param reached true if R̂ ≥ τ at the returned point
     */
    public record Result(double[] point, double stability, int steps, boolean reached) {}

    /**
     * Runs T-Rex from a base counterfactual.
     *
     * @param m the probability of the target class
     * @param base the base counterfactual x', flat
     * @return the result
     */
    public Result search(ClassProbability m, double[] base) {
        double[] current = base.clone();
        double[] kept = base.clone();
        double keptValue = Double.NaN;
        int taken = 0;
        while (true) {
            double[] gradient = new double[current.length];
            double value = valueAndGradient(m, current, gradient);
            if (m.isTarget(current) || Double.isNaN(keptValue)) {
                kept = current.clone();
                keptValue = value;
            }
            double norm = Stability.distance(gradient, new double[gradient.length]);
            if (value >= tau || taken == steps || !(norm > 0)) {
                break;
            }
            for (int i = 0; i < current.length; i++) {
                current[i] += eta * gradient[i] / norm;
            }
            project(current, base);
            taken++;
        }
        return new Result(kept, keptValue, taken, keptValue >= tau);
    }

    /** Ball first, then the range: clipping toward a range that holds x' never moves away from x'. */
    private void project(double[] x, double[] center) {
        double distance = Stability.distance(x, center);
        if (distance > epsilon) {
            double shrink = epsilon / distance;
            for (int i = 0; i < x.length; i++) {
                x[i] = center[i] + shrink * (x[i] - center[i]);
            }
        }
        if (range != null) {
            range.clip(x);
        }
    }

    private double valueAndGradient(ClassProbability m, double[] x, double[] gradient) {
        try (NDManager manager = m.manager().newSubManager()) {
            NDArray xs = m.create(manager, new double[][] {x});
            xs.setRequiresGradient(true);
            double value;
            try (GradientCollector collector = manager.getEngine().newGradientCollector()) {
                NDArray r = stability.estimate(m, xs);
                value = r.toType(DataType.FLOAT64, false).getDouble();
                collector.backward(r);
            }
            double[] g = xs.getGradient().toType(DataType.FLOAT64, false).toDoubleArray();
            System.arraycopy(g, 0, gradient, 0, gradient.length);
            return value;
        }
    }

    /** Settings of a {@link TRex} search. */
    public static final class Builder {
        private Stability stability;
        private double tau = 0.75;
        private int steps = 20;
        private double eta = 0.01;
        private double epsilon = 1;
        private DataRange range;

        private Builder() {}

        /**
         * Sets the stability measure that is ascended (its K, σ and noise).
         *
         * @param stability the measure
         * @return this builder
         */
        public Builder setStability(Stability stability) {
            this.stability = stability;
            return this;
        }

        /**
         * Sets τ, the stability to reach.
         *
         * @param tau the threshold
         * @return this builder
         */
        public Builder optTau(double tau) {
            if (!Double.isFinite(tau)) {
                throw new IllegalArgumentException("tau must be finite, got " + tau);
            }
            this.tau = tau;
            return this;
        }

        /**
         * Sets the most gradient steps.
         *
         * @param steps ≥ 0
         * @return this builder
         */
        public Builder optSteps(int steps) {
            if (steps < 0) {
                throw new IllegalArgumentException("steps must be ≥ 0, got " + steps);
            }
            this.steps = steps;
            return this;
        }

        /**
         * Sets η, the ℓ2 length of each step.
         *
         * @param eta &gt; 0
         * @return this builder
         */
        public Builder optEta(double eta) {
            if (!(eta > 0) || !Double.isFinite(eta)) {
                throw new IllegalArgumentException("eta must be positive, got " + eta);
            }
            this.eta = eta;
            return this;
        }

        /**
         * Sets ε, the radius of the ℓ2 ball around the base counterfactual.
         *
         * @param epsilon ≥ 0
         * @return this builder
         */
        public Builder optEpsilon(double epsilon) {
            if (!(epsilon >= 0)) {
                throw new IllegalArgumentException("epsilon must be ≥ 0, got " + epsilon);
            }
            this.epsilon = epsilon;
            return this;
        }

        /**
         * Sets the data range the iterates stay in.
         *
         * @param range per-feature bounds (must hold the base counterfactual), or null for none
         * @return this builder
         */
        public Builder optRange(DataRange range) {
            this.range = range;
            return this;
        }

        /** @return the search */
        public TRex build() {
            if (stability == null) {
                throw new IllegalStateException("setStability is required");
            }
            return new TRex(this);
        }
    }
}
