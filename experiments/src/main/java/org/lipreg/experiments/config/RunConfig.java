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
    @Key(value = "a short name for the run (letters, digits, ., _, -); used in default output directory names", usedBy = "RunExecutor")
    public String name = "run";

    /** Seed for initialization, data order and synthetic data. */
    @Key(value = "seed of initialization, data order and synthetic data", usedBy = "RunExecutor → training")
    public long seed = 42;

    /** Number of epochs. */
    @Key(value = "number of epochs", usedBy = "RunExecutor → training", min = 1)
    public int epochs = 3;

    /** Where the examples come from. */
    @Key(value = "where the examples come from", usedBy = "Datasets")
    public DataConfig data = new DataConfig();

    /** The network. */
    @Key(value = "the network", usedBy = "ModelFactory")
    public ModelConfig model = new ModelConfig();

    /** The optimizer. */
    @Key(value = "the optimizer", usedBy = "OptimizerFactory")
    public OptimizerConfig optimizer = new OptimizerConfig();

    /** The learning-rate schedule. */
    @Key(value = "the learning-rate schedule", usedBy = "OptimizerFactory")
    public ScheduleConfig schedule = new ScheduleConfig();

    /** Terms added to the loss, e.g. {@code [{type: spectral-penalty, lambda: 0.01}]}. */
    @Key(value = "terms added to the loss, e.g. [{type: spectral-penalty, lambda: 0.01}]", usedBy = "Regularizers → training")
    public java.util.List<RegularizerSpec> regularizers = new java.util.ArrayList<>();

    /**
     * What the run logs besides metrics.csv, e.g. {@code {everySteps: 100}} for steps.csv. Left out
     * of the resolved config while unset, so that runs written before the key existed still
     * resume with the same config.
     */
    @Key(value = "what the run logs besides metrics.csv", usedBy = "RunExecutor")
    @JsonInclude(value = JsonInclude.Include.CUSTOM, valueFilter = LogConfig.Unset.class)
    public LogConfig log = new LogConfig();
}
