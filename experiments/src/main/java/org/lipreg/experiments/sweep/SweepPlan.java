package org.lipreg.experiments.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.lipreg.experiments.config.ConfigException;
import org.lipreg.experiments.config.ConfigLoader;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A sweep expanded into its runs: variants (or one unnamed variant) × the grid's Cartesian
 * product, the first grid key varying slowest. Every run's config is validated as strictly as a
 * single run's (as a training or an RL config, by the sweep's {@link RunKind}), and every
 * problem names the sweep key it comes from.
 *
 * @param config the sweep config
 * @param kind what the runs are
 * @param metrics the metrics to report: the config's, or the kind's default
 * @param runs the runs, in order
 */
public record SweepPlan(SweepConfig config, RunKind kind, List<String> metrics, List<SweepRun> runs) {

    /** Top-level keys only a sweep file has. */
    private static final List<String> SWEEP_KEYS = List.of("grid", "variants", "base", "baseConfig");

    /**
     * Reads and expands a sweep file.
     *
     * @param file the sweep file (JSON or YAML)
     * @return the plan
     * @throws ConfigException naming the sweep key of every problem
     */
    public static SweepPlan load(Path file) throws ConfigException {
        return load(file, List.of());
    }

    /**
     * Reads a sweep file, applies {@code key.path=value} overrides to it (e.g. {@code
     * base.epochs=1}) and expands it.
     *
     * @param file the sweep file (JSON or YAML)
     * @param overrides assignments to the sweep file's keys, applied in order
     * @return the plan
     * @throws ConfigException naming the sweep key of every problem
     */
    public static SweepPlan load(Path file, List<String> overrides) throws ConfigException {
        ObjectNode tree = ConfigLoader.readTree(file);
        for (String assignment : overrides) {
            ConfigLoader.applyOverride(tree, assignment);
        }
        SweepConfig config = ConfigLoader.bind(tree, SweepConfig.class);
        Path dir = file.toAbsolutePath().getParent();
        return expand(config, dir);
    }

    /**
     * Whether a config file's tree is a sweep rather than a run config: it has {@code grid},
     * {@code variants}, {@code base} or {@code baseConfig}, keys no run config has.
     *
     * @param tree a config file's top level
     * @return true for a sweep
     */
    public static boolean isSweep(ObjectNode tree) {
        return SWEEP_KEYS.stream().anyMatch(tree::has);
    }

