package org.lipreg.experiments.config;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import java.util.ArrayList;
import java.util.List;

/** The learning-rate schedule over optimizer updates. */
@JsonPropertyOrder({"type", "warmupSteps", "finalFraction", "milestones", "factor", "smoothness"})
@Section("the learning-rate schedule over optimizer updates")
public final class ScheduleConfig {


    /**
     * {@code constant}; {@code cosine} from the base rate to {@code finalFraction} of it over the
     * whole run; {@code step}: multiply by {@code factor} at each epoch in {@code milestones};
     * {@code linear-decay}: linearly to zero over the whole run (last-iterate optimal with a
     * known horizon); {@code anytime}: {@code min(1/(2L), η/√t)} with L = {@code smoothness}.
     */
    @Key(value = "the schedule after the warm-up", usedBy = "OptimizerFactory → training", choices = ScheduleType.class)
    public String type = "constant";

    /** Linear warm-up from 0 over this many updates (0 for none). */
    @Key(value = "linear warm-up from 0 over this many updates (0 for none)", usedBy = "OptimizerFactory", min = 0)
    public int warmupSteps = 0;

    /** For {@code cosine}: final rate as a fraction of the base rate. */
    @Key(value = "cosine: final rate as a fraction of the base rate", usedBy = "ScheduleType.COSINE", min = 0, max = 1)
    public double finalFraction = 0;

    /** For {@code step}: the epochs (from 1) after which the rate is multiplied by factor. */
    @Key(value = "step: the epochs (from 1, increasing) after which the rate is multiplied by factor", usedBy = "ScheduleType.STEP", min = 1)
    public List<Integer> milestones = new ArrayList<>();

    /** For {@code step}: the multiplier. */
    @Key(value = "step: the multiplier", usedBy = "ScheduleType.STEP", min = 0, minExclusive = true, max = 1)
    public double factor = 0.1;

    /** For {@code anytime}: the smoothness L capping the rate at 1/(2L); 0 for no cap. */
    @Key(value = "anytime: the smoothness L capping the rate at 1/(2L); 0 for no cap", usedBy = "ScheduleType.ANYTIME", min = 0)
    public double smoothness = 0;
}
