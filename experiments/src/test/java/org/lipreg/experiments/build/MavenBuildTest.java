package org.lipreg.experiments.build;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The POMs as a library user meets them, checked by running Maven itself on this repository:
 * the library modules leave the engine's native library to their users (only the application
 * ships one), and a platform without a native jar stops the build with a message instead of
 * silently getting linux-x86_64's.
 */
class MavenBuildTest {

    /** The repository root: tests run in the module folder. */
    private static final Path REPOSITORY = Path.of("..").toAbsolutePath().normalize();

    private static final List<String> LIBRARIES =
            List.of("lipreg-normalization", "lipreg-training", "lipreg-certify", "lipreg-rl");

    @TempDir Path dir;

    @Test
    void libraryModulesBringTheEngineButNoNativeLibraryAndTheApplicationBringsOne() throws Exception {
        Path tree = dir.resolve("tree.txt");
        // The whole reactor, so sibling modules are read from this tree rather than ~/.m2.
        Result result = maven(Map.of(), "dependency:tree", "-Dscope=runtime",
                "-DoutputFile=" + tree, "-DappendOutput=true");
        assertEquals(0, result.exitCode, result.output);

        Map<String, List<String>> runtimeDependencies = byModule(Files.readAllLines(tree));
        for (String library : LIBRARIES) {
            List<String> dependencies = runtimeDependencies.get(library);
            assertTrue(dependencies != null && dependencies.contains("ai.djl:api:compile"),
                    library + " compiles against DJL's API: " + dependencies);
            assertTrue(dependencies.contains("ai.djl.pytorch:pytorch-engine:runtime"),
                    library + " computes on the PyTorch engine: " + dependencies);
            for (String dependency : dependencies) {
                assertFalse(dependency.startsWith("ai.djl.pytorch:pytorch-native")
                                || dependency.startsWith("ai.djl.pytorch:pytorch-jni"),
                        library + " forces a native library on its users: " + dependency);
            }
        }
        List<String> application = runtimeDependencies.get("lipreg-experiments");
        assertTrue(application.contains("ai.djl.pytorch:pytorch-jni:runtime")
                        && application.contains("ai.djl.pytorch:pytorch-native-cpu:runtime"),
                "the CLI ships the engine's native library: " + application);
    }

    @Test
    void aPlatformWithoutANativeJarStopsTheBuildNamingItsArchitecture() throws Exception {
        // The profiles are activated by the JVM's os.arch; Maven's own JVM sees the one given here.
        Result result = maven(Map.of("MAVEN_OPTS", "-Dos.arch=riscv64"), "-N", "validate");
        assertNotEquals(0, result.exitCode, result.output);
        assertTrue(result.output.contains("os.arch=riscv64"), result.output);
        assertTrue(result.output.contains("-Ddjl.native.classifier="), result.output);
    }

    /** Runtime dependencies per module of dependency:tree's text output: "group:artifact:scope". */
    private static Map<String, List<String>> byModule(List<String> lines) {
        Map<String, List<String>> modules = new LinkedHashMap<>();
        List<String> current = null;
        for (String line : lines) {
            if (line.isBlank()) {
                continue;
            }
            if (!line.startsWith("+-") && !line.startsWith("\\-") && !line.startsWith("|") && !line.startsWith(" ")) {
                current = new ArrayList<>();
                modules.put(line.split(":")[1], current);
            } else if (line.startsWith("+- ") || line.startsWith("\\- ")) {
                // group:artifact:type[:classifier]:version:scope; only direct children
                String[] parts = line.substring(3).trim().split(":");
                current.add(parts[0] + ":" + parts[1] + ":" + parts[parts.length - 1]);
            }
        }
        return modules;
    }

    private record Result(int exitCode, String output) {}

    private Result maven(Map<String, String> environment, String... arguments)
            throws IOException, InterruptedException {
        boolean windows = System.getProperty("os.name").toLowerCase().contains("win");
        List<String> command = new ArrayList<>();
        command.add(REPOSITORY.resolve(windows ? "mvnw.cmd" : "mvnw").toString());
        command.add("-B");
        command.addAll(List.of(arguments));
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(REPOSITORY.toFile())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("maven.log").toFile());
        builder.environment().remove("MAVEN_OPTS");
        builder.environment().putAll(environment);
        Process process = builder.start();
        if (!process.waitFor(3, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError("Maven did not finish in 3 minutes: " + command);
        }
        return new Result(process.exitValue(), Files.readString(dir.resolve("maven.log")));
    }
}
