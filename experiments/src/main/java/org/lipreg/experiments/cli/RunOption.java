package org.lipreg.experiments.cli;

import org.lipreg.experiments.config.ConfigException;
import org.lipreg.experiments.run.RunSetupException;

import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code --run DIR}: the one finished run a command reads (and writes its results beside). A
 * picocli mixin: commands declare it with {@code @Mixin RunOption run}.
 */
final class RunOption {

    @Option(names = "--run", required = true, paramLabel = "DIR", description = "A finished run directory.")
    private Path dir;

    /** The run directory. */
    Path dir() {
        return dir;
    }

    /**
     * Locks the run for as long as the command works on it and checks that it is finished.
     *
     * @return the held lock
     * @throws RunSetupException if the directory is missing or its run has not finished
     * @throws ConfigException if the directory holds no run
     * @throws IOException if another process holds the run, or the lock file cannot be created
     */
    LockedRuns lock() throws RunSetupException, ConfigException, IOException {
        return LockedRuns.lock("--run", List.of(dir));
    }
}
