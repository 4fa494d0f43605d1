package org.lipreg.experiments.cli;

import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code --set KEY=VALUE}, repeatable: changes to a config file's keys, applied in order by the
 * config loaders ({@code RunConfigs.load}, {@code RlConfigs.load}). A picocli mixin: commands
 * declare it with {@code @Mixin ConfigOverrides overrides}.
 */
final class ConfigOverrides {

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "Override a config key, e.g. --set seed=2; nested keys are dotted (repeatable).")
    private List<String> assignments = new ArrayList<>();

    /** The assignments in the order given (none: an empty list). */
    List<String> assignments() {
        return assignments;
    }
}
