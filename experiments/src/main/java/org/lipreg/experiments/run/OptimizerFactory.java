package org.lipreg.experiments.run;

import ai.djl.training.tracker.Tracker;
import ai.djl.training.tracker.WarmUpTracker;

import org.lipreg.experiments.config.Choice;
import org.lipreg.experiments.config.OptimizerConfig;
import org.lipreg.experiments.config.OptimizerName;
import org.lipreg.experiments.config.ScheduleConfig;
import org.lipreg.experiments.config.ScheduleType;
import org.lipreg.training.optimizer.CheckpointableOptimizer;

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
        return Choice.of(OptimizerName.class, optimizer.name).build(optimizer, tracker);
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
        Tracker tracker = Choice.of(ScheduleType.class, config.type).tracker(config, baseRate, stepsPerEpoch, main);
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
