package org.lipreg.experiments.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The environment the {@code ./lipreg} launcher gives the JVM: the launcher runs in a copy of
 * the repository layout whose jar is up to date (so it builds nothing), with a {@code java} on
 * the PATH that prints what it was given.
 */
@DisabledOnOs(value = OS.WINDOWS, disabledReason = "it runs the bash launcher ./lipreg; lipreg.cmd, the Windows launcher, is not tested here (no Windows machine)")
class LauncherEnvironmentTest {

    @TempDir Path dir;

    private String launch(Map<String, String> env) throws IOException, InterruptedException {
        Path root = Files.createTempDirectory(dir, "repo");
        Files.copy(Path.of("..", "lipreg"), root.resolve("lipreg"));
        Files.createDirectories(root.resolve("experiments/target/lib"));
        Files.writeString(root.resolve("experiments/target/lipreg.jar"), "");
        Path bin = Files.createDirectories(root.resolve("bin"));
        Path fakeJava = bin.resolve("java");
        Files.writeString(fakeJava, "#!/bin/sh\necho \"OMP_WAIT_POLICY=${OMP_WAIT_POLICY-unset}"
                + " OMP_NUM_THREADS=${OMP_NUM_THREADS-unset}\"\n");
        fakeJava.toFile().setExecutable(true);
        ProcessBuilder builder = new ProcessBuilder("bash", root.resolve("lipreg").toString(), "--version")
                .redirectErrorStream(true);
        builder.environment().remove("OMP_WAIT_POLICY");
        builder.environment().remove("OMP_NUM_THREADS");
        builder.environment().putAll(env);
        builder.environment().put("PATH", bin + File.pathSeparator + System.getenv("PATH"));
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        process.waitFor(30, TimeUnit.SECONDS);
        assertEquals(0, process.exitValue(), out);
        return out;
    }

    @Test
    void openMpThreadsWaitPassivelyUnlessTheEnvironmentSaysOtherwise() throws Exception {
        assertEquals("OMP_WAIT_POLICY=PASSIVE OMP_NUM_THREADS=unset", launch(Map.of()),
                "the thread count stays the engine's choice");
        assertEquals("OMP_WAIT_POLICY=ACTIVE OMP_NUM_THREADS=1",
                launch(Map.of("OMP_WAIT_POLICY", "ACTIVE", "OMP_NUM_THREADS", "1")));
    }
}
