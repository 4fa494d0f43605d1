package org.lipreg.experiments.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.training.tracker.Tracker;

import org.junit.jupiter.api.Test;
import org.lipreg.experiments.config.RunConfig;
import org.lipreg.experiments.config.RunConfigs;

import java.util.List;

class OptimizerFactoryTest {

    private static Tracker schedule(String... overrides) throws Exception {
        RunConfig c = RunConfigs.load(null, List.of(overrides));
        return OptimizerFactory.schedule(c.schedule, (float) c.optimizer.learningRate, 10, c.epochs);
    }

    @Test
    void linearDecayRunsToZeroOverTheWholeRun() throws Exception {
        Tracker t = schedule("epochs=3", "optimizer.learningRate=0.3", "schedule.type=linear-decay");
        assertEquals(0.3f, t.getNewValue(1), 1e-7f);
        assertEquals(0.3f * 15 / 30, t.getNewValue(16), 1e-7f);
        assertEquals(0.3f / 30, t.getNewValue(30), 1e-7f);
        assertEquals(0f, t.getNewValue(31));
    }

    @Test
    void anytimeUsesTheSmoothnessCap() throws Exception {
        Tracker t = schedule("optimizer.learningRate=1.0", "schedule.type=anytime", "schedule.smoothness=1.0");
        assertEquals(0.5f, t.getNewValue(1), 1e-7f);
        assertEquals(0.25f, t.getNewValue(16), 1e-7f);
    }
}
