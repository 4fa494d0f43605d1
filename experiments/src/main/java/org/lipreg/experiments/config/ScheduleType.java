package org.lipreg.experiments.config;

import ai.djl.training.tracker.CosineTracker;
import ai.djl.training.tracker.MultiFactorTracker;
import ai.djl.training.tracker.Tracker;

import org.lipreg.training.schedule.AnytimeTracker;
import org.lipreg.training.schedule.LinearDecayTracker;

/**
 * {@code schedule.type}: each constant builds the schedule after the warm-up. {@code updates} is
 * the number of updates after the warm-up.
 */
public enum ScheduleType implements Choice {

    /** The base rate throughout. */
    CONSTANT("constant", "the base rate throughout") {
        @Override
        public Tracker tracker(ScheduleConfig config, float baseRate, int stepsPerEpoch, int updates) {
            return Tracker.fixed(baseRate);
        }
    },

    /** Cosine decay. */
    COSINE("cosine", "cosine from the base rate to schedule.finalFraction of it over the run") {
        @Override
        public Tracker tracker(ScheduleConfig config, float baseRate, int stepsPerEpoch, int updates) {
            return CosineTracker.builder()
                    .setBaseValue(baseRate)
                    .optFinalValue((float) (baseRate * config.finalFraction))
                    .setMaxUpdates(updates)
                    .build();
        }
    },

    /** Step decay. */
    STEP("step", "multiplied by schedule.factor after each epoch in schedule.milestones") {
        @Override
        public Tracker tracker(ScheduleConfig config, float baseRate, int stepsPerEpoch, int updates) {
            if (config.milestones.isEmpty()) {
                return Tracker.fixed(baseRate);
            }
            int[] steps = config.milestones.stream()
                    .mapToInt(e -> Math.max(1, e * stepsPerEpoch - config.warmupSteps))
                    .toArray();
            return MultiFactorTracker.builder()
                    .setBaseValue(baseRate)
                    .setSteps(steps)
                    .optFactor((float) config.factor)
                    .build();
        }
    },

    /** Linear decay to zero. */
    LINEAR_DECAY("linear-decay", "linearly to zero over the run (last-iterate optimal with a known horizon)") {
        @Override
        public Tracker tracker(ScheduleConfig config, float baseRate, int stepsPerEpoch, int updates) {
            return new LinearDecayTracker(baseRate, updates);
        }
    },

    /** The anytime schedule. */
    ANYTIME("anytime", "min(1/(2L), η/√t) with L = schedule.smoothness (no horizon needed)") {
        @Override
        public Tracker tracker(ScheduleConfig config, float baseRate, int stepsPerEpoch, int updates) {
            return new AnytimeTracker(baseRate, config.smoothness);
        }
    };

    private final String id;
    private final String meaning;

    ScheduleType(String id, String meaning) {
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
     * Builds the schedule that follows the warm-up.
     *
     * @param config the schedule config
     * @param baseRate the base learning rate
     * @param stepsPerEpoch optimizer updates per epoch
     * @param updates optimizer updates after the warm-up (at least 1)
     * @return the tracker
     */
    public abstract Tracker tracker(ScheduleConfig config, float baseRate, int stepsPerEpoch, int updates);
}
