package org.lipreg.experiments.config;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Loads and validates {@link RunConfig}s. */
public final class RunConfigs {

    private RunConfigs() {}

    /**
     * Reads a run config file, applies overrides, binds and validates it.
     *
     * @param file the JSON or YAML file, or {@code null} for the defaults
     * @param overrides {@code key.path=value} assignments, applied in order
     * @return the validated config
     * @throws ConfigException naming every problem found
     */
    public static RunConfig load(Path file, List<String> overrides) throws ConfigException {
        ObjectNode tree = file == null ? ConfigLoader.toTree(new RunConfig()) : ConfigLoader.readTree(file);
        for (String assignment : overrides) {
            ConfigLoader.applyOverride(tree, assignment);
        }
        try {
            RunConfig config = ConfigLoader.bind(tree, RunConfig.class);
            validate(config);
            return config;
        } catch (ConfigException e) {
            throw e.locate(KeyLines.of(file, overrides));
        }
    }

    /**
     * Checks every value's range and every choice against its allowed values (filling in the
     * {@code transformer} preset's defaults first, see {@link ModelConfig#resolveDefaults}), and
     * that every number is finite as a 32-bit float.
     *
     * @param c the config
     * @throws ConfigException listing all problems, each with its key path
     */
    public static void validate(RunConfig c) throws ConfigException {
        if (c.model != null) {
            c.model.resolveDefaults();
        }
        List<String> p = new ArrayList<>();
        // Each key against its registration (set, one of its choices, within its range) ...
        ConfigRegistry.check(c, "", p);
        // ... then the rules that involve several keys.
        if (c.name != null && !c.name.matches("[A-Za-z0-9._-]+")) {
            p.add("name: must be letters, digits, '.', '_' or '-' (got " + quote(c.name) + ")");
        }
        if (c.data != null) {
            validateData(p, c);
        }
        if (c.model != null) {
            validateModel(p, c);
        }
        if (c.schedule != null && c.schedule.milestones != null) {
            int previous = 0;
            for (int i = 0; i < c.schedule.milestones.size(); i++) {
                Integer m = c.schedule.milestones.get(i);
                if (m != null && m >= 1 && m <= previous) {
                    p.add("schedule.milestones[" + i + "]: epochs must increase and be at least 1 (got " + m + ")");
                    break;
                }
                previous = m == null ? previous : m;
            }
        }
        FiniteNumbers.check(ConfigLoader.toTree(c), p);
        if (!p.isEmpty()) {
            throw new ConfigException(p);
        }
    }

    private static void validateData(List<String> p, RunConfig c) {
        if ("idx".equals(c.data.type) && (c.data.path == null || c.data.path.isBlank())) {
            p.add("data.path: required when data.type is idx (a directory of IDX files)");
        }
        if ("csv".equals(c.data.type) && (c.data.path == null || c.data.path.isBlank())) {
            p.add("data.path: required when data.type is csv (a numeric table, last column the label)");
        }
        if (c.data.classes != null && c.data.classes >= 2) {
            validateClasses(p, c.data);
        }
        if ("text".equals(c.data.type)) {
            validateText(p, c);
        } else {
            if (c.data.trainFile != null) {
                p.add("data.trainFile: only used with data.type text (type is " + c.data.type + ")");
            }
            if (c.data.testFile != null) {
                p.add("data.testFile: only used with data.type text (type is " + c.data.type + ")");
            }
        }
    }

    private static void validateModel(List<String> p, RunConfig c) {
        ModelConfig m = c.model;
        validateTransformer(p, c);
        if (!"none".equals(m.spectralNorm) && m.weightStandardization) {
            p.add("model.spectralNorm: cannot be combined with model.weightStandardization (the standardization rescales)");
        }
        Activation activation = m.activation == null ? null : Choice.find(Activation.class, m.activation).orElse(null);
        int sortGroup = activation == null || m.groupSize < 2 ? 1 : activation.sortGroup(m);
        if (sortGroup >= 2 && !"custom".equals(m.preset)) {
            List<Integer> widths = new ArrayList<>(m.hidden == null ? List.of() : m.hidden);
            if ("cnn".equals(m.preset) && m.channels != null) {
                widths.addAll(m.channels);
            }
            for (Integer w : widths) {
                if (w != null && w % sortGroup != 0) {
                    p.add("model.activation: " + m.activation + " sorts groups of " + sortGroup
                            + " channels, which must divide every width in model.channels and model.hidden (got " + w + ")");
                    break;
                }
            }
        }
        boolean grouped = "gn".equals(m.norm) || "bcn".equals(m.norm);
        if (grouped && m.groups >= 1 && "cnn".equals(m.preset) && m.channels != null) {
            for (int i = 0; i < m.channels.size(); i++) {
                Integer ch = m.channels.get(i);
                if (ch != null && ch % m.groups != 0) {
                    p.add("model.groups: " + m.groups + " must divide every entry of model.channels (model.channels["
                            + i + "] is " + ch + ")");
                    break;
                }
            }
        }
        if ("custom".equals(m.preset)) {
            if (m.layers == null || m.layers.isEmpty()) {
                p.add("model.layers: required (non-empty) when model.preset is custom");
            }
        } else if (m.layers != null) {
            p.add("model.layers: only used with model.preset custom (preset is " + m.preset + ")");
        }
    }

