package org.lipreg.experiments.config;

import ai.djl.training.tracker.Tracker;

import org.lipreg.training.optimizer.AdamOptimizer;
import org.lipreg.training.optimizer.CheckpointableOptimizer;
import org.lipreg.training.optimizer.SgdOptimizer;

/** {@code optimizer.name}: each constant builds its optimizer. */
public enum OptimizerName implements Choice {

    /** SGD with momentum. */
    SGD("sgd", "SGD with optimizer.momentum; weight decay as L2 in the gradient") {
        @Override
        public CheckpointableOptimizer build(OptimizerConfig config, Tracker rate) {
            return SgdOptimizer.builder()
                    .setLearningRateTracker(rate)
                    .optMomentum((float) config.momentum)
                    .optWeightDecays((float) config.weightDecay)
                    .build();
        }
    },

    /** Adam. */
    ADAM("adam", "Adam; weight decay as L2 in the gradient") {
        @Override
        public CheckpointableOptimizer build(OptimizerConfig config, Tracker rate) {
            return adam(config, rate, false);
        }
    },

    /** AdamW. */
    ADAMW("adamw", "Adam with decoupled weight decay") {
        @Override
        public CheckpointableOptimizer build(OptimizerConfig config, Tracker rate) {
            return adam(config, rate, true);
        }
    };

    private final String id;
    private final String meaning;

    OptimizerName(String id, String meaning) {
        this.id = id;
        this.meaning = meaning;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String meaning() {
        return meaning;
    }

    /**
     * Builds the optimizer.
     *
     * @param config the optimizer config
     * @param rate the learning-rate schedule
     * @return the optimizer
     */
    public abstract CheckpointableOptimizer build(OptimizerConfig config, Tracker rate);

    private static CheckpointableOptimizer adam(OptimizerConfig config, Tracker rate, boolean decoupled) {
        return AdamOptimizer.builder()
                .setLearningRateTracker(rate)
                .optWeightDecays((float) config.weightDecay)
                .optDecoupledWeightDecay(decoupled)
                .build();
    }
}
