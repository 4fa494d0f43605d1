package org.lipreg.experiments.cli;

import picocli.CommandLine.Option;

/**
 * {@code --overwrite}: lets a command replace the outputs of an earlier run of it, which it
 * refuses to touch otherwise (see {@link org.lipreg.experiments.certify.ExistingOutputs}). A
 * picocli mixin: commands declare it with {@code @Mixin OverwriteOption overwrite}.
 */
final class OverwriteOption {

    @Option(names = "--overwrite",
            description = "Replace the outputs of an earlier run of this command (refused without it).")
    private boolean overwrite;

    /** Whether earlier outputs may be replaced. */
    boolean allowed() {
        return overwrite;
    }
}
