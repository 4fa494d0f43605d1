package org.lipreg.experiments.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/** Every number of a run config must be finite in the 32-bit floats the engine computes in. */
class FiniteNumbersTest {

    @TempDir Path dir;

    /** A config in which every kind of floating-point key appears (layers and regularizers too). */
    private static final List<String> ALL_KINDS = List.of(
            "model.preset=custom",
            "model.layers=[{type: conv, channels: 4, kernel: 3}, {type: bcn, groups: 2}, {type: relu},"
                    + " {type: flatten}, {type: dropout, rate: 0.1}, {type: linear, units: 10}]",
            "regularizers=[{type: spectral-penalty, lambda: 0.01}, {type: adversarial, epsilon: 0.1}]");

    /** The override key ({@code a.0.b}) and problem path ({@code a[0].b}) of every floating leaf. */
    private static void floatingLeaves(String override, String path, JsonNode node, Map<String, String> out) {
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> i = node.fields(); i.hasNext(); ) {
                Map.Entry<String, JsonNode> e = i.next();
                String o = override.isEmpty() ? e.getKey() : override + "." + e.getKey();
                String p = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
                floatingLeaves(o, p, e.getValue(), out);
            }
        } else if (node.isArray()) {
            for (int k = 0; k < node.size(); k++) {
                floatingLeaves(override + "." + k, path + "[" + k + "]", node.get(k), out);
            }
        } else if (node.isFloatingPointNumber()) {
            out.put(override, path);
        }
    }

    @Test
    void aNumberBeyondFloatRangeIsNamedForEveryFloatingKey() throws ConfigException {
        Map<String, String> leaves = new java.util.LinkedHashMap<>();
        floatingLeaves("", "", ConfigLoader.toTree(RunConfigs.load(null, ALL_KINDS)), leaves);
        assertTrue(leaves.size() >= 15, "found the floating keys: " + leaves.keySet());
        assertTrue(leaves.containsKey("optimizer.learningRate") && leaves.containsKey("regularizers.1.epsilon")
                && leaves.containsKey("model.layers.4.rate"), leaves.keySet().toString());
        List<String> missed = new ArrayList<>();
        for (Map.Entry<String, String> leaf : leaves.entrySet()) {
            List<String> overrides = new ArrayList<>(ALL_KINDS);
            // 1e300 is a finite double but Infinity as a float.
            overrides.add(leaf.getKey() + "=1.0e300");
            ConfigException e = assertThrows(ConfigException.class, () -> RunConfigs.load(null, overrides),
                    leaf.getKey());
            long naming = e.problems().stream().filter(p -> p.startsWith(leaf.getValue() + ": ")).count();
            if (naming != 1) {
                missed.add(leaf.getValue() + " -> " + e.problems());
            }
        }
        assertEquals(List.of(), missed, "each key named exactly once");
    }

    @Test
    void learningRateOfTheIssueGetsANamedProblem() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> RunConfigs.load(null, List.of("optimizer.learningRate=1e300")));
        assertEquals(List.of("optimizer.learningRate: must be a finite number within the range of 32-bit floats "
                + "(|x| <= 3.4028235E38) (got 1.0E300)"), e.problems());
    }

    @Test
    void infinityIsRefusedAndTheLargestFloatAccepted() throws Exception {
        // 1e400 overflows even a double: it is read as Infinity. (YAML's .inf is not read at all.)
        for (String bad : List.of("1.0e400", "-1.0e400")) {
            Path file = Files.writeString(dir.resolve("c.yaml"), "schedule: {smoothness: " + bad + "}\n");
            ConfigException e = assertThrows(ConfigException.class, () -> RunConfigs.load(file, List.of()), bad);
            assertEquals(1, e.problems().size(), e.problems().toString());
            assertTrue(e.problems().get(0).startsWith("schedule.smoothness: "), e.problems().toString());
        }
        // The largest float itself is a (silly but) valid smoothness.
        RunConfig ok = RunConfigs.load(null, List.of("schedule.smoothness=3.0e38"));
        assertFalse(Float.isInfinite((float) ok.schedule.smoothness));
    }
}
