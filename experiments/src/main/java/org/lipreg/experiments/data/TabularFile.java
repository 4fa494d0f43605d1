package org.lipreg.experiments.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A numeric table read from a text file: one example per line, values separated by commas and/or
 * whitespace, the last column the label. Blank lines are skipped; every other line must have the
 * same number of columns (at least two).
 *
 * @param file where it was read from
 * @param features one row of feature values per example
 * @param labels the raw label of each example, as written in the file
 * @param lines the 1-based line number of each example, for error messages
 */
public record TabularFile(Path file, double[][] features, double[] labels, int[] lines) {

    private static final Pattern SEPARATOR = Pattern.compile("[,\\s]+");

    /**
     * Reads a table.
     *
     * @param file the file
     * @return the table
     * @throws TabularFormatException naming the file and line of a missing file, an empty file, a
     *     line with the wrong number of columns or a value that is not a finite number
     * @throws IOException if reading fails otherwise
     */
    public static TabularFile read(Path file) throws IOException {
        List<double[]> rows = new ArrayList<>();
        List<Integer> lineNumbers = new ArrayList<>();
        int columns = -1;
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String text;
            int line = 0;
            while ((text = reader.readLine()) != null) {
                line++;
                String trimmed = text.strip();
                if (trimmed.isEmpty()) {
                    continue;
                }
                String[] tokens = SEPARATOR.split(trimmed);
                if (columns < 0) {
                    if (tokens.length < 2) {
                        throw new TabularFormatException(file, line, "has " + tokens.length
                                + " column; need at least one feature and the label (the last column)");
                    }
                    columns = tokens.length;
                } else if (tokens.length != columns) {
                    throw new TabularFormatException(file, line, "has " + tokens.length + " columns, the first row has "
                            + columns);
                }
                double[] row = new double[columns];
                for (int c = 0; c < columns; c++) {
                    row[c] = parse(tokens[c], file, line, c);
                }
                rows.add(row);
                lineNumbers.add(line);
            }
        } catch (NoSuchFileException e) {
            throw new TabularFormatException(file, "no such file");
        }
        if (rows.isEmpty()) {
            throw new TabularFormatException(file, "is empty (no rows)");
        }
        double[][] features = new double[rows.size()][];
        double[] labels = new double[rows.size()];
        for (int r = 0; r < rows.size(); r++) {
            double[] row = rows.get(r);
            features[r] = java.util.Arrays.copyOf(row, row.length - 1);
            labels[r] = row[row.length - 1];
        }
        return new TabularFile(file, features, labels, lineNumbers.stream().mapToInt(Integer::intValue).toArray());
    }

    private static double parse(String token, Path file, int line, int column) throws TabularFormatException {
        double value;
        try {
            value = Double.parseDouble(token);
        } catch (NumberFormatException e) {
            throw new TabularFormatException(file, line, "column " + (column + 1) + ": '" + token + "' is not a number");
        }
        if (!Double.isFinite(value)) {
            throw new TabularFormatException(file, line, "column " + (column + 1) + ": '" + token + "' is not finite");
        }
        return value;
    }

    /** @return the number of examples */
    public int size() {
        return labels.length;
    }

    /** @return the number of feature columns */
    public int featureCount() {
        return features[0].length;
    }
}
