package org.lipreg.experiments.cli;

import org.lipreg.experiments.run.RunSetupException;

import picocli.CommandLine.Option;

import java.nio.file.Path;

/**
 * {@code --out DIR} and {@code --resume}: where a training run (train, rl) writes, and whether it
 * continues the run already there from its newest checkpoint. A picocli mixin: commands declare
 * it with {@code @Mixin RunDirectoryOptions output}.
 */
final class RunDirectoryOptions {

    @Option(names = "--out", paramLabel = "DIR", description = "Run directory (default: runs/<name>-<timestamp>).")
    private Path out;

    @Option(names = "--resume", description = "Continue the run in --out from its newest checkpoint.")
    private boolean resume;

    /** Whether to continue the run in --out. */
    boolean resume() {
        return resume;
    }

    /**
     * The run directory: --out, or a fresh one named for the run.
     *
     * @param name the run's name (its config's {@code name})
     * @return the directory
     * @throws RunSetupException if --resume is given without --out (there is no run to continue)
     */
    Path runDirectory(String name) throws RunSetupException {
        if (resume && out == null) {
            throw new RunSetupException("--resume needs --out DIR (the run to continue)", null);
        }
        return out != null ? out : RunDirectories.fresh(name);
    }
}
