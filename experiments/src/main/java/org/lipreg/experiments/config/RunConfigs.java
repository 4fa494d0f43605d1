package org.lipreg.experiments.config;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.file.Path;
import java.util.ArrayList;
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
        RunConfig config = ConfigLoader.bind(tree, RunConfig.class);
        if (config.model != null) {
            config.model.resolveDefaults();
        }
        validate(config);
        return config;
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
        List<String> p = new ArrayList<>();
        if (c.name == null || !c.name.matches("[A-Za-z0-9._-]+")) {
            p.add("name: must be letters, digits, '.', '_' or '-' (got " + quote(c.name) + ")");
        }
        atLeast(p, "epochs", c.epochs, 1);
        if (c.data == null) {
            p.add("data: must be a mapping");
        } else {
            oneOf(p, "data.type", c.data.type, DataConfig.TYPES);
            atLeast(p, "data.batchSize", c.data.batchSize, 1);
            if (c.data.trainSize != null) {
                atLeast(p, "data.trainSize", c.data.trainSize, 1);
            }
            if (c.data.testSize != null) {
                atLeast(p, "data.testSize", c.data.testSize, 1);
            }
            if (!(c.data.trainingNoise >= 0) || Double.isInfinite(c.data.trainingNoise)) {
                p.add("data.trainingNoise: must be a finite value >= 0 (got " + c.data.trainingNoise + ")");
            }
            if (!(c.data.noise >= 0 && c.data.noise <= 1)) {
                p.add("data.noise: must be in [0, 1] (got " + c.data.noise + ")");
            }
            if ("idx".equals(c.data.type) && (c.data.path == null || c.data.path.isBlank())) {
                p.add("data.path: required when data.type is idx (a directory of IDX files)");
            }
            if ("csv".equals(c.data.type) && (c.data.path == null || c.data.path.isBlank())) {
                p.add("data.path: required when data.type is csv (a numeric table, last column the label)");
            }
            if (c.data.classes != null) {
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
        if (c.model == null) {
            p.add("model: must be a mapping");
        } else {
            c.model.resolveDefaults();
            oneOf(p, "model.preset", c.model.preset, ModelConfig.PRESETS);
            validateTransformer(p, c);
            oneOf(p, "model.norm", c.model.norm, ModelConfig.NORMS);
            oneOf(p, "model.bcnMode", c.model.bcnMode, ModelConfig.BCN_MODES);
            oneOf(p, "model.activation", c.model.activation, ModelConfig.ACTIVATIONS);
            oneOf(p, "model.spectralNorm", c.model.spectralNorm, ModelConfig.SPECTRAL_NORMS);
            if (!(c.model.spectralNormTarget > 0) || !Double.isFinite(c.model.spectralNormTarget)) {
                p.add("model.spectralNormTarget: must be a positive number (got " + c.model.spectralNormTarget + ")");
            }
            atLeast(p, "model.spectralNormIterations", c.model.spectralNormIterations, 1);
            if (!"none".equals(c.model.spectralNorm) && c.model.weightStandardization) {
                p.add("model.spectralNorm: cannot be combined with model.weightStandardization (a standardized "
                        + "weight is not the parameter that spectral normalization rescales)");
            }
            atLeast(p, "model.groupSize", c.model.groupSize, 2);
            int sortGroup = "maxmin".equals(c.model.activation) ? 2
                    : "groupsort".equals(c.model.activation) ? c.model.groupSize : 1;
            if (sortGroup >= 2 && !"custom".equals(c.model.preset)) {
                List<Integer> widths = new ArrayList<>(c.model.hidden == null ? List.of() : c.model.hidden);
                if ("cnn".equals(c.model.preset) && c.model.channels != null) {
                    widths.addAll(c.model.channels);
                }
                for (Integer w : widths) {
                    if (w != null && w % sortGroup != 0) {
                        p.add("model.activation: " + c.model.activation + " sorts groups of " + sortGroup
                                + " channels, which must divide every width in model.channels and model.hidden (got " + w + ")");
                        break;
                    }
                }
            }
            atLeast(p, "model.groups", c.model.groups, 1);
            if (!(c.model.bcnMovingSpeed > 0 && c.model.bcnMovingSpeed <= 1)) {
                p.add("model.bcnMovingSpeed: must be in (0, 1] (got " + c.model.bcnMovingSpeed + ")");
            }
            boolean grouped = "gn".equals(c.model.norm) || "bcn".equals(c.model.norm);
            if (grouped && c.model.groups >= 1 && "cnn".equals(c.model.preset) && c.model.channels != null) {
                for (int i = 0; i < c.model.channels.size(); i++) {
                    Integer ch = c.model.channels.get(i);
                    if (ch != null && ch % c.model.groups != 0) {
                        p.add("model.groups: " + c.model.groups + " must divide every entry of model.channels (model.channels["
                                + i + "] is " + ch + ")");
                        break;
                    }
                }
            }
            positiveList(p, "model.channels", c.model.channels);
            positiveList(p, "model.hidden", c.model.hidden);
            if ("custom".equals(c.model.preset)) {
                if (c.model.layers == null || c.model.layers.isEmpty()) {
                    p.add("model.layers: required (non-empty) when model.preset is custom");
                } else {
                    validateLayers(p, c.model.layers);
                }
            } else if (c.model.layers != null) {
                p.add("model.layers: only used with model.preset custom (preset is " + c.model.preset + ")");
            }
        }
        if (c.optimizer == null) {
            p.add("optimizer: must be a mapping");
        } else {
            oneOf(p, "optimizer.name", c.optimizer.name, OptimizerConfig.NAMES);
            if (!(c.optimizer.learningRate > 0) || !Double.isFinite(c.optimizer.learningRate)) {
                p.add("optimizer.learningRate: must be a positive number (got " + c.optimizer.learningRate + ")");
            }
            if (!(c.optimizer.momentum >= 0 && c.optimizer.momentum < 1)) {
                p.add("optimizer.momentum: must be in [0, 1) (got " + c.optimizer.momentum + ")");
            }
            if (!(c.optimizer.weightDecay >= 0) || !Double.isFinite(c.optimizer.weightDecay)) {
                p.add("optimizer.weightDecay: must be at least 0 (got " + c.optimizer.weightDecay + ")");
            }
        }
        if (c.log == null) {
            p.add("log: must be a mapping");
        } else if (c.log.everySteps != null) {
            atLeast(p, "log.everySteps", c.log.everySteps, 1);
        }
        if (c.schedule == null) {
            p.add("schedule: must be a mapping");
        } else {
            oneOf(p, "schedule.type", c.schedule.type, ScheduleConfig.TYPES);
            atLeast(p, "schedule.warmupSteps", c.schedule.warmupSteps, 0);
            if (!(c.schedule.finalFraction >= 0 && c.schedule.finalFraction <= 1)) {
                p.add("schedule.finalFraction: must be in [0, 1] (got " + c.schedule.finalFraction + ")");
            }
            if (!(c.schedule.smoothness >= 0) || !Double.isFinite(c.schedule.smoothness)) {
                p.add("schedule.smoothness: must be at least 0 (got " + c.schedule.smoothness + ")");
            }
            if (!(c.schedule.factor > 0 && c.schedule.factor <= 1)) {
                p.add("schedule.factor: must be in (0, 1] (got " + c.schedule.factor + ")");
            }
            if (c.schedule.milestones == null) {
                p.add("schedule.milestones: must be a list (may be empty)");
            } else {
                int previous = 0;
                for (int i = 0; i < c.schedule.milestones.size(); i++) {
                    Integer m = c.schedule.milestones.get(i);
                    if (m == null || m <= previous) {
                        p.add("schedule.milestones[" + i + "]: epochs must increase and be at least 1 (got " + m + ")");
                        break;
                    }
                    previous = m;
                }
            }
        }
        if (c.regularizers == null) {
            p.add("regularizers: must be a list (may be empty)");
        } else {
            for (int i = 0; i < c.regularizers.size(); i++) {
                String at = "regularizers[" + i + "]";
                RegularizerSpec r = c.regularizers.get(i);
                if (r instanceof RegularizerSpec.SpectralPenalty sp) {
                    if (!(sp.lambda >= 0) || !Double.isFinite(sp.lambda)) {
                        p.add(at + ".lambda: must be a finite number at least 0 (got " + sp.lambda + ")");
                    }
                    oneOf(p, at + ".operator", sp.operator, RegularizerSpec.SpectralPenalty.OPERATORS);
                    atLeast(p, at + ".iterations", sp.iterations, 1);
                } else if (r instanceof RegularizerSpec.Adversarial adv) {
                    if (!(adv.lambda >= 0) || !Double.isFinite(adv.lambda)) {
                        p.add(at + ".lambda: must be a finite number at least 0 (got " + adv.lambda + ")");
                    }
                    if (!(adv.epsilon > 0) || !Double.isFinite(adv.epsilon)) {
                        p.add(at + ".epsilon: must be a positive number (got " + adv.epsilon + ")");
                    }
                    atLeast(p, at + ".steps", adv.steps, 1);
                    if (!(adv.stepSize >= 0) || !Double.isFinite(adv.stepSize)) {
                        p.add(at + ".stepSize: must be at least 0 (0: 2.5·epsilon/steps) (got " + adv.stepSize + ")");
                    }
                    oneOf(p, at + ".norm", adv.norm, RegularizerSpec.Adversarial.NORMS);
                    oneOf(p, at + ".divergence", adv.divergence, RegularizerSpec.Adversarial.DIVERGENCES);
                } else if (r == null) {
                    p.add(at + ": must be a mapping with a type");
                }
            }
        }
        FiniteNumbers.check(ConfigLoader.toTree(c), p);
        if (!p.isEmpty()) {
            throw new ConfigException(p);
        }
    }

    /** {@code data.classes}: a real choice for idx and csv data, fixed by the other labelled types. */
    private static void validateClasses(List<String> p, DataConfig data) {
        int classes = data.classes;
        switch (data.type) {
            case "idx" -> {
                atLeast(p, "data.classes", classes, 2);
                if (classes > 256) {
                    p.add("data.classes: idx labels are bytes, so at most 256 classes (got " + classes + ")");
                }
            }
            case "csv" -> atLeast(p, "data.classes", classes, 2);
            case "text" -> p.add("data.classes: only used with labelled data (type is text)");
            default -> {
                atLeast(p, "data.classes", classes, 2);
                if (classes >= 2 && classes != 10 && DataConfig.TYPES.contains(data.type)) {
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
            if (m.norm != null && ModelConfig.TRANSFORMER_NORMS.contains(m.norm) && !"bn".equals(m.norm)) {
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
        if (m.norm == null || !ModelConfig.TRANSFORMER_NORMS.contains(m.norm)) {
            p.add("model.norm: the transformer preset needs one of " + ModelConfig.TRANSFORMER_NORMS + " (got "
                    + quote(m.norm) + ")");
        }
        atLeast(p, "model.blocks", m.blocks, 1);
        atLeast(p, "model.heads", m.heads, 1);
        atLeast(p, "model.width", m.width, 1);
        atLeast(p, "model.ffWidth", m.ffWidth, 1);
        atLeast(p, "model.sequenceLength", m.sequenceLength, 1);
        atLeast(p, "model.pnGroups", m.pnGroups, 1);
        atLeast(p, "model.pnWarmup", m.pnWarmup, 0);
        if (m.heads >= 1 && m.width >= 1 && m.width % m.heads != 0) {
            p.add("model.heads: " + m.heads + " must divide model.width (" + m.width + ")");
        }
        if (m.pnGroups >= 1 && m.width >= 1 && m.width % m.pnGroups != 0) {
            p.add("model.pnGroups: " + m.pnGroups + " must divide model.width (" + m.width + ")");
        }
        oneOf(p, "model.normPosition", m.normPosition, ModelConfig.NORM_POSITIONS);
        if (!(m.dropout >= 0 && m.dropout < 1)) {
            p.add("model.dropout: must be in [0, 1) (got " + m.dropout + ")");
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

    private static void validateLayers(List<String> p, List<LayerSpec> layers) {
        for (int i = 0; i < layers.size(); i++) {
            String at = "model.layers[" + i + "]";
            LayerSpec layer = layers.get(i);
            if (layer instanceof LayerSpec.Conv conv) {
                atLeast(p, at + ".channels", conv.channels, 1);
                atLeast(p, at + ".kernel", conv.kernel, 1);
                atLeast(p, at + ".stride", conv.stride, 1);
                atLeast(p, at + ".padding", conv.padding, 0);
            } else if (layer instanceof LayerSpec.Linear linear) {
                atLeast(p, at + ".units", linear.units, 1);
            } else if (layer instanceof LayerSpec.MaxPool pool) {
                atLeast(p, at + ".kernel", pool.kernel, 1);
                atLeast(p, at + ".stride", pool.stride, 0);
            } else if (layer instanceof LayerSpec.AvgPool pool) {
                atLeast(p, at + ".kernel", pool.kernel, 1);
                atLeast(p, at + ".stride", pool.stride, 0);
            } else if (layer instanceof LayerSpec.GroupSort gs) {
                atLeast(p, at + ".groupSize", gs.groupSize, 2);
            } else if (layer instanceof LayerSpec.GroupNorm gn) {
                atLeast(p, at + ".groups", gn.groups, 1);
            } else if (layer instanceof LayerSpec.BatchChannelNorm bcn) {
                atLeast(p, at + ".groups", bcn.groups, 1);
                oneOf(p, at + ".mode", bcn.mode, ModelConfig.BCN_MODES);
                if (!(bcn.movingSpeed > 0 && bcn.movingSpeed <= 1)) {
                    p.add(at + ".movingSpeed: must be in (0, 1] (got " + bcn.movingSpeed + ")");
                }
            } else if (layer instanceof LayerSpec.Dropout dropout) {
                if (!(dropout.rate >= 0 && dropout.rate < 1)) {
                    p.add(at + ".rate: must be in [0, 1) (got " + dropout.rate + ")");
                }
            } else if (layer == null) {
                p.add(at + ": must be a mapping with a type");
            }
        }
    }

    private static void atLeast(List<String> p, String key, long value, long min) {
        if (value < min) {
            p.add(key + ": must be at least " + min + " (got " + value + ")");
        }
    }

    private static void oneOf(List<String> p, String key, String value, List<String> allowed) {
        if (value == null || !allowed.contains(value)) {
            p.add(key + ": " + quote(value) + " is not one of " + allowed);
        }
    }

    private static void positiveList(List<String> p, String key, List<Integer> values) {
        if (values == null) {
            p.add(key + ": must be a list of positive integers");
            return;
        }
        for (int i = 0; i < values.size(); i++) {
            Integer v = values.get(i);
            if (v == null || v < 1) {
                p.add(key + "[" + i + "]: must be a positive integer (got " + v + ")");
            }
        }
    }

    private static String quote(String s) {
        return s == null ? "nothing" : "'" + s + "'";
    }
}
