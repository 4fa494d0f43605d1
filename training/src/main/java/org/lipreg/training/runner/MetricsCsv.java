package org.lipreg.training.runner;

import org.lipreg.training.io.AtomicFiles;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** Writes the per-epoch metrics as a CSV file with a header row, one row per epoch. */
public final class MetricsCsv {

    private MetricsCsv() {}

    /**
     * Writes all epochs so far, atomically replacing the file.
     *
     * @param history the finished epochs, oldest first
     * @param file the CSV file
     * @throws IOException if writing fails
     */
    public static void write(List<EpochMetrics> history, Path file) throws IOException {
        StringBuilder sb = new StringBuilder();
        if (!history.isEmpty()) {
            sb.append(String.join(",", history.get(0).values().keySet())).append('\n');
            for (EpochMetrics m : history) {
                sb.append(
                                m.values().values().stream()
                                        .map(MetricsCsv::format)
                                        .collect(Collectors.joining(",")))
                        .append('\n');
            }
        }
        AtomicFiles.writeString(file, sb.toString());
    }

    private static String format(Double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return String.valueOf(v.longValue());
        }
        // Full precision: a resumed run is compared to an uninterrupted one from these files.
        return String.format(Locale.ROOT, "%.9g", v);
    }
}
