package org.lipreg.experiments.run;

import ai.djl.training.tracker.CosineTracker;
import ai.djl.training.tracker.MultiFactorTracker;
import ai.djl.training.tracker.Tracker;
import ai.djl.training.tracker.WarmUpTracker;

import org.lipreg.experiments.config.OptimizerConfig;
import org.lipreg.experiments.config.ScheduleConfig;
import org.lipreg.training.optimizer.AdamOptimizer;
import org.lipreg.training.optimizer.CheckpointableOptimizer;
import org.lipreg.training.optimizer.SgdOptimizer;
import org.lipreg.training.schedule.AnytimeTracker;
import org.lipreg.training.schedule.LinearDecayTracker;

/** Builds the optimizer and its learning-rate schedule from the config. */
public final class OptimizerFactory {

    private OptimizerFactory() {}

    /**
     * Builds an optimizer.
     *
     * @param optimizer the optimizer config
     * @param schedule the schedule config
     * @param stepsPerEpoch optimizer updates per epoch
     * @param epochs number of epochs
     * @return the optimizer
     */
    public static CheckpointableOptimizer build(
            OptimizerConfig optimizer, ScheduleConfig schedule, int stepsPerEpoch, int epochs) {
        Tracker tracker = schedule(schedule, (float) optimizer.learningRate, stepsPerEpoch, epochs);
        float wd = (float) optimizer.weightDecay;
        return switch (optimizer.name) {
            case "sgd" -> SgdOptimizer.builder()
                    .setLearningRateTracker(tracker)
                    .optMomentum((float) optimizer.momentum)
                    .optWeightDecays(wd)
                    .build();
            case "adam", "adamw" -> AdamOptimizer.builder()
                    .setLearningRateTracker(tracker)
                    .optWeightDecays(wd)
                    .optDecoupledWeightDecay(optimizer.name.equals("adamw"))
                    .build();
            default -> throw new IllegalArgumentException("optimizer.name '" + optimizer.name + "'");
        };
    }

    /**
     * Builds the learning-rate tracker.
     *
     * @param config the schedule config
     * @param baseRate the base learning rate
     * @param stepsPerEpoch optimizer updates per epoch
     * @param epochs number of epochs
     * @return the tracker, called with the 1-based update number
     */
    public static Tracker schedule(ScheduleConfig config, float baseRate, int stepsPerEpoch, int epochs) {
        int total = stepsPerEpoch * epochs;
        int main = Math.max(1, total - config.warmupSteps);
        Tracker tracker = switch (config.type) {
            case "constant" -> Tracker.fixed(baseRate);
            case "cosine" -> CosineTracker.builder()
                    .setBaseValue(baseRate)
                    .optFinalValue((float) (baseRate * config.finalFraction))
                    .setMaxUpdates(main)
                    .build();
            case "step" -> {
                if (config.milestones.isEmpty()) {
                    yield Tracker.fixed(baseRate);
                }
                int[] steps = config.milestones.stream()
                        .mapToInt(e -> Math.max(1, e * stepsPerEpoch - config.warmupSteps))
                        .toArray();
                yield MultiFactorTracker.builder()
                        .setBaseValue(baseRate)
                        .setSteps(steps)
                        .optFactor((float) config.factor)
                        .build();
            }
            case "linear-decay" -> new LinearDecayTracker(baseRate, main);
            case "anytime" -> new AnytimeTracker(baseRate, config.smoothness);
            default -> throw new IllegalArgumentException("schedule.type '" + config.type + "'");
        };
        if (config.warmupSteps > 0) {
            return WarmUpTracker.builder()
                    .setMainTracker(tracker)
                    .optWarmUpSteps(config.warmupSteps)
                    .optWarmUpBeginValue(0f)
                    .build();
        }
        return tracker;
    }
}
