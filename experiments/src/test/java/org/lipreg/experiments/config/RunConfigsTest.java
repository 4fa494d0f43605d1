package org.lipreg.experiments.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

class RunConfigsTest {

    @TempDir Path dir;

    private Path yaml(String text) throws IOException {
        Path file = dir.resolve("c.yaml");
        Files.writeString(file, text);
        return file;
    }

    private static String problem(ConfigException e) {
        assertEquals(1, e.problems().size(), e.problems().toString());
        return e.problems().get(0);
    }

    @Test
    void yamlAndJsonGiveTheSameConfig() throws Exception {
        RunConfig a = RunConfigs.load(yaml("epochs: 4\noptimizer: {name: sgd, learningRate: 0.1}\n"), List.of());
        Path json = dir.resolve("c.json");
        Files.writeString(json, "{\"epochs\": 4, \"optimizer\": {\"name\": \"sgd\", \"learningRate\": 0.1}}");
        RunConfig b = RunConfigs.load(json, List.of());
        assertEquals(ConfigLoader.toTree(a), ConfigLoader.toTree(b));
        assertEquals(4, a.epochs);
        assertEquals("sgd", a.optimizer.name);
        assertEquals(64, a.data.batchSize, "defaults filled in");
    }

    @Test
    void unknownKeyNamesPathAndAllowedKeys() throws IOException {
        ConfigException e = assertThrows(ConfigException.class,
                () -> RunConfigs.load(yaml("optimizer:\n  lr: 0.1\n"), List.of()));
        assertEquals("optimizer.lr: unknown key (allowed: [learningRate, momentum, name, weightDecay])", problem(e));
    }

    @Test
    void wrongTypeNamesPath() throws IOException {
        ConfigException e = assertThrows(ConfigException.class,
                () -> RunConfigs.load(yaml("data:\n  batchSize: many\n"), List.of()));
        assertEquals("data.batchSize: expected an integer, got 'many'", problem(e));
    }

    @Test
    void outOfRangeAndBadChoiceAreAllListed() throws IOException {
        ConfigException e = assertThrows(ConfigException.class,
                () -> RunConfigs.load(yaml("epochs: 0\noptimizer: {name: rmsprop}\n"), List.of()));
        assertEquals(List.of("epochs: must be at least 1 (got 0)",
                "optimizer.name: 'rmsprop' is not one of [sgd, adam, adamw]"), e.problems());
    }

    @Test
    void unknownLayerTypeIsNamed() throws IOException {
        ConfigException e = assertThrows(ConfigException.class, () -> RunConfigs.load(
                yaml("model:\n  preset: custom\n  layers:\n    - {type: relu}\n    - {type: conv2}\n"), List.of()));
        assertEquals("model.layers[1].type: 'conv2' is not one of " + LayerSpec.TYPES, problem(e));
    }

    @Test
    void layerFieldsAreValidated() throws IOException {
        ConfigException e = assertThrows(ConfigException.class, () -> RunConfigs.load(
                yaml("model:\n  preset: custom\n  layers:\n    - {type: conv, channels: 0}\n"), List.of()));
        assertEquals("model.layers[0].channels: must be at least 1 (got 0)", problem(e));
        ConfigException unknown = assertThrows(ConfigException.class, () -> RunConfigs.load(
                yaml("model:\n  preset: custom\n  layers:\n    - {type: linear, unit: 3}\n"), List.of()));
        assertTrue(problem(unknown).startsWith("model.layers[0].unit: unknown key"), problem(unknown));
    }

    @Test
    void overridesApplyInOrderAndParseYamlValues() throws Exception {
        RunConfig c = RunConfigs.load(yaml("epochs: 2\n"), List.of(
                "epochs=5", "optimizer.learningRate=0.5", "model.hidden=[8, 4]", "data.type=idx",
                "data.path=/tmp/x"));
        assertEquals(5, c.epochs);
        assertEquals(0.5, c.optimizer.learningRate);
        assertEquals(List.of(8, 4), c.model.hidden);
        assertEquals("/tmp/x", c.data.path);
    }

    @Test
    void overrideOfUnknownKeyIsNamed() throws IOException {
        ConfigException e = assertThrows(ConfigException.class,
                () -> RunConfigs.load(yaml("epochs: 2\n"), List.of("optimiser.name=sgd")));
        assertTrue(problem(e).startsWith("optimiser: unknown key (allowed: [data, epochs, log, model, name, "),
                problem(e));
        ConfigException malformed = assertThrows(ConfigException.class,
                () -> RunConfigs.load(yaml("epochs: 2\n"), List.of("epochs")));
        assertEquals("--set epochs: expected key.path=value", problem(malformed));
    }

