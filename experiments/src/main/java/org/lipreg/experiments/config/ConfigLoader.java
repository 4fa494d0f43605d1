package org.lipreg.experiments.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.InvalidTypeIdException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/**
 * Reads configs from JSON or YAML, applies {@code --set key.path=value} overrides, and binds
 * them strictly to config classes: an unknown key, a value of the wrong type or an unknown
 * layer type is a {@link ConfigException} that names the key path and what is allowed.
 */
public final class ConfigLoader {

    private static final ObjectMapper JSON = strict(new ObjectMapper());
    private static final ObjectMapper YAML = strict(new ObjectMapper(new YAMLFactory()));

    private ConfigLoader() {}

    private static ObjectMapper strict(ObjectMapper mapper) {
        return mapper.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .enable(SerializationFeature.INDENT_OUTPUT);
    }

    /**
     * Returns the JSON mapper used to write resolved configs.
     *
     * @return the mapper
     */
    public static ObjectMapper json() {
        return JSON;
    }

    /**
     * Reads a JSON ({@code .json}) or YAML (anything else) file into a tree.
     *
     * @param file the config file
     * @return its root object
     * @throws ConfigException if the file is missing, unparsable, not an object or repeats a key in
     *     one mapping (named with both lines: Jackson would keep the last value silently)
     */
    public static ObjectNode readTree(Path file) throws ConfigException {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        ObjectMapper mapper = name.endsWith(".json") ? JSON : YAML;
        JsonNode node;
        try {
            String text = Files.readString(file);
            node = mapper.readTree(text);
            DuplicateKeys.check(mapper.getFactory(), text, file.toString());
        } catch (NoSuchFileException e) {
            throw new ConfigException(file + ": no such file");
        } catch (JsonProcessingException e) {
            throw new ConfigException(file + ": not valid " + (mapper == JSON ? "JSON" : "YAML")
                    + ": " + e.getOriginalMessage()
                    + (e.getLocation() != null ? " (line " + e.getLocation().getLineNr() + ")" : ""));
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot be read: " + e.getMessage());
        }
        if (node == null || node.isMissingNode() || node.isNull()) {
            return JsonNodeFactory.instance.objectNode();
        }
        if (!node.isObject()) {
            throw new ConfigException(file + ": the top level must be a mapping of keys to values");
        }
        return (ObjectNode) node;
    }

    /**
     * Applies one {@code key.path=value} override to a tree. The value is read as YAML, so
     * {@code 0.1} is a number, {@code true} a boolean, {@code [1, 2]} a list and {@code adam} a
     * string. A numeric path segment indexes a list ({@code model.layers.0.channels=8}).
     *
     * @param root the config tree, changed in place
     * @param assignment the override
     * @throws ConfigException if the assignment is malformed or its path crosses a non-object
     */
    public static void applyOverride(ObjectNode root, String assignment) throws ConfigException {
        int eq = assignment.indexOf('=');
        if (eq <= 0) {
            throw new ConfigException("--set " + assignment + ": expected key.path=value");
        }
        String path = assignment.substring(0, eq).trim();
        JsonNode value;
        try {
            String text = assignment.substring(eq + 1);
            value = text.isEmpty() ? JsonNodeFactory.instance.textNode("") : YAML.readTree(text);
            DuplicateKeys.check(YAML.getFactory(), text, "--set " + path);
        } catch (JsonProcessingException e) {
            throw new ConfigException("--set " + path + ": value is not valid YAML: " + e.getOriginalMessage());
        }
        setPath(root, path, value, "--set " + path);
    }

    /**
     * Sets the value at a key path, creating mappings on the way. A numeric segment indexes an
     * existing list.
     *
     * @param root the tree, changed in place
     * @param path the dotted key path
     * @param value the value
     * @param context how to name the assignment in an error (e.g. "--set a.b" or "grid.a.b")
     * @throws ConfigException if the path crosses a value or indexes outside a list
     */
    public static void setPath(ObjectNode root, String path, JsonNode value, String context)
            throws ConfigException {
        String[] keys = path.split("\\.");
        JsonNode node = root;
        for (int i = 0; i < keys.length; i++) {
            String key = keys[i];
            boolean last = i == keys.length - 1;
            String soFar = String.join(".", java.util.Arrays.copyOf(keys, i + 1));
            if (key.isEmpty()) {
                throw new ConfigException(context + ": empty key segment");
            }
            if (node instanceof ObjectNode obj) {
                if (last) {
                    obj.set(key, value);
                } else {
                    JsonNode child = obj.get(key);
                    if (child == null || child.isNull()) {
                        child = obj.putObject(key);
                    }
                    node = child;
                }
            } else if (node instanceof ArrayNode arr) {
                int index;
                try {
                    index = Integer.parseInt(key);
                } catch (NumberFormatException e) {
                    throw new ConfigException(context + ": '" + soFar + "' indexes a list; use a number");
                }
                if (index < 0 || index >= arr.size()) {
                    throw new ConfigException(context + ": index " + index
                            + " is outside the list (size " + arr.size() + ")");
                }
                if (last) {
                    arr.set(index, value);
                } else {
                    node = arr.get(index);
                }
            } else {
                throw new ConfigException(context + ": '"
                        + String.join(".", java.util.Arrays.copyOf(keys, i)) + "' is a value, not a mapping");
            }
        }
    }

