package org.lipreg.experiments.certify.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.lipreg.experiments.certify.PointWork;
import org.lipreg.experiments.certify.RunFiles;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** An executor writes a certification's run once and reuses its sessions across tasks. */
class ExecutorSessionsTest {

    /** A session that remembers the run directory it was opened on and whether it was closed. */
    static final class Opened implements AutoCloseable {
        final Path runDir;
        boolean closed;

        Opened(Path runDir) {
            this.runDir = runDir;
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    /** Counts its opens; certifies nothing. */
    static final class CountingWork implements PointWork<Opened, Integer, Integer> {
        private static final long serialVersionUID = 1L;
        final AtomicInteger opens = new AtomicInteger();
        final List<Opened> opened = new ArrayList<>();

        @Override
        public Opened open(Path runDir) {
            opens.incrementAndGet();
            Opened session = new Opened(runDir);
            opened.add(session);
            return session;
        }

        @Override
        public Integer certify(Opened session, Integer input) {
            return input;
        }
    }

    @AfterEach
    void clear() throws Exception {
        ExecutorSessions.closeAll();
    }

    @Test
    void sessionsAreReusedPerCertificationAndClosedWhenTheNextOneComes() throws Exception {
        Path run = Files.createTempDirectory("lipreg-run");
        Files.writeString(run.resolve("config.json"), "{}");
        Files.createDirectories(run.resolve("model"));
        Files.writeString(run.resolve("model/model-0000.params"), "weights");
        RunFiles files = RunFiles.read(run);
        AtomicInteger reads = new AtomicInteger();
        CountingWork work = new CountingWork();

        // Two tasks at once need two sessions; later tasks reuse them and the run is written once.
        AutoCloseable first = ExecutorSessions.acquire("a", () -> { reads.incrementAndGet(); return files; }, work);
        AutoCloseable second = ExecutorSessions.acquire("a", () -> { reads.incrementAndGet(); return files; }, work);
        assertNotSame(first, second);
        ExecutorSessions.release("a", first);
        ExecutorSessions.release("a", second);
        for (int task = 0; task < 5; task++) {
            AutoCloseable s = ExecutorSessions.acquire("a", () -> { reads.incrementAndGet(); return files; }, work);
            assertTrue(s == first || s == second);
            ExecutorSessions.release("a", s);
        }
        assertEquals(1, reads.get(), "the broadcast is read once");
        assertEquals(2, work.opens.get(), "a session per task running at the same time");
        Path copy = work.opened.get(0).runDir;
        assertEquals("weights", Files.readString(copy.resolve("model/model-0000.params")));
        assertEquals("{}", Files.readString(copy.resolve("config.json")));

        // The next certification closes them and removes the copy of the run.
        AutoCloseable next = ExecutorSessions.acquire("b", () -> files, work);
        assertTrue(work.opened.get(0).closed && work.opened.get(1).closed);
        assertFalse(Files.exists(copy));
        Opened late = work.open(run);
        ExecutorSessions.release("a", late); // a late task of the old certification: closed, not kept
        assertTrue(late.closed);
        ExecutorSessions.release("b", next);
        assertSame(next, ExecutorSessions.acquire("b", () -> files, work));
    }
}
