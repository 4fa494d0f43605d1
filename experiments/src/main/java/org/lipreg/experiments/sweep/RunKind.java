package org.lipreg.experiments.sweep;

import com.fasterxml.jackson.databind.node.ObjectNode;

import org.lipreg.experiments.config.ConfigException;
import org.lipreg.experiments.config.ConfigLoader;
import org.lipreg.experiments.config.RunConfig;
import org.lipreg.experiments.config.RunConfigs;
import org.lipreg.experiments.rl.RlConfig;
import org.lipreg.experiments.rl.RlConfigs;
import org.lipreg.experiments.rl.RlRunner;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What a sweep's runs are: supervised training ({@code lipreg train}) or reinforcement learning
 * ({@code lipreg rl}). A sweep is {@link #RL} when it says {@code kind: rl}, or when its base, a
 * grid key or a variant sets {@code agent} or {@code env}, keys only RL configs have; otherwise
 * it is {@link #TRAIN}.
 */
public enum RunKind {

    /** {@link RunConfig}s run by {@code lipreg train}; metrics are columns of metrics.csv, one row per epoch. */
    TRAIN("train", "epoch", "epochs", List.of("test_accuracy", "test_loss")),

    /**
     * {@link RlConfig}s run by {@code lipreg rl}; metrics are columns of returns.csv, one row per
     * evaluation, and {@link #RETURN_AUC}.
     */
    RL("rl", "step", "steps", List.of("mean_return", "return_auc", "seconds", "critic_lipschitz_product", "critic_gradient_max"));

    /**
     * The RL metric "area under the learning curve": at each evaluation the mean of {@code
     * mean_return} over the evaluations so far, so its final value is the mean over all of them
     * (summary.json's {@code mean_return_over_curve}).
     */
    public static final String RETURN_AUC = "return_auc";

    /** Top-level keys that only RL configs have. */
    private static final List<String> RL_KEYS = List.of("agent", "env");

    private final String id;
    private final String progressColumn;
    private final String progressTotal;
    private final List<String> defaultMetrics;

    RunKind(String id, String progressColumn, String progressTotal, List<String> defaultMetrics) {
        this.id = id;
        this.progressColumn = progressColumn;
        this.progressTotal = progressTotal;
        this.defaultMetrics = defaultMetrics;
    }

    /**
     * Returns the name in sweep configs and plan files, which is also the CLI command that runs one.
     *
     * @return {@code train} or {@code rl}
     */
    public String id() {
        return id;
    }

    /**
     * Returns the column of a run's history table that counts progress: {@code epoch} or {@code step}.
     *
     * @return the column name
     */
    public String progressColumn() {
        return progressColumn;
    }

    /**
     * Returns the config key that says how long a run is; the runs table counts how far a run
     * got in {@link ReportColumns#progress}.
     *
     * @return {@code epochs} or {@code steps}
     */
    public String progressTotal() {
        return progressTotal;
    }

    /**
     * Returns the metrics a sweep reports when its config names none; the first is the headline.
     *
     * @return the metric names
     */
    public List<String> defaultMetrics() {
        return defaultMetrics;
    }

    /**
     * Returns the metrics a sweep of this kind can name, or an empty list when any column of the
     * run's history may be named (training's metrics.csv columns depend on the model and data).
     *
     * @return the metric names, or empty
     */
    public List<String> knownMetrics() {
        if (this == TRAIN) {
            return List.of();
        }
        List<String> names = new ArrayList<>(RlRunner.RETURNS_COLUMNS);
        names.remove(progressColumn);
        names.add(RETURN_AUC);
        return names;
    }

    /**
     * Binds a run's config tree to its config class and validates it.
     *
     * @param tree the run's config tree
     * @return the resolved config, every default filled in
     * @throws ConfigException naming the key of every problem
     */
    public ObjectNode validate(ObjectNode tree) throws ConfigException {
        if (this == TRAIN) {
            RunConfig run = ConfigLoader.bind(tree, RunConfig.class);
            RunConfigs.validate(run);
            return ConfigLoader.toTree(run);
        }
        RlConfig run = ConfigLoader.bind(tree, RlConfig.class);
        RlConfigs.validate(run);
        return ConfigLoader.toTree(run);
    }

    /**
     * Reads a kind by its {@link #id()}.
     *
     * @param id {@code train} or {@code rl}
     * @return the kind
     * @throws ConfigException naming {@code kind} if it is neither
     */
    public static RunKind of(String id) throws ConfigException {
        for (RunKind kind : values()) {
            if (kind.id.equals(id)) {
                return kind;
            }
        }
        throw new ConfigException("kind: must be one of "
                + Arrays.stream(values()).map(RunKind::id).toList() + " (got " + id + ")");
    }

    /**
     * Decides a sweep's kind: its {@code kind} if given, else {@link #RL} when the base, a grid key
     * or a variant sets a key only RL configs have.
     *
     * @param config the sweep
     * @param base its base config tree (baseConfig and base merged)
     * @return the kind
     * @throws ConfigException if {@code kind} is neither {@code train} nor {@code rl}
     */
    static RunKind detect(SweepConfig config, ObjectNode base) throws ConfigException {
        if (config.kind != null) {
            return of(config.kind);
        }
        List<String> keys = new ArrayList<>();
        base.fieldNames().forEachRemaining(keys::add);
        keys.addAll(config.grid.keySet());
        for (SweepConfig.Variant v : config.variants) {
            if (v != null && v.set != null) {
                keys.addAll(v.set.keySet());
            }
        }
        return setsRlKey(keys) ? RL : TRAIN;
    }

    /**
     * Decides a single run config's kind (what {@code lipreg config} prints it as): {@link #RL}
     * when it sets {@code agent} or {@code env}, the rule {@link #detect} applies to a sweep's base.
     *
     * @param run the run config tree, overrides applied
     * @return the kind
     */
    public static RunKind ofRun(ObjectNode run) {
        List<String> keys = new ArrayList<>();
        run.fieldNames().forEachRemaining(keys::add);
        return setsRlKey(keys) ? RL : TRAIN;
    }

    /** Whether a key path (e.g. {@code env} or {@code agent.x}) starts with a key only RL configs have. */
    private static boolean setsRlKey(List<String> keyPaths) {
        return keyPaths.stream().map(k -> k.split("\\.", 2)[0]).anyMatch(RL_KEYS::contains);
    }
}