    /**
     * Binds a tree to a config class strictly.
     *
     * @param root the tree
     * @param type the config class
     * @param <T> the config type
     * @return the config, defaults filled in
     * @throws ConfigException naming the key path of the first problem
     */
    public static <T> T bind(JsonNode root, Class<T> type) throws ConfigException {
        try {
            return JSON.treeToValue(root, type);
        } catch (UnrecognizedPropertyException e) {
            List<String> known = sorted(e.getKnownPropertyIds());
            String near = nearest(String.valueOf(e.getPropertyName()), known);
            throw new ConfigException(pathOf(e) + ": unknown key (allowed: " + known + ")"
                    + (near == null ? "" : "; did you mean '" + near + "'?"));
        } catch (InvalidTypeIdException e) {
            String base = pathOf(e);
            throw new ConfigException((base.isEmpty() ? "" : base + ".") + "type: '" + e.getTypeId()
                    + "' is not one of " + typesOf(e.getBaseType() == null ? null : e.getBaseType().getRawClass()));
        } catch (InvalidFormatException e) {
            throw new ConfigException(pathOf(e) + ": expected " + describe(e.getTargetType())
                    + ", got " + quote(e.getValue()));
        } catch (MismatchedInputException e) {
            String p = pathOf(e);
            if (e.getMessage() != null && e.getMessage().contains("missing type id")) {
                throw new ConfigException((p.isEmpty() ? "" : p + ".") + "type: missing (one of "
                        + typesOf(e.getTargetType()) + ")");
            }
            throw new ConfigException(p + ": expected " + describe(e.getTargetType()));
        } catch (JsonMappingException e) {
            throw new ConfigException(pathOf(e) + ": " + e.getOriginalMessage());
        } catch (JsonProcessingException e) {
            throw new ConfigException(e.getOriginalMessage());
        }
    }

    /**
     * Returns a config as a JSON tree, every field present.
     *
     * @param config a config object
     * @return its tree
     */
    public static ObjectNode toTree(Object config) {
        return JSON.valueToTree(config);
    }

    /** The allowed {@code type} values of a polymorphic config class. */
    private static List<String> typesOf(Class<?> base) {
        return ConfigRegistry.typeNames(base != null && RegularizerSpec.class.isAssignableFrom(base) ? RegularizerSpec.class : LayerSpec.class);
    }

    static String pathOf(JsonMappingException e) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                if (sb.length() > 0) {
                    sb.append('.');
                }
                sb.append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                sb.append('[').append(ref.getIndex()).append(']');
            }
        }
        return sb.toString();
    }

    /**
     * The allowed key a misspelt one most likely meant: the same but for case, or at most two
     * edits away (one for keys of up to four letters); null when none is that near.
     *
     * @param key the unknown key
     * @param known the allowed keys
     * @return the suggestion, or null
     */
    static String nearest(String key, List<String> known) {
        String best = null;
        int bestDistance = key.length() <= 4 ? 1 : 2;
        for (String k : known) {
            int d = k.equalsIgnoreCase(key) ? 0 : editDistance(key, k);
            if (d <= bestDistance) {
                best = k;
                bestDistance = d;
            }
        }
        return best;
    }

    /** Levenshtein distance: insertions, deletions and substitutions of single characters. */
    private static int editDistance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitute = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitute, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    private static String describe(Class<?> type) {
        if (type == null) {
            return "a different kind of value";
        }
        if (type == int.class || type == Integer.class || type == long.class || type == Long.class) {
            return "an integer";
        }
        if (type == double.class || type == Double.class || type == float.class) {
            return "a number";
        }
        if (type == boolean.class || type == Boolean.class) {
            return "true or false";
        }
        if (type == String.class) {
            return "a string";
        }
        if (Collection.class.isAssignableFrom(type)) {
            return "a list";
        }
        return "a mapping of keys to values";
    }

    private static String quote(Object value) {
        return value instanceof String s ? "'" + s + "'" : String.valueOf(value);
    }

    private static List<String> sorted(Collection<Object> ids) {
        List<String> out = new ArrayList<>();
        for (Object id : new TreeSet<>(ids.stream().map(String::valueOf).toList())) {
            out.add(String.valueOf(id));
        }
        return out;
    }
}
