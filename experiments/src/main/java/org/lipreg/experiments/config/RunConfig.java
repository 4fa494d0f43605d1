package org.lipreg.experiments.config;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * A training run, as read from JSON or YAML. Every field has a default, so a config only names
 * what it changes; the resolved config (defaults filled in) is written to the run directory.
 */
@JsonPropertyOrder({"name", "seed", "epochs", "data", "model", "optimizer", "schedule", "regularizers", "log"})
public final class RunConfig {

    /** A short name for the run; used in default output directory names. */
    public String name = "run";

    /** Seed for initialization, data order and synthetic data. */
    public long seed = 42;

    /** Number of epochs. */
    public int epochs = 3;

    /** Where the examples come from. */
    public DataConfig data = new DataConfig();

    /** The network. */
    public ModelConfig model = new ModelConfig();

    /** The optimizer. */
    public OptimizerConfig optimizer = new OptimizerConfig();

    /** The learning-rate schedule. */
    public ScheduleConfig schedule = new ScheduleConfig();

    /** Terms added to the loss, e.g. {@code [{type: spectral-penalty, lambda: 0.01}]}. */
    public java.util.List<RegularizerSpec> regularizers = new java.util.ArrayList<>();

    /**
     * What the run logs besides metrics.csv, e.g. {@code {everySteps: 100}} for steps.csv. Left out
     * of the resolved config while unset, so that runs written before the key existed still
     * resume with the same config.
     */
    @JsonInclude(value = JsonInclude.Include.CUSTOM, valueFilter = LogConfig.Unset.class)
    public LogConfig log = new LogConfig();
}
