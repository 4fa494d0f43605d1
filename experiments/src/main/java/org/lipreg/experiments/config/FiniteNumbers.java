package org.lipreg.experiments.config;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Checks that every floating-point number of a config is finite as the 32-bit float the engine
 * computes with: {@code 1e300} is a finite double but becomes Infinity on its way into DJL, where
 * it used to fail far from the key that caused it.
 */
final class FiniteNumbers {

    private FiniteNumbers() {}

    /**
     * Adds a problem for every non-finite number in a config tree, unless a problem for that key
     * is already listed (a range check may have named it first).
     *
     * @param tree the config as a tree ({@link ConfigLoader#toTree})
     * @param problems the problems so far, each starting with its key path; added to
     */
    static void check(JsonNode tree, List<String> problems) {
        walk("", tree, problems);
    }

    private static void walk(String path, JsonNode node, List<String> problems) {
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> i = node.fields(); i.hasNext(); ) {
                Map.Entry<String, JsonNode> field = i.next();
                walk(path.isEmpty() ? field.getKey() : path + "." + field.getKey(), field.getValue(), problems);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                walk(path + "[" + i + "]", node.get(i), problems);
            }
        } else if (node.isNumber()) {
            double value = node.doubleValue();
            boolean finiteAsFloat = Double.isFinite(value) && Math.abs(value) <= Float.MAX_VALUE;
            if (!finiteAsFloat && problems.stream().noneMatch(p -> p.startsWith(path + ": "))) {
                problems.add(path + ": must be a finite number within the range of 32-bit floats (|x| <= "
                        + Float.MAX_VALUE + ") (got " + value + ")");
            }
        }
    }
}
