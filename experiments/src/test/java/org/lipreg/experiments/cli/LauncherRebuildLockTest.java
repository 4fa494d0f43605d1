package org.lipreg.experiments.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * The launcher does not rebuild the jars under a running lipreg process (which loads its classes
 * from them lazily and would fail later): with sources newer than the jar it builds only when no
 * other launch is running. The launcher runs in a copy of the repository layout with a fake
 * {@code mvnw} that records each build and a fake {@code java} that sleeps when asked to.
 */
@DisabledOnOs(value = OS.WINDOWS, disabledReason = "it runs the bash launcher ./lipreg")
class LauncherRebuildLockTest {

    @TempDir Path dir;

    @Test
    void aRebuildWaitsUntilNoLipregProcessRuns() throws Exception {
        assumeTrue(new ProcessBuilder("sh", "-c", "command -v flock").start().waitFor() == 0,
                "flock is not installed: the launcher builds without the lock");
        Path root = dir.resolve("repo");
        Files.createDirectories(root.resolve("experiments/target/lib"));
        Files.copy(Path.of("..", "lipreg"), root.resolve("lipreg"));
        Path jar = root.resolve("experiments/target/lipreg.jar");
        Files.writeString(jar, "");
        Path builds = root.resolve("builds.log");
        executable(root.resolve("mvnw"), "#!/bin/sh\necho built >> \"" + builds + "\"\n");
        Path bin = Files.createDirectories(root.resolve("bin"));
        Path started = root.resolve("java-started");
        executable(bin.resolve("java"), "#!/bin/sh\nif [ -n \"$FAKE_SLEEP\" ]; then touch \"" + started
                + "\"; sleep \"$FAKE_SLEEP\"; fi\necho ran\n");
        Path source = Files.createDirectories(root.resolve("experiments/src/main")).resolve("Changed.java");

        // A running process (its jar up to date, so it builds nothing) ...
        Process running = launcher(root, bin, "8").start();
        // Its JVM has started, so the launcher holds its shared lock (a fixed pause raced a busy machine).
        for (long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30); !Files.exists(started);) {
            assertTrue(System.nanoTime() < end && running.isAlive(), "the first launch never started java");
            Thread.sleep(50);
        }
        // ... and then the sources change: the next launch runs the current jar unchanged.
        Files.writeString(source, "class Changed {}");
        Files.setLastModifiedTime(jar, FileTime.from(Instant.now().minusSeconds(60)));
        Process second = launcher(root, bin, null).redirectErrorStream(true).start();
        String out = new String(second.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(second.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, second.exitValue(), out);
        assertTrue(out.contains("running it unchanged") && out.contains("ran"), out);
        assertFalse(Files.exists(builds), "no build while another lipreg process runs");

        // Once nothing runs, the next launch rebuilds.
        assertTrue(running.waitFor(30, TimeUnit.SECONDS));
        Process third = launcher(root, bin, null).redirectErrorStream(true).start();
        String built = new String(third.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(third.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, third.exitValue(), built);
        assertEquals("built", Files.readString(builds).trim(), built);
    }

    private static ProcessBuilder launcher(Path root, Path bin, String sleepSeconds) {
        ProcessBuilder builder = new ProcessBuilder("bash", root.resolve("lipreg").toString(), "--version");
        builder.environment().put("PATH", bin + File.pathSeparator + System.getenv("PATH"));
        builder.environment().remove("FAKE_SLEEP");
        if (sleepSeconds != null) {
            builder.environment().put("FAKE_SLEEP", sleepSeconds);
            builder.redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD);
        }
        return builder;
    }

    private static void executable(Path file, String script) throws IOException {
        Files.writeString(file, script);
        assertTrue(file.toFile().setExecutable(true), file.toString());
    }
}
