package org.lipreg.training.optimizer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;

import org.lipreg.normalization.engine.Scalars;

/**
 * Adam (Kingma &amp; Ba) and AdamW (decoupled weight decay), checkpointable.
 *
 * <p>Update at step t: {@code m ← β1 m + (1−β1) g; v ← β2 v + (1−β2) g²;
 * w ← w − η·√(1−β2ᵗ)/(1−β1ᵗ) · m/(√v + ε)}. Weight decay is added to g (Adam) or applied as
 * {@code w ← w − η·wd·w} (AdamW). A gradient clip c bounds g to [−c, c] (DJL's own Adam bounds it
 * above only).
 *
 * <p>The variance is kept at least (1e-8·ε)², which changes no result (beyond a rare last-bit
 * rounding) but keeps it from becoming subnormal, where libtorch's sqrt is ~30× slower (see {@link #raiseToFloor}).
 */
public final class AdamOptimizer extends CheckpointableOptimizer {

    private final float beta1;
    private final float beta2;
    private final float epsilon;
    private final boolean decoupledWeightDecay;

    /** Steps between raises of the variance to its floor, at most 100: β2^interval ≥ 1e-3. */
    private final int floorInterval;

    /**
     * The variance's floor: √floor = 1e-8·ε, and at least 1,000 times the smallest normal float
     * (which takes over only for ε below 4e-10).
     */
    private final float varianceFloor;

    private AdamOptimizer(Builder builder) {
        super(builder);
        this.beta1 = builder.beta1;
        this.beta2 = builder.beta2;
        this.epsilon = builder.epsilon;
        this.decoupledWeightDecay = builder.decoupledWeightDecay;
        this.floorInterval = (int) Math.max(1, Math.min(100, Math.floor(Math.log(1e-3) / Math.log(beta2))));
        this.varianceFloor = Math.max((float) Math.pow(1e-8 * epsilon, 2), 1e3f * Float.MIN_NORMAL);
    }

    /**
     * Creates a builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    protected int stateCount() {
        return 2;
    }

    @Override
    protected void apply(NDArray weight, NDArray grad, NDArray[] state, int t, float lr) {
        if ((t - 1) % floorInterval == 0) {
            raiseToFloor(state[1]);
        }
        double biasCorrection = Math.sqrt(1.0 - Math.pow(beta2, t)) / (1.0 - Math.pow(beta1, t));
        // DJL's adamUpdate bounds the rescaled gradient above only; here it is bounded both ways.
        boolean clip = clipGrad >= 0;
        NDArray clipped = grad;
        if (clip) {
            try (NDArray rescaled = Scalars.mul(grad, rescaleGrad)) {
                clipped = rescaled.clip(-clipGrad, clipGrad);
            }
        }
        try {
            weight.getNDArrayInternal()
                    .adamUpdate(
                            new NDList(weight, clipped, state[0], state[1]),
                            new NDList(weight),
                            lr,
                            (float) (lr * biasCorrection),
                            getWeightDecay(),
                            clip ? 1f : rescaleGrad,
                            -1f,
                            beta1,
                            beta2,
                            epsilon,
                            true,
                            decoupledWeightDecay);
        } finally {
            if (clipped != grad) {
                clipped.close();
            }
        }
    }

    /**
     * v ← max(v, floor), every {@code floorInterval} steps from the first: between raises v decays
     * to no less than 1e-3 of the floor, so it never becomes subnormal. libtorch's sqrt (2.7) takes
     * ~30× as long on subnormal floats, and the variance of a weight whose gradient stays 0 (a dead
     * unit) or below 1e-19 decays there. √floor = 1e-8·ε is below half an ulp of ε, so no result
     * changes beyond a rare last-bit rounding.
     */
    private void raiseToFloor(NDArray variance) {
        variance.intern(Scalars.maximum(variance, varianceFloor));
    }

    /** Builds an {@link AdamOptimizer}. */
    public static final class Builder extends CheckpointableOptimizer.Builder<Builder> {

        private float beta1 = 0.9f;
        private float beta2 = 0.999f;
        private float epsilon = 1e-8f;
        private boolean decoupledWeightDecay;

        Builder() {}

        /**
         * Sets β1 and β2 (defaults 0.9 and 0.999).
         *
         * @param beta1 first-moment decay, in [0, 1)
         * @param beta2 second-moment decay, in [0, 1)
         * @return this builder
         */
        public Builder optBetas(float beta1, float beta2) {
            if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
                throw new IllegalArgumentException(
                        "betas must be in [0, 1), got " + beta1 + ", " + beta2);
            }
            this.beta1 = beta1;
            this.beta2 = beta2;
            return this;
        }

        /**
         * Sets ε (default 1e-8).
         *
         * @param epsilon a small positive number
         * @return this builder
         */
        public Builder optEpsilon(float epsilon) {
            this.epsilon = epsilon;
            return this;
        }

        /**
         * Decouples weight decay from the gradient (AdamW) instead of adding it to g (Adam).
         *
         * @param decoupled true for AdamW
         * @return this builder
         */
        public Builder optDecoupledWeightDecay(boolean decoupled) {
            this.decoupledWeightDecay = decoupled;
            return this;
        }

        @Override
        protected Builder self() {
            return this;
        }

        /**
         * Builds the optimizer.
         *
         * @return the optimizer
         */
        public AdamOptimizer build() {
            validate();
            return new AdamOptimizer(this);
        }
    }
}
