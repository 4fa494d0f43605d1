package org.lipreg.experiments.sweep;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An ablation sweep: a base run config, a grid over config keys, optional explicit variants,
 * and the metrics to collect. The runs are training runs ({@code lipreg train}) or, when the
 * base is an RL config, RL runs ({@code lipreg rl}); see {@link RunKind}.
 *
 * <pre>
 * name: lr-seeds
 * base: {epochs: 2, data: {type: synthetic}}        # a run config (or baseConfig: FILE)
 * grid:
 *   optimizer.learningRate: [0.001, 0.01]
 *   seed: [1, 2]
 * variants:                                           # optional; each is crossed with the grid
 *   - {name: adam}
 *   - {name: sgd, set: {optimizer.name: sgd, optimizer.learningRate: 0.05}}
 * metrics: [test_accuracy, test_loss]
 * </pre>
 */
@JsonPropertyOrder({"name", "kind", "baseConfig", "base", "grid", "variants", "metrics"})
public final class SweepConfig {

    /** The sweep's name (letters, digits, '.', '_', '-'). */
    public String name = "sweep";

    /**
     * {@code train} or {@code rl}; unset, a sweep is {@code rl} when its base, a grid key or a
     * variant sets {@code agent} or {@code env} (see {@link RunKind}).
     */
    public String kind;

    /** A run config file for the base, resolved against the sweep file's directory. */
    public String baseConfig;

    /** The base run config inline (applied on top of {@link #baseConfig} if both are given). */
    public ObjectNode base;

    /** Config key path → the values it takes; the runs are the Cartesian product. */
    public LinkedHashMap<String, List<JsonNode>> grid = new LinkedHashMap<>();

    /** Explicit variants, each crossed with the grid; none means one unnamed variant. */
    public List<Variant> variants = new ArrayList<>();

    /**
     * Metrics to report (columns of metrics.csv, or for RL of returns.csv and {@code return_auc});
     * the first is the headline metric. Unset: {@link RunKind#defaultMetrics()}.
     */
    public List<String> metrics;

    /** A named set of overrides. */
    @JsonPropertyOrder({"name", "set"})
    public static final class Variant {
        /** The variant's name, used in run directory names and tables; a plain directory name (see DirectoryName). */
        public String name;

        /** Config key path → value. */
        public LinkedHashMap<String, JsonNode> set = new LinkedHashMap<>();

        /**
         * Returns the overrides.
         *
         * @return key path → value
         */
        public Map<String, JsonNode> overrides() {
            return set;
        }
    }
}
