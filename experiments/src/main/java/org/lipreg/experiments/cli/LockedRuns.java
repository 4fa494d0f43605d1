package org.lipreg.experiments.cli;

import org.lipreg.experiments.config.ConfigException;
import org.lipreg.experiments.run.RunSetupException;
import org.lipreg.experiments.run.TrainedRun;
import org.lipreg.training.io.RunDirectoryLock;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The finished runs a certify command reads and writes into, locked for as long as it works on
 * them: a run that is still training, or that another process is certifying, is refused with
 * the holder's pid (exit 2), and so is a run that has not finished (no model/).
 */
final class LockedRuns implements AutoCloseable {

    private final List<RunDirectoryLock> locks;

    private LockedRuns(List<RunDirectoryLock> locks) {
        this.locks = locks;
    }

    /**
     * Locks each run (each once, however often it is named) and checks that it is finished.
     *
     * @param option the option that named the runs, for messages (e.g. "--run")
     * @param runs the run directories
     * @return the held locks
     * @throws RunSetupException if a directory is missing or its run has not finished
     * @throws ConfigException if a directory holds no run
     * @throws IOException if a run is locked by another process (RunDirectoryLockedException) or
     *     a lock file cannot be created
     */
    static LockedRuns lock(String option, List<Path> runs) throws RunSetupException, ConfigException, IOException {
        Set<Path> distinct = new LinkedHashSet<>();
        for (Path run : runs) {
            distinct.add(run.toAbsolutePath().normalize());
        }
        List<RunDirectoryLock> held = new ArrayList<>();
        try {
            for (Path run : distinct) {
                if (!Files.isDirectory(run)) {
                    throw new RunSetupException(option + " " + run + ": no such directory", null);
                }
                // Not a run at all: refuse before the lock leaves a file in someone else's folder.
                TrainedRun.requireRun(run);
                held.add(RunDirectoryLock.acquire(run));
                TrainedRun.requireFinished(run);
            }
        } catch (RunSetupException | ConfigException | IOException | RuntimeException e) {
            closeAll(held);
            throw e;
        }
        return new LockedRuns(held);
    }

    /** Releases every lock. */
    @Override
    public void close() throws IOException {
        closeAll(locks);
    }

    private static void closeAll(List<RunDirectoryLock> locks) throws IOException {
        IOException first = null;
        for (RunDirectoryLock lock : locks) {
            try {
                lock.close();
            } catch (IOException e) {
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
