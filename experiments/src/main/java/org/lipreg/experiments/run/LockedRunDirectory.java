package org.lipreg.experiments.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.lipreg.experiments.config.ConfigLoader;
import org.lipreg.training.internal.AtomicFiles;
import org.lipreg.training.io.RunDirectoryLock;
import org.lipreg.training.io.RunDirectoryLockedException;
import org.lipreg.training.runner.TrainingRunner;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The run directory of one training run, from the checks before it is touched to its release.
 *
 * <ol>
 *   <li>Checked without touching anything: a new run needs a new or empty directory, a resumed
 *       one a run of the same config. A directory with other files is never used (they could be
 *       overwritten).
 *   <li>Locked ({@link RunDirectoryLock}) for the whole run, so a second process on it is refused
 *       with this one's pid; the checks are repeated under the lock.
 *   <li>Cleared of the temporaries of atomic writes that a killed run left.
 *   <li>If the run fails before its first checkpoint, everything this attempt added is removed,
 *       with the directories it created, so that the next attempt is not refused as "already holds
 *       a run".
 * </ol>
 */
final class LockedRunDirectory implements AutoCloseable {

    private final Path dir;
    private final Path createdRoot;
    private final Set<String> entriesBefore;
    private final RunDirectoryLock lock;

    private LockedRunDirectory(Path dir, Path createdRoot, Set<String> entriesBefore, RunDirectoryLock lock) {
        this.dir = dir;
        this.createdRoot = createdRoot;
        this.entriesBefore = entriesBefore;
        this.lock = lock;
    }

