package org.lipreg.training.runner;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads the process's resident set size: native memory held by the engine shows up here and
 * not in the Java heap, so it is the figure that tells whether a run leaks NDArrays.
 */
final class ProcessMemory {

    private static final Path STATUS = Path.of("/proc/self/status");

    private ProcessMemory() {}

    /**
     * Returns the Java heap the JVM has committed, in MiB. Resident memory minus this is a
     * rough figure for native memory: a heap that is still growing toward its limit raises the
     * resident size without any native leak.
     *
     * @return committed heap in MiB
     */
    static double committedHeapMegabytes() {
        return java.lang.management.ManagementFactory.getMemoryMXBean()
                        .getHeapMemoryUsage()
                        .getCommitted()
                / (1024.0 * 1024.0);
    }

    /**
     * Returns the resident set size in MiB, or NaN where {@code /proc} is not available.
     *
     * @return resident memory in MiB
     */
    static double residentMegabytes() {
        if (!Files.isReadable(STATUS)) {
            return Double.NaN;
        }
        try {
            List<String> lines = Files.readAllLines(STATUS);
            for (String line : lines) {
                if (line.startsWith("VmRSS:")) {
                    String[] parts = line.trim().split("\\s+");
                    return Long.parseLong(parts[1]) / 1024.0;
                }
            }
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
        return Double.NaN;
    }
}
