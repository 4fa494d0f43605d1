package org.lipreg.experiments.certify.spark;

import org.lipreg.experiments.certify.PointWork;
import org.lipreg.experiments.certify.RunFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.stream.Stream;

/**
 * The loaded model of the certification this executor JVM is working on: the broadcast run files
 * written once into a temporary run directory, and sessions ({@link PointWork#open}) kept for the
 * next task, one per task slot that ran at the same time (a DJL model is used by one thread at a
 * time). A task of another certification closes them and deletes the directory; the driver of an
 * embedded (local-mode) Spark closes them when it is done.
 */
final class ExecutorSessions {

    private static String certification;
    private static Path runDir;
    private static final Deque<AutoCloseable> IDLE = new ArrayDeque<>();

    private ExecutorSessions() {}

    /**
     * A session of a certification: an idle one, else a new one opened from the run files.
     *
     * @param id the certification's id (unique per driver call)
     * @param files the run's files (read from the broadcast only when first needed)
     * @param work the work that opens sessions
     * @return the session; give it back with {@link #release}
     */
    static synchronized AutoCloseable acquire(String id, java.util.function.Supplier<RunFiles> files,
            PointWork<?, ?, ?> work) throws Exception {
        if (!id.equals(certification)) {
            closeAll();
            Path dir = Files.createTempDirectory("lipreg-certify-run-");
            files.get().writeTo(dir);
            certification = id;
            runDir = dir;
        }
        AutoCloseable idle = IDLE.poll();
        return idle != null ? idle : work.open(runDir);
    }

    /**
     * Keeps a session for the next task of the same certification (closes it otherwise).
     *
     * @param id the certification's id
     * @param session the session
     */
    static synchronized void release(String id, AutoCloseable session) throws Exception {
        if (id.equals(certification)) {
            IDLE.push(session);
        } else {
            session.close();
        }
    }

    /** Closes every idle session and deletes the run copy. */
    static synchronized void closeAll() throws Exception {
        while (!IDLE.isEmpty()) {
            IDLE.pop().close();
        }
        if (runDir != null) {
            deleteTree(runDir);
        }
        certification = null;
        runDir = null;
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
