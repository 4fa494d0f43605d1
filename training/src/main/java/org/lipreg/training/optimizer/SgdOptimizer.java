package org.lipreg.training.optimizer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;

/**
 * Stochastic gradient descent with optional momentum and L2 weight decay, checkpointable.
 *
 * <p>Update, as PyTorch's SGD: {@code g ← g + wd·w; m ← μ·m + g; w ← w − η·m} (without momentum,
 * {@code w ← w − η·g}).
 */
public final class SgdOptimizer extends CheckpointableOptimizer {

    private final float momentum;

    private SgdOptimizer(Builder builder) {
        super(builder);
        this.momentum = builder.momentum;
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
        return momentum == 0f ? 0 : 1;
    }

    @Override
    protected void apply(NDArray weight, NDArray grad, NDArray[] state, int t, float lr) {
        NDList inputs = momentum == 0f ? new NDList(weight, grad) : new NDList(weight, grad, state[0]);
        weight.getNDArrayInternal()
                .sgdUpdate(
                        inputs,
                        new NDList(weight),
                        lr,
                        getWeightDecay(),
                        rescaleGrad,
                        clipGrad,
                        momentum,
                        true);
    }

    /** Builds an {@link SgdOptimizer}. */
    public static final class Builder extends CheckpointableOptimizer.Builder<Builder> {

        private float momentum;

        Builder() {}

        /**
         * Sets the momentum μ (default 0).
         *
         * @param momentum in [0, 1)
         * @return this builder
         */
        public Builder optMomentum(float momentum) {
            if (!(momentum >= 0f && momentum < 1f)) {
                throw new IllegalArgumentException("momentum must be in [0, 1), got " + momentum);
            }
            this.momentum = momentum;
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
        public SgdOptimizer build() {
            validate();
            return new SgdOptimizer(this);
        }
    }
}
