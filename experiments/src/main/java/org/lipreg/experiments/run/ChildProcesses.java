package org.lipreg.experiments.run;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The child processes a parent starts, stopped when the parent stops: by {@link #close()} on its
 * normal end or after an exception, and by a shutdown hook when it is told to stop (SIGTERM,
 * SIGINT, or SIGHUP as when an SSH session drops). A kill -9 of the parent runs no code at all;
 * for that case each child watches its parent itself ({@link ParentWatchdog}, switched on by
 * {@link ChildJvm}).
 *
 * <p>Stopping is polite first: each child and its own descendants get SIGTERM (so a training run
 * can stop as on Ctrl-C), and whatever is still alive after the grace period gets SIGKILL.
 */
public final class ChildProcesses implements AutoCloseable {

    private final Duration grace;
    private final List<Process> started = new ArrayList<>();
    private final Thread shutdownHook = new Thread(this::stopAll, "lipreg-stop-children");
    private boolean stopping;

    /**
     * Creates an empty set and registers its shutdown hook.
     *
     * @param grace how long children get to end after SIGTERM before they are killed
     */
    public ChildProcesses(Duration grace) {
        this.grace = grace;
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /**
     * Starts a child, unless this set is already stopping.
     *
     * @param builder the process to start
     * @return the started process
     * @throws IOException if it cannot be started, or if the parent is stopping
     */
    public synchronized Process start(ProcessBuilder builder) throws IOException {
        if (stopping) {
            throw new IOException("not starting " + builder.command().get(0) + ": stopping");
        }
        started.removeIf(p -> !p.isAlive());
        Process process = builder.start();
        started.add(process);
        return process;
    }

    /**
     * Tells whether the children are being (or have been) stopped: a child that ends now was
     * stopped by its parent, it did not fail.
     *
     * @return true once {@link #close()} or the shutdown hook has begun
     */
    public synchronized boolean stopping() {
        return stopping;
    }

    /** Stops every child still running and unregisters the shutdown hook. */
    @Override
    public void close() {
        stopAll();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // The JVM is shutting down: the hook is running or has run.
        }
    }

    private void stopAll() {
        List<Process> children;
        synchronized (this) {
            stopping = true;
            children = new ArrayList<>(started);
            started.clear();
        }
        // Descendants are found through their parent, so collect them before anyone is stopped.
        List<ProcessHandle> all = new ArrayList<>();
        for (Process child : children) {
            child.descendants().forEach(all::add);
            all.add(child.toHandle());
        }
        all.removeIf(p -> !p.isAlive());
        if (all.isEmpty()) {
            return;
        }
        all.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + grace.toNanos();
        while (all.stream().anyMatch(ProcessHandle::isAlive) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        all.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }
}
