package org.lipreg.experiments.config;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every key of a config, collected from its classes: each public field is a key registered with
 * {@link Key} (its meaning, user, allowed values), its initializer is the default, a {@link
 * Section} class nests keys under its field's name, and a list of {@link JsonSubTypes} entries
 * ({@code model.layers}, {@code regularizers}) registers the keys of each entry type. The per-key
 * checks of validation ({@link #check}), the defaults of unset keys ({@link #fillUnset}) and the
 * reference ({@link ConfigReference}) all come from here.
 */
public final class ConfigRegistry {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /** Built on first use: the config classes' own constants ask this class for type names. */
    private static final class Run {
        static final ConfigRegistry REGISTRY = new ConfigRegistry(RunConfig.class);
    }

    private final Class<?> root;
    private final List<ConfigKey> keys = new ArrayList<>();

    private ConfigRegistry(Class<?> root) {
        this.root = root;
        collect(root, "", null);
    }

    /**
     * Returns the registry of run configs ({@code lipreg train}).
     *
     * @return the registry
     */
    public static ConfigRegistry run() {
        return Run.REGISTRY;
    }

    /**
     * Returns the registry of another config class (the RL config).
     *
     * @param root the config class
     * @return its registry
     * @throws IllegalStateException if a public field of it is not registered with {@link Key}
     */
    public static ConfigRegistry of(Class<?> root) {
        return root == RunConfig.class ? Run.REGISTRY : new ConfigRegistry(root);
    }

    /**
     * Returns the config class.
     *
     * @return the root class
     */
    public Class<?> root() {
        return root;
    }

    /**
     * Returns every key, in the order the resolved config writes them (a list's entry types
     * after the list key).
     *
     * @return the keys
     */
    public List<ConfigKey> keys() {
        return List.copyOf(keys);
    }

    private void collect(Class<?> type, String prefix, String entryType) {
        Object fresh = newInstance(type);
        for (Field field : fields(type)) {
            Key key = field.getAnnotation(Key.class);
            if (key == null) {
                throw new IllegalStateException(type.getName() + "." + field.getName()
                        + " is a config key without @Key (its meaning, user and allowed values)");
            }
            String path = prefix + field.getName();
            keys.add(new ConfigKey(path, entryType, field, key, read(field, fresh)));
            if (isSection(field.getType())) {
                collect(field.getType(), path + ".", null);
            } else if (List.class.isAssignableFrom(field.getType())) {
                for (Map.Entry<String, Class<?>> entry : entryTypes(ConfigKey.elementType(field)).entrySet()) {
                    collect(entry.getValue(), path + "[].", entry.getKey());
                }
            }
        }
    }

    /**
     * The public instance fields of a config class, in the order of its {@link JsonPropertyOrder}
     * (then declaration order).
     */
    static List<Field> fields(Class<?> type) {
        List<String> order = type.isAnnotationPresent(JsonPropertyOrder.class)
                ? Arrays.asList(type.getAnnotation(JsonPropertyOrder.class).value()) : List.of();
        List<Field> fields = new ArrayList<>();
        for (Field f : type.getDeclaredFields()) {
            if (Modifier.isPublic(f.getModifiers()) && !Modifier.isStatic(f.getModifiers())) {
                fields.add(f);
            }
        }
        fields.sort(Comparator.comparingInt(f -> order.contains(f.getName()) ? order.indexOf(f.getName()) : order.size()));
        return fields;
    }

    /**
     * The entry types of a list's element class by their {@code type} name, in declaration order;
     * empty when the elements are plain values.
     *
     * @param element the element class
     * @return type name to class
     */
    static Map<String, Class<?>> entryTypes(Class<?> element) {
        Map<String, Class<?>> types = new LinkedHashMap<>();
        JsonSubTypes sub = element.getAnnotation(JsonSubTypes.class);
        if (sub != null) {
            for (JsonSubTypes.Type t : sub.value()) {
                types.put(t.name(), t.value());
            }
        }
        return types;
    }

    /**
     * Returns the {@code type} names of a list's entries.
     *
     * @param element the element class ({@code LayerSpec}, {@code RegularizerSpec})
     * @return the names, in declaration order
     */
    public static List<String> typeNames(Class<?> element) {
        return List.copyOf(entryTypes(element).keySet());
    }

    private static boolean isSection(Class<?> type) {
        return type.isAnnotationPresent(Section.class);
    }

    /**
     * Checks every registered key of a config against its registration: a set value, one of its
     * choices, within its range; and so for every section and list entry below it. Rules that
     * involve several keys are the caller's.
     *
     * @param config the config (or a section of it)
     * @param prefix the key path of {@code config} followed by a dot, or empty for the root
     * @param problems the problems so far, each starting with its key path; added to
     */
    public static void check(Object config, String prefix, List<String> problems) {
        for (Field field : fields(config.getClass())) {
            Key key = field.getAnnotation(Key.class);
            String path = prefix + field.getName();
            Object value = read(field, config);
            if (value == null) {
                if (!key.optional()) {
                    problems.add(path + ": " + (isSection(field.getType()) ? "must be a mapping"
                            : List.class.isAssignableFrom(field.getType()) ? "must be a list (may be empty)" : "must be set"));
                }
            } else if (key.choices() != Choice.class) {
                if (Choice.find(key.choices(), String.valueOf(value)).isEmpty()) {
                    problems.add(path + ": '" + value + "' is not one of " + Choice.ids(key.choices()));
                }
            } else if (value instanceof Number n) {
                checkRange(path, n, key, ConfigKey.isInteger(field), problems);
            } else if (isSection(field.getType())) {
                check(value, path + ".", problems);
            } else if (value instanceof List<?> list) {
                boolean entries = !entryTypes(ConfigKey.elementType(field)).isEmpty();
                for (int i = 0; i < list.size(); i++) {
                    String at = path + "[" + i + "]";
                    Object element = list.get(i);
                    if (element == null) {
                        problems.add(at + ": " + (entries ? "must be a mapping with a type" : "must be a number"));
                    } else if (entries) {
                        check(element, at + ".", problems);
                    } else if (element instanceof Number n) {
                        checkRange(at, n, key, ConfigKey.isInteger(field), problems);
                    }
                }
            }
        }
    }

    private static void checkRange(String path, Number n, Key key, boolean integer, List<String> problems) {
        double v = n.doubleValue();
        boolean ok = (integer || Double.isFinite(v))
                && (key.minExclusive() ? v > key.min() : v >= key.min())
                && (key.maxExclusive() ? v < key.max() : v <= key.max());
        if (ok) {
            return;
        }
        boolean low = key.min() != Double.NEGATIVE_INFINITY;
        boolean high = key.max() != Double.POSITIVE_INFINITY;
        String rule;
        if (integer && low && !high) {
            rule = "must be at least " + ConfigKey.number(key.minExclusive() ? key.min() + 1 : key.min());
        } else if (low && high) {
            rule = "must be in " + ConfigKey.range(key, integer);
        } else if (low && key.min() == 0) {
            rule = key.minExclusive() ? "must be a positive number" : "must be a finite number at least 0";
        } else {
            rule = "must be a finite number " + ConfigKey.range(key, integer);
        }
        problems.add(path + ": " + rule + " (got " + n + ")");
    }

    /**
     * Gives every unset key of a section that has a {@link Key#whenUnset} value that value.
     *
     * @param section a config section (the model of the transformer preset)
     */
    public static void fillUnset(Object section) {
        for (Field field : fields(section.getClass())) {
            Key key = field.getAnnotation(Key.class);
            if (!key.whenUnset().isEmpty() && read(field, section) == null) {
                try {
                    field.set(section, YAML.readValue(key.whenUnset(), field.getType()));
                } catch (IllegalAccessException | com.fasterxml.jackson.core.JsonProcessingException e) {
                    // A registration error, not a user's: whenUnset must read as the field's type.
                    throw new IllegalStateException(field + ": whenUnset '" + key.whenUnset() + "': " + e.getMessage(), e);
                }
            }
        }
    }

    private static Object read(Field field, Object owner) {
        try {
            return field.get(owner);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(field + " is not readable", e);
        }
    }

    private static Object newInstance(Class<?> type) {
        try {
            return type.getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(type.getName() + " needs a public no-argument constructor", e);
        }
    }
}
