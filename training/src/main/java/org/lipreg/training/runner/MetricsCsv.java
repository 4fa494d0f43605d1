package org.lipreg.training.runner;

import org.lipreg.training.internal.AtomicFiles;
import org.lipreg.training.io.NumberText;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Writes the per-epoch metrics as a CSV file with a header row, one row per epoch, numbers by
 * {@link NumberText}: counts as integers, seconds to the millisecond, the rest to 9 digits.
 */
final class MetricsCsv {

    /**
     * Significant digits of a value: enough to tell any two floats apart, so a resumed run can be
     * compared with an uninterrupted one from these files.
     */
    private static final int DIGITS = 9;

    private MetricsCsv() {}

    /**
     * Writes all epochs so far, atomically replacing the file.
     *
     * @param history the finished epochs, oldest first
     * @param file the CSV file
     * @throws IOException if writing fails
     */
    static void write(List<EpochMetrics> history, Path file) throws IOException {
        StringBuilder sb = new StringBuilder();
        if (!history.isEmpty()) {
            sb.append(String.join(",", history.get(0).values().keySet())).append('\n');
            for (EpochMetrics m : history) {
                sb.append(m.values().entrySet().stream()
                                .map(e -> NumberText.csv(e.getKey(), e.getValue(), DIGITS))
                                .collect(Collectors.joining(",")))
                        .append('\n');
            }
        }
        AtomicFiles.writeString(file, sb.toString());
    }
}
