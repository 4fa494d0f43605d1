package org.lipreg.experiments.config;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * One allowed value of a config key that names a choice ({@code model.norm: bcn}): an enum
 * constant that owns its name in configs, its one-line meaning for the reference, and whatever
 * builds it. A key points at its enum with {@link Key#choices}; validation, {@code lipreg config
 * --reference} and docs/configuration.md all read the constants, so a new choice is one new
 * constant.
 */
public interface Choice {

    /**
     * Returns the name configs use.
     *
     * @return e.g. {@code bcn}
     */
    String id();

    /**
     * Returns what the choice means, one line for the reference.
     *
     * @return the meaning
     */
    String meaning();

    /**
     * Returns the names of an enum's choices, in declaration order.
     *
     * @param type the enum
     * @return its ids
     */
    static List<String> ids(Class<? extends Choice> type) {
        return Arrays.stream(type.getEnumConstants()).map(Choice::id).toList();
    }

    /**
     * Finds a choice by its name.
     *
     * @param type the enum
     * @param id a name from a config
     * @param <T> the enum type
     * @return the choice, or empty when no constant has that name
     */
    static <T extends Choice> Optional<T> find(Class<T> type, String id) {
        return Arrays.stream(type.getEnumConstants()).filter(c -> c.id().equals(id)).findFirst();
    }

    /**
     * Finds a choice that validation has already accepted.
     *
     * @param type the enum
     * @param id a validated name
     * @param <T> the enum type
     * @return the choice
     * @throws IllegalArgumentException if no constant has that name (the config was not validated)
     */
    static <T extends Choice> T of(Class<T> type, String id) {
        return find(type, id).orElseThrow(() -> new IllegalArgumentException(
                "'" + id + "' is not one of " + ids(type) + " (was the config validated?)"));
    }
}