    /**
     * Expands a sweep config.
     *
     * @param config the sweep
     * @param dir the directory {@code baseConfig} is resolved against
     * @return the plan
     * @throws ConfigException naming the sweep key of every problem
     */
    public static SweepPlan expand(SweepConfig config, Path dir) throws ConfigException {
        List<String> problems = new ArrayList<>();
        if (config.name == null || !config.name.matches("[A-Za-z0-9._-]+")) {
            problems.add("name: must be letters, digits, '.', '_' or '-' (got " + config.name + ")");
        }
        ObjectNode base = config.baseConfig == null
                ? ConfigLoader.json().createObjectNode()
                : ConfigLoader.readTree(dir.resolve(config.baseConfig));
        if (config.base != null) {
            merge(base, config.base);
        }
        RunKind kind;
        try {
            kind = RunKind.detect(config, base);
        } catch (ConfigException e) {
            problems.addAll(e.problems());
            throw new ConfigException(problems);
        }
        List<String> metrics = config.metrics == null ? kind.defaultMetrics() : config.metrics;
        if (metrics.isEmpty()) {
            problems.add("metrics: must name at least one metric (e.g. " + kind.defaultMetrics().get(0) + ")");
        }
        List<String> known = kind.knownMetrics();
        for (int i = 0; i < metrics.size(); i++) {
            String m = metrics.get(i);
            if (m == null || m.isBlank() || (!known.isEmpty() && !known.contains(m))) {
                problems.add("metrics[" + i + "]: '" + m + "' is not one of "
                        + (known.isEmpty() ? "the columns of metrics.csv" : known));
            }
            if (metrics.subList(0, i).contains(m)) {
                problems.add("metrics[" + i + "]: '" + m + "' is named twice");
            }
        }
        try {
            kind.validate(base);
        } catch (ConfigException e) {
            e.problems().forEach(p -> problems.add("base." + p));
        }

        // Each axis and each variant on its own first, so a problem names where it comes from.
        for (Map.Entry<String, List<JsonNode>> axis : config.grid.entrySet()) {
            String clash = ReportColumns.clash(axis.getKey(), kind);
            if (clash != null) {
                problems.add("grid." + axis.getKey() + ": " + ReportColumns.clashProblem(clash));
            }
            if (axis.getValue() == null || axis.getValue().isEmpty()) {
                problems.add("grid." + axis.getKey() + ": must be a non-empty list of values");
                continue;
            }
            for (JsonNode value : axis.getValue()) {
                ObjectNode tree = base.deepCopy();
                try {
                    ConfigLoader.setPath(tree, axis.getKey(), value, "grid." + axis.getKey());
                    kind.validate(tree);
                } catch (ConfigException e) {
                    e.problems().forEach(p -> problems.add("grid." + axis.getKey() + " = " + value + ": " + p));
                    break;
                }
            }
        }
        Set<String> variantNames = new HashSet<>();
        for (int i = 0; i < config.variants.size(); i++) {
            SweepConfig.Variant v = config.variants.get(i);
            String at = "variants[" + i + "]";
            // The name becomes a directory inside the sweep directory (DirectoryName says which are safe).
            String nameProblem = DirectoryName.problem(v == null ? null : v.name);
            if (nameProblem != null) {
                problems.add(at + ".name: " + nameProblem);
                continue;
            }
            if (!variantNames.add(v.name)) {
                problems.add(at + ".name: '" + v.name + "' is used twice");
            }
            try {
                kind.validate(applyVariant(base, v, at));
            } catch (ConfigException e) {
                e.problems().forEach(p -> problems.add(at + " (" + v.name + "): " + p));
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }

        List<SweepConfig.Variant> variants = config.variants.isEmpty() ? List.of(new SweepConfig.Variant()) : config.variants;
        List<String> keys = new ArrayList<>(config.grid.keySet());
        Map<String, String> shortNames = shortNames(keys);
        List<SweepRun> runs = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (SweepConfig.Variant variant : variants) {
            ObjectNode variantTree = variant.name == null ? base.deepCopy() : applyVariant(base, variant, "variant");
            int[] index = new int[keys.size()];
            while (true) {
                ObjectNode tree = variantTree.deepCopy();
                Map<String, String> axes = new LinkedHashMap<>();
                List<String> parts = new ArrayList<>();
                if (variant.name != null) {
                    parts.add(variant.name);
                }
                for (int k = 0; k < keys.size(); k++) {
                    JsonNode value = config.grid.get(keys.get(k)).get(index[k]);
                    ConfigLoader.setPath(tree, keys.get(k), value, "grid." + keys.get(k));
                    String text = text(value);
                    axes.put(keys.get(k), text);
                    parts.add(shortNames.get(keys.get(k)) + "-" + text.replaceAll("[^A-Za-z0-9._+-]", "_"));
                }
                String name = parts.isEmpty() ? "base" : String.join("_", parts);
                ObjectNode run;
                try {
                    run = kind.validate(tree);
                } catch (ConfigException e) {
                    List<String> p = new ArrayList<>();
                    e.problems().forEach(x -> p.add("run " + name + ": " + x));
                    throw new ConfigException(p);
                }
                if (!names.add(name)) {
                    throw new ConfigException("grid: two runs would share the directory name '" + name
                            + "'; make the values distinct");
                }
                runs.add(new SweepRun(name, variant.name, axes, run));
                if (!advance(index, keys, config)) {
                    break;
                }
            }
        }
        return new SweepPlan(config, kind, List.copyOf(metrics), List.copyOf(runs));
    }

    /** A value as a person wrote it: 0.0005, not 5.0E-4. */
    static String text(JsonNode value) {
        if (value.isTextual()) {
            return value.asText();
        }
        if (value.isNumber()) {
            return value.decimalValue().stripTrailingZeros().toPlainString();
        }
        return value.toString();
    }

    private static boolean advance(int[] index, List<String> keys, SweepConfig config) {
        for (int k = keys.size() - 1; k >= 0; k--) {
            index[k]++;
            if (index[k] < config.grid.get(keys.get(k)).size()) {
                return true;
            }
            index[k] = 0;
        }
        return false;
    }

    private static ObjectNode applyVariant(ObjectNode base, SweepConfig.Variant variant, String at)
            throws ConfigException {
        ObjectNode tree = base.deepCopy();
        for (Map.Entry<String, JsonNode> e : variant.overrides().entrySet()) {
            ConfigLoader.setPath(tree, e.getKey(), e.getValue(), at + ".set." + e.getKey());
        }
        return tree;
    }

    /** The last path segment, unless two keys share it; then the whole path. */
    private static Map<String, String> shortNames(List<String> keys) {
        Map<String, Integer> counts = new HashMap<>();
        for (String k : keys) {
            counts.merge(last(k), 1, Integer::sum);
        }
        Map<String, String> out = new HashMap<>();
        for (String k : keys) {
            out.put(k, counts.get(last(k)) > 1 ? k : last(k));
        }
        return out;
    }

    private static String last(String path) {
        return path.substring(path.lastIndexOf('.') + 1);
    }

    private static void merge(ObjectNode into, ObjectNode from) {
        from.fields().forEachRemaining(e -> {
            JsonNode existing = into.get(e.getKey());
            if (existing instanceof ObjectNode target && e.getValue() instanceof ObjectNode source) {
                merge(target, source);
            } else {
                into.set(e.getKey(), e.getValue().deepCopy());
            }
        });
    }
}
