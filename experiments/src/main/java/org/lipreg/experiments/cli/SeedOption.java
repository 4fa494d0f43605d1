package org.lipreg.experiments.cli;

import picocli.CommandLine.Option;

/**
 * {@code --seed}: the seed of a command's random draws (sampled points, noise), so that a
 * command run twice gives the same numbers. A picocli mixin: commands declare it with
 * {@code @Mixin SeedOption seed}.
 */
final class SeedOption {

    @Option(names = "--seed", defaultValue = "0",
            description = "Seed of the command's random draws (default ${DEFAULT-VALUE}).")
    private long seed;

    /** The seed given, or 0. */
    long value() {
        return seed;
    }
}
