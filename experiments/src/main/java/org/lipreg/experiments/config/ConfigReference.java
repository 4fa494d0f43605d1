package org.lipreg.experiments.config;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The run-config reference in Markdown, generated from {@link ConfigRegistry}: every key with
 * its type, default, allowed values, meaning and user, and every choice with its meaning. It is
 * docs/configuration.md ({@code ConfigReferenceTest} fails when the committed page differs) and
 * what {@code lipreg config --reference} prints.
 */
public final class ConfigReference {

    private ConfigReference() {}

    private static final String INTRO = """
            # Configuration reference

            > Generated from the config registry (`org.lipreg.experiments.config`: each key is a field
            > registered with `@Key`, each choice an enum constant). Do not edit by hand: run
            > `./lipreg config --reference > docs/configuration.md`; `ConfigReferenceTest` fails when this
            > page is stale.

            A run config is JSON or YAML; see [training.md](training.md) for the `train` command that reads
            it. Every key has a default, so a config names only what it changes. `--set key.path=value`
            overrides any key (the value is read as YAML, so `[8, 4]` is a list; a number indexes a list:
            `model.layers.0.channels=8`). `lipreg config CONFIG [--set …]` prints a config with every
            default filled in, as the run would see it ([training.md](training.md#training-from-a-config)).
            A `custom` model lists its layers, each a mapping with a `type` (the tables below; example:
            `experiments/configs/custom-cnn.yaml`).

            Keys of other areas, each explained on its page:

            | keys | page |
            |---|---|
            | `data.type`, `data.path`, `data.classes` | [data.md](data.md) |
            | `data.type: text`, `data.trainFile`, `data.testFile`; `model.preset: transformer` and its keys | [language-model.md](language-model.md) |
            | `data.trainingNoise` | [smoothing.md](smoothing.md) |
            | `model.norm`, `model.weightStandardization`, `model.groups`, `model.bcnMode`, `model.bcnMovingSpeed`, `model.activation`, `model.groupSize` | [normalization.md](normalization.md) |
            | `regularizers`, `model.spectralNorm`, `model.spectralNormTarget`, `model.spectralNormIterations` | [regularizers.md](regularizers.md) |
            | `schedule.type: linear-decay \\| anytime`, `schedule.smoothness` | [training.md](training.md#schedules-for-the-last-iterate) |
            | `log.everySteps` (`steps.csv`) | [training.md](training.md#the-run-directory) |
            | RL configs (`agent`, `env`, `model.type`, `critic.*`, `rollout.*`) | [rl.md](rl.md) |
            | sweep configs (`base`, `baseConfig`, `grid`, `variants`, `metrics`, `kind`) | [sweeps.md](sweeps.md) |
            """;

    private static final String VALIDATION = """
            ## Validation

            Unknown keys, wrong types, values out of range and choices not listed above are reported with
            their key path and what is allowed, e.g. `optimizer.lr: unknown key (allowed: [learningRate,
            momentum, name, weightDecay])`, with a suggestion for a near miss (`optimizer.learningrate:
            unknown key ... did you mean 'learningRate'?`) and where the value came from (the file and
            line, or the `--set` that gave it). Every number must be finite as a 32-bit float
            (`optimizer.learningRate=1e300` is refused by name), and a key written twice in one mapping is
            named with both lines (`run.yaml: key 'epochs' appears twice, on line 2 and on line 5`) rather
            than the last one winning. The exit code is then 2 and nothing is written.
            """;

    /**
     * Returns the reference of run configs.
     *
     * @return the Markdown page
     */
    public static String markdown() {
        ConfigRegistry registry = ConfigRegistry.run();
        StringBuilder md = new StringBuilder(INTRO);
        // One table per section and per list-entry type, in the order the keys are registered.
        Map<String, List<ConfigKey>> tables = new LinkedHashMap<>();
        for (ConfigKey key : registry.keys()) {
            tables.computeIfAbsent(tableOf(key), t -> new java.util.ArrayList<>()).add(key);
        }
        md.append("\n## Keys and defaults\n");
        for (Map.Entry<String, List<ConfigKey>> table : tables.entrySet()) {
            md.append('\n').append(heading(table.getKey(), table.getValue().get(0))).append('\n');
            md.append("| key | type | default | allowed | meaning | used by |\n|---|---|---|---|---|---|\n");
            for (ConfigKey key : table.getValue()) {
                md.append("| `").append(key.path()).append("` | ").append(key.type()).append(" | ")
                        .append(defaultCell(key)).append(" | ").append(allowed(key)).append(" | ")
                        .append(cell(key.key().value())).append(" | ").append(cell(key.key().usedBy())).append(" |\n");
            }
        }
        md.append("\n## Choices\n");
        Set<Class<? extends Choice>> shown = new LinkedHashSet<>();
        for (ConfigKey key : registry.keys()) {
            Class<? extends Choice> choices = key.key().choices();
            if (choices == Choice.class || !shown.add(choices)) {
                continue;
            }
            List<String> paths = registry.keys().stream().filter(k -> k.key().choices() == choices)
                    .map(k -> "`" + k.path() + "`").distinct().toList();
            md.append('\n').append(String.join(", ", paths)).append(" (`").append(choices.getName()
                    .substring(choices.getPackageName().length() + 1).replace('$', '.')).append("`):\n\n");
            for (Choice c : choices.getEnumConstants()) {
                md.append("- `").append(c.id()).append("`: ").append(c.meaning()).append('\n');
            }
        }
        md.append('\n').append(VALIDATION);
        return md.toString();
    }

    /** The table a key belongs to: its section, or its list and entry type. */
    private static String tableOf(ConfigKey key) {
        String path = key.path();
        int dot = path.lastIndexOf('.');
        String section = dot < 0 ? "" : path.substring(0, dot);
        return key.entryType() == null ? section : section + " type=" + key.entryType();
    }

    private static String heading(String table, ConfigKey first) {
        if (table.isEmpty()) {
            return "### Top level\n";
        }
        if (first.entryType() != null) {
            Section s = first.field().getDeclaringClass().getAnnotation(Section.class);
            String list = table.substring(0, table.indexOf(' '));
            return "### `" + list + "` entry `type: " + first.entryType() + "`\n\n" + capital(s.value())
                    + " (" + s.usedBy() + ").\n";
        }
        Section s = first.field().getDeclaringClass().getAnnotation(Section.class);
        return "### `" + table + "`\n\n" + capital(s.value()) + ".\n";
    }

    private static String allowed(ConfigKey key) {
        if (List.class.isAssignableFrom(key.field().getType())) {
            List<String> types = ConfigRegistry.typeNames(ConfigKey.elementType(key.field()));
            if (!types.isEmpty()) {
                return "entries by `type`: " + String.join(", ", types.stream().map(t -> "`" + t + "`").toList());
            }
            String range = key.allowedText();
            return range.isEmpty() ? "" : "each " + range;
        }
        if (key.key().choices() != Choice.class) {
            return String.join(", ", Choice.ids(key.key().choices()).stream().map(t -> "`" + t + "`").toList());
        }
        return key.allowedText();
    }

    private static String defaultCell(ConfigKey key) {
        return key.field().getType().isAnnotationPresent(Section.class) ? "see `" + key.path() + "`"
                : "`" + key.defaultText() + "`";
    }

    private static String cell(String text) {
        return text.replace("|", "\\|");
    }

    private static String capital(String text) {
        return text.isEmpty() ? text : Character.toUpperCase(text.charAt(0)) + text.substring(1);
    }
}