    @Test
    void normalizationKeysAreValidated() throws IOException {
        ConfigException e = assertThrows(ConfigException.class, () -> RunConfigs.load(null,
                List.of("model.norm=gn", "model.groups=8", "model.channels=[16, 12]")));
        assertEquals("model.groups: 8 must divide every entry of model.channels (model.channels[1] is 12)", problem(e));
        ConfigException mode = assertThrows(ConfigException.class,
                () -> RunConfigs.load(null, List.of("model.norm=bcn", "model.bcnMode=tiny")));
        assertEquals("model.bcnMode: 'tiny' is not one of [auto, micro, large]", problem(mode));
        ConfigException speed = assertThrows(ConfigException.class,
                () -> RunConfigs.load(null, List.of("model.bcnMovingSpeed=0")));
        assertEquals("model.bcnMovingSpeed: must be in (0, 1] (got 0.0)", problem(speed));
        ConfigException norm = assertThrows(ConfigException.class,
                () -> RunConfigs.load(null, List.of("model.norm=ln")));
        assertEquals("model.norm: ln is a transformer norm; it needs model.preset transformer and data.type text",
                problem(norm));
        ConfigException unknownNorm = assertThrows(ConfigException.class,
                () -> RunConfigs.load(null, List.of("model.norm=foo")));
        assertEquals("model.norm: 'foo' is not one of [none, bn, gn, bcn, ln, pn, pnv]", problem(unknownNorm));
        ConfigException layer = assertThrows(ConfigException.class, () -> RunConfigs.load(
                yaml("model:\n  preset: custom\n  layers:\n    - {type: bcn, mode: huge}\n"), List.of()));
        assertEquals("model.layers[0].mode: 'huge' is not one of [auto, micro, large]", problem(layer));
    }

    @Test
    void sortingActivationsNeedDivisibleWidths() throws Exception {
        ConfigException e = assertThrows(ConfigException.class,
                () -> RunConfigs.load(null, List.of("model.activation=maxmin", "model.hidden=[15]")));
        assertEquals("model.activation: maxmin sorts groups of 2 channels, which must divide every width in "
                + "model.channels and model.hidden (got 15)", problem(e));
        RunConfig ok = RunConfigs.load(null, List.of("model.activation=groupsort", "model.groupSize=4",
                "model.channels=[8, 16]", "model.hidden=[32]"));
        assertEquals("groupsort", ok.model.activation);
    }

    @Test
    void regularizersAreValidated() throws Exception {
        ConfigException type = assertThrows(ConfigException.class, () -> RunConfigs.load(
                yaml("regularizers:\n  - {type: weight-decay}\n"), List.of()));
        assertEquals("regularizers[0].type: 'weight-decay' is not one of [spectral-penalty, adversarial]", problem(type));
        ConfigException adversarial = assertThrows(ConfigException.class, () -> RunConfigs.load(
                yaml("regularizers:\n  - {type: adversarial, epsilon: 0, norm: l1}\n"), List.of()));
        assertEquals(List.of("regularizers[0].epsilon: must be a positive number (got 0.0)",
                "regularizers[0].norm: 'l1' is not one of [linf, l2]"), adversarial.problems());
        ConfigException values = assertThrows(ConfigException.class, () -> RunConfigs.load(
                yaml("regularizers:\n  - {type: spectral-penalty, lambda: -1, operator: svd, iterations: 0}\n"), List.of()));
        assertEquals(List.of("regularizers[0].lambda: must be a finite number at least 0 (got -1.0)",
                "regularizers[0].operator: 'svd' is not one of [reshaped, conv]",
                "regularizers[0].iterations: must be at least 1 (got 0)"), values.problems());
        RunConfig ok = RunConfigs.load(yaml("regularizers:\n  - {type: spectral-penalty, operator: conv}\n"), List.of());
        assertEquals(1, ok.regularizers.size());
    }

    @Test
    void spectralNormalizationIsValidated() {
        ConfigException e = assertThrows(ConfigException.class, () -> RunConfigs.load(null,
                List.of("model.spectralNorm=conv", "model.weightStandardization=true")));
        assertTrue(problem(e).startsWith("model.spectralNorm: cannot be combined with model.weightStandardization"),
                problem(e));
        ConfigException target = assertThrows(ConfigException.class,
                () -> RunConfigs.load(null, List.of("model.spectralNorm=reshaped", "model.spectralNormTarget=0")));
        assertEquals("model.spectralNormTarget: must be a positive number (got 0.0)", problem(target));
    }

