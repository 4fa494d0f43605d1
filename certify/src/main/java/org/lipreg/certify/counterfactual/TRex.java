package org.lipreg.certify.counterfactual;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

import org.lipreg.training.ascent.ProjectedAscent;

/**
 * T-Rex:I (Hamman et al. 2023, DESIGN §4.5): moves a base counterfactual x' up the stability R̂
 * by normalized gradient steps of length η, projected onto the ℓ2 ball of radius ε around x' and
 * onto the data range ({@link ProjectedAscent}), until {@code R̂ ≥ τ} or the step budget is
 * spent. The result is the last
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
        ProjectedAscent.Builder settings = ProjectedAscent.builder().optNorm(ProjectedAscent.Norm.L2)
                .optEpsilon(epsilon).optSteps(steps).optStepSize(eta).optRandomStart(false).optNormFloor(0)
                .optObjectiveType(DataType.FLOAT32);
        if (range != null) {
            settings.optBox(range.lower(), range.upper());
        }
        ProjectedAscent ascent = settings.build();
        Kept kept = new Kept();
        try (NDManager manager = m.manager().newSubManager()) {
            // The iterate is kept in float64, as the points are; the model sees float32.
            NDArray center = manager.create(new double[][] {base});
            ascent.ascend(center, manager, point -> stability.estimate(m, point),
                    (step, point, value, gradient) -> {
                        double[] x = point.toDoubleArray();
                        double r = value.toType(DataType.FLOAT64, false).getDouble();
                        if (m.isTarget(x) || kept.point == null) {
                            kept.point = x;
                            kept.value = r;
                        }
                        kept.steps = step;
                        double[] g = gradient.toDoubleArray();
                        // A zero gradient gives no direction: stop there.
                        return r >= tau || !(Stability.distance(g, new double[g.length]) > 0);
                    });
        }
        return new Result(kept.point, kept.value, kept.steps, kept.value >= tau);
    }

    /** The last iterate of the target class (or x' if none), its R̂, and the steps taken. */
    private static final class Kept {
        private double[] point;
        private double value;
        private int steps;
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
