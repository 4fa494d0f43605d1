package org.lipreg.experiments.run;

import java.time.Duration;
import java.util.Optional;

/**
 * Ends a child process (a sweep's training run) when the process that started it is gone, so
 * that no run keeps training as an orphan after its sweep was killed, even by kill -9 (which
 * gives the parent no chance to stop its children itself, see {@link ChildProcesses}). A rerun of
 * the sweep then resumes the run from its checkpoint instead of meeting a second trainer.
 *
 * <p>The parent's pid comes in the system property {@value #PARENT_PID_PROPERTY}, which {@link
 * ChildJvm} sets. A daemon thread polls it; {@link ProcessHandle#isAlive()} also compares the
 * process's start time, so a reused pid does not count as the parent.
 */
public final class ParentWatchdog {

    /** The system property that holds the parent's pid. */
    public static final String PARENT_PID_PROPERTY = "lipreg.parent.pid";

    private static final Duration POLL = Duration.ofMillis(500);

    /** How long shutdown hooks may take after the parent is gone before the process is halted. */
    private static final Duration EXIT_GRACE = Duration.ofSeconds(20);

    private ParentWatchdog() {}

    /**
     * Starts watching the parent named by {@value #PARENT_PID_PROPERTY}; does nothing if the
     * property is not set. If the parent is already gone, exits at once.
     *
     * @param exitCode the exit status when the parent is gone
     */
    public static void startIfAsked(int exitCode) {
        String value = System.getProperty(PARENT_PID_PROPERTY);
        if (value == null) {
            return;
        }
        long pid;
        try {
            pid = Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("-D" + PARENT_PID_PROPERTY + ": not a pid: " + value, e);
        }
        Optional<ProcessHandle> parent = ProcessHandle.of(pid);
        if (parent.isEmpty() || !parent.get().isAlive()) {
            stop(pid, exitCode);
            return;
        }
        Thread watcher = new Thread(() -> watch(parent.get(), exitCode), "lipreg-parent-watchdog");
        watcher.setDaemon(true);
        watcher.start();
    }

    private static void watch(ProcessHandle parent, int exitCode) {
        try {
            while (parent.isAlive()) {
                Thread.sleep(POLL.toMillis());
            }
        } catch (InterruptedException e) {
            return;
        }
        stop(parent.pid(), exitCode);
    }

    private static void stop(long pid, int exitCode) {
        System.err.println("lipreg: the process that started this run (pid " + pid + ") is gone; stopping "
                + "(rerun the sweep to resume this run)");
        // System.exit runs the shutdown hooks; should one hang, halt after a grace period.
        Thread halt = new Thread(() -> {
            try {
                Thread.sleep(EXIT_GRACE.toMillis());
            } catch (InterruptedException e) {
                // halt anyway
            }
            Runtime.getRuntime().halt(exitCode);
        }, "lipreg-parent-watchdog-halt");
        halt.setDaemon(true);
        halt.start();
        System.exit(exitCode);
    }
}
