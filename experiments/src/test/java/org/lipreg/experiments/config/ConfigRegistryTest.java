package org.lipreg.experiments.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The registry holds every key the code reads, and validation enforces what it registers: the
 * keys Jackson binds (read from a resolved config with every optional key, layer type and
 * regularizer type present) are exactly the registered ones, every registered bound refuses the
 * value just outside it by the key's name, and an error names where its key came from.
 */
class ConfigRegistryTest {

    @TempDir Path dir;

    /** A config that sets every optional key and uses every layer and regularizer type. */
    private static String everything() {
        StringBuilder yaml = new StringBuilder("""
                data: {type: text, path: d, trainFile: a, testFile: b, trainSize: 10, testSize: 10, classes: 2}
                model:
                  preset: transformer
                  norm: ln
                  layers:
                """);
        for (String type : LayerSpec.TYPES) {
            yaml.append("    - {type: ").append(type).append("}\n");
        }
        yaml.append("regularizers:\n");
        for (String type : RegularizerSpec.TYPES) {
            yaml.append("  - {type: ").append(type).append("}\n");
        }
        return yaml.append("log: {everySteps: 5}\n").toString();
    }

    @Test
    void everyKeyJacksonBindsIsRegisteredAndNoOther() throws Exception {
        // Bound without validation (the config mixes presets on purpose), resolved, written back.
        RunConfig config = ConfigLoader.bind(ConfigLoader.readTree(file(everything())), RunConfig.class);
        config.model.resolveDefaults();
        Set<String> written = new TreeSet<>();
        paths(ConfigLoader.toTree(config), "", written);
        Set<String> registered = new TreeSet<>();
        for (ConfigKey key : ConfigRegistry.run().keys()) {
            registered.add(key.path());
        }
        // The list entries' `type` is Jackson's type id, registered as the list's entry types.
        registered.add("model.layers[].type");
        registered.add("regularizers[].type");
        assertEquals(registered, written);
    }

    @Test
    void aPublicFieldWithoutKeyIsRefused() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> ConfigRegistry.of(Unregistered.class));
        assertTrue(e.getMessage().contains("Unregistered.depth is a config key without @Key"), e.getMessage());
    }

    /** A config class a newcomer might add. */
    public static final class Unregistered {
        /** Registered. */
        @Key(value = "width", usedBy = "test", min = 1)
        public int width = 1;
        /** Not registered. */
        public int depth = 1;
    }

    @Test
    void everyRegisteredBoundRefusesTheValueJustOutsideItByName() throws Exception {
        int checked = 0;
        for (ConfigKey key : ConfigRegistry.run().keys()) {
            Key k = key.key();
            boolean integer = ConfigKey.isInteger(key.field());
            if (k.min() == Double.NEGATIVE_INFINITY || List.class.isAssignableFrom(key.field().getType())) {
                continue;
            }
            String value = k.minExclusive() ? ConfigKey.number(k.min())
                    : integer ? String.valueOf((long) k.min() - 1) : String.valueOf(k.min() - 0.5);
            String path = key.path();
            String yaml;
            String problemPath;
            if (path.startsWith("model.layers[].")) {
                String field = path.substring("model.layers[].".length());
                yaml = "model:\n  preset: custom\n  layers:\n    - {type: " + key.entryType() + ", " + field + ": " + value + "}\n";
                problemPath = "model.layers[0]." + field;
            } else if (path.startsWith("regularizers[].")) {
                String field = path.substring("regularizers[].".length());
                yaml = "regularizers:\n  - {type: " + key.entryType() + ", " + field + ": " + value + "}\n";
                problemPath = "regularizers[0]." + field;
            } else {
                yaml = nest(path, value);
                problemPath = path;
            }
            ConfigException e = assertThrows(ConfigException.class, () -> RunConfigs.load(file(yaml), List.of()),
                    path + " = " + value + " was accepted");
            assertTrue(e.problems().stream().anyMatch(p -> p.startsWith(problemPath + ": ")),
                    path + " = " + value + ": " + e.problems());
            checked++;
        }
        assertTrue(checked >= 40, "bounds checked: " + checked);
    }

    @Test
    void unknownKeysGetASuggestionAndEveryProblemItsSource() throws Exception {
        Path config = file("name: t\noptimizer:\n  learningrate: 0.1\n");
        ConfigException e = assertThrows(ConfigException.class, () -> RunConfigs.load(config, List.of()));
        assertEquals(List.of("optimizer.learningrate: unknown key (allowed: [learningRate, momentum, name, weightDecay]);"
                + " did you mean 'learningRate'? (" + config + ", line 3)"), e.located());

        Path layers = file("name: t\nmodel:\n  preset: custom\n  layers:\n    - {type: relu}\n    - {type: conv, channels: 0}\n");
        e = assertThrows(ConfigException.class, () -> RunConfigs.load(layers, List.of("model.norm=bnn")));
        assertEquals(List.of("model.norm: 'bnn' is not one of [none, bn, gn, bcn, ln, pn, pnv] (--set model.norm=bnn)",
                "model.layers[1].channels: must be at least 1 (got 0) (" + layers + ", line 6)"), e.located());

        e = assertThrows(ConfigException.class, () -> RunConfigs.load(null, List.of("modle.norm=bn")));
        assertEquals(List.of("modle: unknown key (allowed: [data, epochs, log, model, name, optimizer, regularizers,"
                + " schedule, seed]); did you mean 'model'? (--set modle.norm=bn)"), e.located());
    }

    @Test
    void nearestKeyIsAMisspellingNotAGuess() {
        List<String> known = List.of("learningRate", "momentum", "name", "weightDecay");
        assertEquals("learningRate", ConfigLoader.nearest("learningrate", known));
        assertEquals("momentum", ConfigLoader.nearest("momentun", known));
        assertEquals("name", ConfigLoader.nearest("nme", known));
        assertEquals(null, ConfigLoader.nearest("lr", known));
        assertEquals(null, ConfigLoader.nearest("depth", known));
    }

    private static String nest(String path, String value) {
        String[] keys = path.split("\\.");
        StringBuilder yaml = new StringBuilder();
        for (int i = 0; i < keys.length; i++) {
            yaml.append("  ".repeat(i)).append(keys[i]).append(':').append(i == keys.length - 1 ? " " + value : "").append('\n');
        }
        // The transformer keys are only read with the transformer preset.
        if (path.startsWith("model.") && Set.of("blocks", "heads", "width", "ffWidth", "dropout", "sequenceLength",
                "pnGroups", "pnWarmup").contains(keys[1])) {
            yaml.append("  preset: transformer\n  norm: ln\ndata: {type: text, path: d, trainFile: a, testFile: b}\n");
        }
        return yaml.toString();
    }

    private Path file(String text) throws IOException {
        return Files.writeString(Files.createTempFile(dir, "c", ".yaml"), text);
    }

    private static void paths(JsonNode node, String prefix, Set<String> out) {
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> i = node.fields(); i.hasNext(); ) {
                Map.Entry<String, JsonNode> f = i.next();
                String path = prefix + f.getKey();
                out.add(path);
                if (f.getValue().isObject()) {
                    paths(f.getValue(), path + ".", out);
                } else if (f.getValue().isArray()) {
                    for (JsonNode element : f.getValue()) {
                        if (element.isObject()) {
                            paths(element, path + "[].", out);
                        }
                    }
                }
            }
        }
    }
}
