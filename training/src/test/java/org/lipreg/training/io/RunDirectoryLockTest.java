package org.lipreg.training.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

class RunDirectoryLockTest {

    @TempDir Path tmp;

    @Test
    void secondLockInTheSameProcessIsRefusedAndFreedOnClose() throws Exception {
        Path dir = tmp.resolve("run");
        try (RunDirectoryLock held = RunDirectoryLock.acquire(dir)) {
            RunDirectoryLockedException e =
                    assertThrows(RunDirectoryLockedException.class, () -> RunDirectoryLock.acquire(dir));
            assertEquals(ProcessHandle.current().pid(), e.holderPid());
            assertTrue(e.getMessage().contains("pid " + ProcessHandle.current().pid()), e.getMessage());
            assertEquals(ProcessHandle.current().pid(), RunDirectoryLock.holder(dir));
        }
        assertEquals(-1, RunDirectoryLock.holder(dir));
        RunDirectoryLock.acquire(dir).close();
    }

    @Test
    void anotherProcessHoldingTheLockIsNamedByPidAndItsDeathFreesIt() throws Exception {
        Path dir = tmp.resolve("run");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(
                        java, "-cp", System.getProperty("java.class.path"), Holder.class.getName(), dir.toString())
                .redirectErrorStream(true)
                .start();
        try {
            BufferedReader lines =
                    new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("locked", lines.readLine());
            RunDirectoryLockedException e =
                    assertThrows(RunDirectoryLockedException.class, () -> RunDirectoryLock.acquire(dir));
            assertEquals(child.pid(), e.holderPid());
            assertEquals(child.pid(), RunDirectoryLock.holder(dir));
            // kill -9: the kernel drops the lock with the process.
            child.destroyForcibly();
            assertTrue(child.waitFor(20, TimeUnit.SECONDS));
            RunDirectoryLock.acquire(dir).close();
        } finally {
            child.destroyForcibly();
        }
    }

    /** Child process: locks the directory given as argument and sleeps. */
    public static final class Holder {
        public static void main(String[] args) throws Exception {
            RunDirectoryLock lock = RunDirectoryLock.acquire(Path.of(args[0]));
            System.out.println("locked");
            System.out.flush();
            Thread.sleep(60_000);
            lock.close();
        }
    }
}
