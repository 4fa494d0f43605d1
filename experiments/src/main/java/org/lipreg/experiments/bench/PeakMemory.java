package org.lipreg.experiments.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The process's peak resident memory on Linux: {@code VmHWM} of {@code /proc/self/status}, which
 * the kernel resets to the current resident size when 5 is written to {@code
 * /proc/self/clear_refs} (Linux 4.0+). It counts everything resident — Java heap, native engine
 * arrays, libraries — so a peak is a high-water mark of the whole process since the last reset.
 */
final class PeakMemory {

    private static final Path STATUS = Path.of("/proc/self/status");
    private static final Path CLEAR_REFS = Path.of("/proc/self/clear_refs");

    private PeakMemory() {}

    /**
     * Starts a new high-water mark at the current resident size.
     *
     * @return false where the system does not allow it (not Linux, or no write access)
     */
    static boolean reset() {
        try {
            Files.writeString(CLEAR_REFS, "5");
            return true;
        } catch (IOException | SecurityException e) {
            return false;
        }
    }

    /**
     * Returns the peak resident memory since the last reset (or the process start).
     *
     * @return MiB, NaN where {@code /proc/self/status} has no {@code VmHWM}
     */
    static double peakMib() {
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith("VmHWM:")) { // "VmHWM:   123456 kB"
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return Double.NaN;
        }
        return Double.NaN;
    }
}
