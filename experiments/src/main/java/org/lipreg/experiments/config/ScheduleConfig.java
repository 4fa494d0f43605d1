package org.lipreg.experiments.config;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import java.util.ArrayList;
import java.util.List;

/** The learning-rate schedule over optimizer updates. */
@JsonPropertyOrder({"type", "warmupSteps", "finalFraction", "milestones", "factor", "smoothness"})
public final class ScheduleConfig {

    /** The allowed values of {@link #type}. */
    public static final List<String> TYPES = List.of("constant", "cosine", "step", "linear-decay", "anytime");

    /**
     * {@code constant}; {@code cosine} from the base rate to {@code finalFraction} of it over the
     * whole run; {@code step}: multiply by {@code factor} at each epoch in {@code milestones};
     * {@code linear-decay}: linearly to zero over the whole run (last-iterate optimal with a
     * known horizon); {@code anytime}: {@code min(1/(2L), η/√t)} with L = {@code smoothness}.
     */
    public String type = "constant";

    /** Linear warm-up from 0 over this many updates (0 for none). */
    public int warmupSteps = 0;

    /** For {@code cosine}: final rate as a fraction of the base rate. */
    public double finalFraction = 0;

    /** For {@code step}: the epochs (from 1) after which the rate is multiplied by factor. */
    public List<Integer> milestones = new ArrayList<>();

    /** For {@code step}: the multiplier. */
    public double factor = 0.1;

    /** For {@code anytime}: the smoothness L capping the rate at 1/(2L); 0 for no cap. */
    public double smoothness = 0;
}