    @Test
    void idxNeedsAPath() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> RunConfigs.load(null, List.of("data.type=idx")));
        assertEquals("data.path: required when data.type is idx (a directory of IDX files)", problem(e));
    }

    @Test
    void unparsableFileIsNamed() throws IOException {
        Path file = yaml("epochs: [1,\n");
        ConfigException e = assertThrows(ConfigException.class, () -> RunConfigs.load(file, List.of()));
        assertTrue(problem(e).startsWith(file + ": not valid YAML"), problem(e));
        assertInstanceOf(ConfigException.class,
                assertThrows(ConfigException.class, () -> RunConfigs.load(dir.resolve("missing.yaml"), List.of())));
    }

    @Test
    void dataClassesIsValidatedPerDataType() throws Exception {
        assertEquals(47, RunConfigs.load(null, List.of("data.type=idx", "data.path=d", "data.classes=47")).data.classes);
        assertEquals(10, RunConfigs.load(null, List.of("data.classes=10")).data.classes, "synthetic: its 10 classes");
        assertEquals("data.classes: must be at least 2 (got 1)",
                problem(assertThrows(ConfigException.class, () -> RunConfigs.load(null, List.of("data.classes=1")))));
        assertEquals("data.classes: idx labels are bytes, so at most 256 classes (got 300)", problem(assertThrows(
                ConfigException.class, () -> RunConfigs.load(null, List.of("data.type=idx", "data.path=d",
                        "data.classes=300")))));
        assertEquals("data.classes: synthetic data has 10 classes (got 5)", problem(assertThrows(
                ConfigException.class, () -> RunConfigs.load(null, List.of("data.classes=5")))));
        assertEquals("data.classes: expected an integer, got 2.5", problem(assertThrows(
                ConfigException.class, () -> RunConfigs.load(null, List.of("data.classes=2.5")))));
        // Not written into config.json when not set, so runs made before the key existed still resume.
        assertFalse(ConfigLoader.toTree(RunConfigs.load(null, List.of())).path("data").has("classes"));
    }

    @Test
    void duplicateKeyIsNamedWithBothLines() throws Exception {
        Path file = yaml("epochs: 2\nname: a\nepochs: 3\n");
        ConfigException e = assertThrows(ConfigException.class, () -> RunConfigs.load(file, List.of()));
        assertEquals(file + ": key 'epochs' appears twice, on line 1 and on line 3", problem(e));

        Path nested = yaml("optimizer:\n  name: sgd\n  learningRate: 0.1\n  name: adam\n"
                + "model:\n  preset: custom\n  layers:\n    - {type: relu}\n    - type: linear\n      units: 3\n"
                + "      units: 4\n");
        e = assertThrows(ConfigException.class, () -> RunConfigs.load(nested, List.of()));
        assertEquals(nested + ": key 'optimizer.name' appears twice, on line 2 and on line 4", problem(e));
        Files.writeString(nested, Files.readString(nested).replace("  name: adam\n", ""));
        e = assertThrows(ConfigException.class, () -> RunConfigs.load(nested, List.of()));
        assertEquals(nested + ": key 'model.layers[1].units' appears twice, on line 9 and on line 10", problem(e));

        Path json = dir.resolve("c.json");
        Files.writeString(json, "{\"epochs\": 2,\n \"data\": {\"batchSize\": 8},\n \"data\": {}}");
        e = assertThrows(ConfigException.class, () -> RunConfigs.load(json, List.of()));
        assertEquals(json + ": key 'data' appears twice, on line 2 and on line 3", problem(e));

        e = assertThrows(ConfigException.class,
                () -> RunConfigs.load(null, List.of("optimizer={name: sgd, name: adam}")));
        assertEquals("--set optimizer: key 'name' appears twice, on line 1 and on line 1", problem(e));

        // The same key in different mappings is no duplicate.
        assertEquals(2, RunConfigs.load(yaml("model:\n  preset: custom\n  layers:\n    - {type: relu}\n"
                + "    - {type: flatten}\n    - {type: linear, units: 2}\n"), List.of()).model.layers.size() - 1);
    }

    @Test
    void logEveryStepsIsOffByDefaultAndOtherwiseAPositiveInteger() throws Exception {
        assertEquals(null, RunConfigs.load(null, List.of()).log.everySteps, "off unless asked for");
        assertEquals(50, RunConfigs.load(yaml("log: {everySteps: 50}\n"), List.of()).log.everySteps);
        // Unset, it stays out of the resolved config, so that runs from before the key resume.
        assertFalse(ConfigLoader.toTree(RunConfigs.load(null, List.of())).has("log"));
        assertEquals(50, ConfigLoader.toTree(RunConfigs.load(null, List.of("log.everySteps=50")))
                .path("log").path("everySteps").asInt());
        for (String bad : List.of("0", "-3")) {
            ConfigException e = assertThrows(ConfigException.class,
                    () -> RunConfigs.load(null, List.of("log.everySteps=" + bad)));
            assertEquals("log.everySteps: must be at least 1 (got " + bad + ")", problem(e));
        }
        ConfigException e = assertThrows(ConfigException.class,
                () -> RunConfigs.load(yaml("log: {everySteps: 2.5}\n"), List.of()));
        assertTrue(problem(e).startsWith("log.everySteps: expected an integer"), problem(e));
        e = assertThrows(ConfigException.class, () -> RunConfigs.load(yaml("log: {every: 5}\n"), List.of()));
        assertEquals("log.every: unknown key (allowed: [everySteps])", problem(e));
    }
}