    /**
     * Checks, creates and locks a run directory.
     *
     * @param dir the run directory
     * @param resolved the run's resolved config
     * @param resume whether the run continues the one in {@code dir}
     * @return the locked directory; close it when the run ends
     * @throws RunSetupException if the directory cannot be used (nothing was touched)
     * @throws RunDirectoryLockedException if another process holds the directory
     * @throws IOException if the directory cannot be read
     */
    static LockedRunDirectory open(Path dir, ObjectNode resolved, boolean resume)
            throws RunSetupException, IOException {
        // In use? Said first: it explains any other state the directory is in.
        long holder = probeHolder(dir);
        if (holder > 0) {
            throw new RunDirectoryLockedException(dir, holder);
        }
        check(dir, resolved, resume);
        Path createdRoot = firstMissing(dir.toAbsolutePath());
        Set<String> before = Files.isDirectory(dir) ? entries(dir) : Set.of();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            removeEmptyDirectories(dir.toAbsolutePath(), createdRoot);
            throw new RunSetupException("cannot create the run directory " + dir + " (" + describe(e) + ")", e);
        }
        RunDirectoryLock lock;
        try {
            lock = RunDirectoryLock.acquire(dir);
        } catch (RunDirectoryLockedException e) {
            throw e;
        } catch (IOException e) {
            removeEmptyDirectories(dir.toAbsolutePath(), createdRoot);
            throw new RunSetupException("cannot write into the run directory " + dir + " (creating the lock file "
                    + describe(e) + ")", e);
        }
        LockedRunDirectory locked = new LockedRunDirectory(dir, createdRoot, before, lock);
        try {
            // Again, now that no other lipreg process can write here.
            check(dir, resolved, resume);
            AtomicFiles.removeTemporaries(dir);
            AtomicFiles.removeTemporaries(TrainingRunner.checkpointsOf(dir).directory());
            // The lock file may have been there already: make sure new files can be created.
            Files.delete(AtomicFiles.newTemporaryDirectory(dir.resolve("write-check")));
        } catch (IOException e) {
            locked.failed(e);
            locked.close();
            throw new RunSetupException("cannot write into the run directory " + dir + " (" + describe(e) + ")", e);
        } catch (RunSetupException | RuntimeException e) {
            locked.failed(e);
            locked.close();
            throw e;
        }
        return locked;
    }

    /**
     * Cleans up after a run that failed: if no epoch finished (there is no checkpoint), removes
     * what this attempt added and the directories it created. Problems doing so are added to
     * {@code cause} as suppressed exceptions.
     *
     * @param cause why the run failed
     */
    void failed(Throwable cause) {
        try {
            if (TrainingRunner.checkpointsOf(dir).hasCheckpoints()) {
                return;
            }
            for (String name : entries(dir)) {
                if (!entriesBefore.contains(name)) {
                    deleteTree(dir.resolve(name));
                }
            }
            removeEmptyDirectories(dir.toAbsolutePath(), createdRoot);
        } catch (IOException | RuntimeException e) {
            cause.addSuppressed(e);
        }
    }

    /** Releases the lock. */
    @Override
    public void close() throws IOException {
        lock.close();
    }

    /** The checks that need nothing written; see the class comment. */
    private static void check(Path dir, ObjectNode resolved, boolean resume) throws RunSetupException {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new RunSetupException(dir + ": exists and is not a directory", null);
        }
        if (!Files.isDirectory(dir)) {
            return;
        }
        Path configFile = dir.resolve(RunExecutor.CONFIG_FILE);
        if (Files.exists(configFile)) {
            if (!resume) {
                throw new RunSetupException(dir + ": already holds a run; pass --resume to continue it, "
                        + "or choose another --out", null);
            }
            checkSameConfig(configFile, resolved);
            return;
        }
        if (resume && Files.isDirectory(TrainingRunner.checkpointsOf(dir).directory())) {
            throw new RunSetupException(dir + ": has checkpoints but no " + RunExecutor.CONFIG_FILE
                    + "; cannot resume", null);
        }
        List<String> content;
        try {
            content = entries(dir).stream().filter(n -> !RunExecutor.NOT_RUN_CONTENT.contains(n)).sorted()
                    .map(n -> Files.isDirectory(dir.resolve(n)) ? n + "/" : n).toList();
        } catch (IOException e) {
            throw new RunSetupException(dir + ": cannot be listed (" + describe(e) + ")", e);
        }
        if (!content.isEmpty()) {
            String shown = content.size() <= 5 ? String.join(", ", content)
                    : String.join(", ", content.subList(0, 5)) + ", ... (" + content.size() + " entries)";
            throw new RunSetupException(dir + ": is not empty and holds no lipreg run (" + shown + "); train "
                    + "writes only into a new or empty directory, or continues a run with --resume: choose "
                    + "another --out", null);
        }
    }

    private static void checkSameConfig(Path configFile, ObjectNode resolved) throws RunSetupException {
        try {
            JsonNode stored = ConfigLoader.json().readTree(Files.readString(configFile));
            String difference = RunExecutor.firstDifference("", stored, resolved);
            if (difference != null) {
                throw new RunSetupException("--resume: the config differs from " + configFile + " at '"
                        + difference + "'; a resumed run must use the same config", null);
            }
        } catch (IOException e) {
            throw new RunSetupException(configFile + ": cannot be read: " + e.getMessage(), e);
        }
    }

    /** The pid holding the directory's lock, or -1 if none (or if the probe cannot tell: acquire will). */
    private static long probeHolder(Path dir) {
        try {
            return RunDirectoryLock.holder(dir);
        } catch (IOException e) {
            return -1;
        }
    }

    /** The topmost directory of {@code dir}'s path that does not exist yet, or null if dir exists. */
    private static Path firstMissing(Path dir) {
        Path missing = null;
        for (Path p = dir; p != null && !Files.exists(p); p = p.getParent()) {
            missing = p;
        }
        return missing;
    }

    /** Deletes {@code dir} and its parents up to {@code root} while they are empty. */
    private static void removeEmptyDirectories(Path dir, Path root) {
        if (root == null) {
            return;
        }
        for (Path p = dir; p != null && p.startsWith(root); p = p.getParent()) {
            try {
                Files.deleteIfExists(p);
            } catch (DirectoryNotEmptyException e) {
                return; // something else lives there now
            } catch (IOException e) {
                return;
            }
        }
    }

    private static Set<String> entries(Path dir) throws IOException {
        try (Stream<Path> list = Files.list(dir)) {
            return list.map(p -> p.getFileName().toString()).collect(Collectors.toUnmodifiableSet());
        }
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** An I/O error as "path: what", e.g. "/data/runs: permission denied". */
    private static String describe(IOException e) {
        if (e instanceof AccessDeniedException denied) {
            return denied.getFile() + ": permission denied";
        }
        return e.getMessage() != null ? e.getMessage() : e.toString();
    }
}
