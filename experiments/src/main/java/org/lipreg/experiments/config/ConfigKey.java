package org.lipreg.experiments.config;

import java.lang.reflect.Field;
import java.lang.reflect.ParameterizedType;
import java.util.List;
import java.util.stream.Collectors;

/**
 * One registered config key: where it sits ({@code model.norm}, or {@code model.layers[].kernel}
 * for the entries of type {@code conv}), its field, its {@link Key} and its default.
 *
 * @param path the key path; list entries as {@code list[].key}
 * @param entryType for a key of a list entry, the entry's {@code type} (e.g. {@code conv}); else null
 * @param field the config field
 * @param key its registration
 * @param defaultValue the field's value in a fresh config (null when unset by default)
 */
public record ConfigKey(String path, String entryType, Field field, Key key, Object defaultValue) {

    /**
     * Returns the key's type as the reference names it.
     *
     * @return e.g. {@code integer}, {@code number}, {@code list of integers}, {@code choice}
     */
    public String type() {
        Class<?> t = field.getType();
        if (key.choices() != Choice.class) {
            return "choice";
        }
        if (t == int.class || t == Integer.class || t == long.class || t == Long.class) {
            return "integer";
        }
        if (t == double.class || t == Double.class) {
            return "number";
        }
        if (t == boolean.class || t == Boolean.class) {
            return "boolean";
        }
        if (t == String.class) {
            return "string";
        }
        if (List.class.isAssignableFrom(t)) {
            Class<?> element = elementType(field);
            return element == Integer.class ? "list of integers" : "list of entries by type";
        }
        return "mapping";
    }

    /**
     * Returns the default as the reference shows it.
     *
     * @return the default, {@link Key#whenUnset} for an unset key that a section fills in, or
     *     {@code unset}
     */
    public String defaultText() {
        if (defaultValue == null) {
            return key.whenUnset().isEmpty() ? "unset" : key.whenUnset();
        }
        if (field.getType().isAnnotationPresent(Section.class)) {
            return "its keys' defaults";
        }
        if (defaultValue instanceof List<?> list) {
            return list.stream().map(ConfigKey::number).collect(Collectors.joining(", ", "[", "]"));
        }
        return number(defaultValue);
    }

    /**
     * Returns the allowed values as the reference shows them.
     *
     * @return e.g. {@code ≥ 1}, {@code (0, 1]}, {@code none, bn, gn}; empty when anything goes
     */
    public String allowedText() {
        if (key.choices() != Choice.class) {
            return String.join(", ", Choice.ids(key.choices()));
        }
        return range(key, isInteger(field));
    }

    /** The element type of a list field. */
    static Class<?> elementType(Field field) {
        return (Class<?>) ((ParameterizedType) field.getGenericType()).getActualTypeArguments()[0];
    }

    static boolean isInteger(Field field) {
        Class<?> t = field.getType();
        if (List.class.isAssignableFrom(t)) {
            t = elementType(field);
        }
        return t == int.class || t == Integer.class || t == long.class || t == Long.class;
    }

    /** A bound in words: {@code ≥ 1}, {@code > 0}, {@code [0, 1)}; empty without bounds. */
    static String range(Key key, boolean integer) {
        boolean low = key.min() != Double.NEGATIVE_INFINITY;
        boolean high = key.max() != Double.POSITIVE_INFINITY;
        if (low && high) {
            return (key.minExclusive() ? "(" : "[") + number(key.min()) + ", " + number(key.max())
                    + (key.maxExclusive() ? ")" : "]");
        }
        if (low) {
            return (key.minExclusive() ? "> " : "≥ ") + number(key.min());
        }
        if (high) {
            return (key.maxExclusive() ? "< " : "≤ ") + number(key.max());
        }
        return "";
    }

    /** A number without a trailing {@code .0}; anything else as its string. */
    static String number(Object value) {
        if (value instanceof Double d && d == Math.rint(d) && Math.abs(d) < 1e15) {
            return Long.toString(d.longValue());
        }
        return String.valueOf(value);
    }
}