    /** {@code data.classes} (at least 2 by its registration): a real choice for idx and csv data, fixed by the other labelled types. */
    private static void validateClasses(List<String> p, DataConfig data) {
        int classes = data.classes;
        switch (data.type) {
            case "idx" -> {
                if (classes > 256) {
                    p.add("data.classes: idx labels are bytes, so at most 256 classes (got " + classes + ")");
                }
            }
            case "csv" -> { }
            case "text" -> p.add("data.classes: only used with labelled data (type is text)");
            default -> {
                if (classes != 10 && Choice.find(DataType.class, data.type).isPresent()) {
                    p.add("data.classes: " + data.type + " data has 10 classes (got " + classes + ")");
                }
            }
        }
    }

    private static void validateText(List<String> p, RunConfig c) {
        if (c.data.path == null || c.data.path.isBlank()) {
            p.add("data.path: required when data.type is text (the directory holding data.trainFile and data.testFile)");
        }
        if (c.data.trainFile == null || c.data.trainFile.isBlank()) {
            p.add("data.trainFile: required when data.type is text (e.g. ptb.valid.txt; the vocabulary is built from it)");
        }
        if (c.data.testFile == null || c.data.testFile.isBlank()) {
            p.add("data.testFile: required when data.type is text (e.g. ptb.test.txt)");
        }
        if (c.data.trainingNoise != 0) {
            p.add("data.trainingNoise: must be 0 with data.type text (inputs are token ids)");
        }
        if (c.model != null && !"transformer".equals(c.model.preset)) {
            p.add("data.type: text needs model.preset transformer (preset is " + quote(c.model.preset) + ")");
        }
    }

    private static void validateTransformer(List<String> p, RunConfig c) {
        ModelConfig m = c.model;
        boolean transformer = "transformer".equals(m.preset);
        if (!transformer) {
            Norm norm = m.norm == null ? null : Choice.find(Norm.class, m.norm).orElse(null);
            if (norm != null && !norm.cnn()) {
                p.add("model.norm: " + m.norm + " is a transformer norm; it needs model.preset transformer and data.type text");
            }
            String[] keys = {"blocks", "heads", "width", "ffWidth", "normPosition", "dropout", "sequenceLength",
                "pnGroups", "pnWarmup"};
            Object[] values = {m.blocks, m.heads, m.width, m.ffWidth, m.normPosition, m.dropout, m.sequenceLength,
                m.pnGroups, m.pnWarmup};
            for (int i = 0; i < keys.length; i++) {
                if (values[i] != null) {
                    p.add("model." + keys[i] + ": only used with model.preset transformer (preset is " + quote(m.preset) + ")");
                }
            }
            return;
        }
        if (c.data != null && !"text".equals(c.data.type)) {
            p.add("model.preset: transformer needs data.type text (type is " + quote(c.data.type) + ")");
        }
        List<String> transformerNorms = Arrays.stream(Norm.values()).filter(Norm::transformer).map(Norm::id).toList();
        if (m.norm == null || !transformerNorms.contains(m.norm)) {
            p.add("model.norm: the transformer preset needs one of " + transformerNorms + " (got "
                    + quote(m.norm) + ")");
        }
        if (m.heads >= 1 && m.width >= 1 && m.width % m.heads != 0) {
            p.add("model.heads: " + m.heads + " must divide model.width (" + m.width + ")");
        }
        if (m.pnGroups >= 1 && m.width >= 1 && m.width % m.pnGroups != 0) {
            p.add("model.pnGroups: " + m.pnGroups + " must divide model.width (" + m.width + ")");
        }
        if (!"none".equals(m.spectralNorm)) {
            p.add("model.spectralNorm: not supported by the transformer preset (use none)");
        }
        if (m.weightStandardization) {
            p.add("model.weightStandardization: not supported by the transformer preset");
        }
        if (c.regularizers != null && !c.regularizers.isEmpty()) {
            p.add("regularizers: not supported with model.preset transformer yet (got " + c.regularizers.size() + ")");
        }
    }

    private static String quote(String s) {
        return s == null ? "nothing" : "'" + s + "'";
    }
}
