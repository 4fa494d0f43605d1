package org.lipreg.experiments.run;

import org.lipreg.training.internal.AtomicFiles;
import org.lipreg.training.io.NumberText;

import tech.tablesaw.api.NumberColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;
import tech.tablesaw.columns.numbers.IntColumnType;
import tech.tablesaw.columns.numbers.LongColumnType;
import tech.tablesaw.columns.numbers.NumberColumnFormatter;
import tech.tablesaw.columns.numbers.ShortColumnType;
import tech.tablesaw.io.csv.CsvWriteOptions;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Path;

/**
 * Tablesaw tables as lipreg writes them: CSV files and console printing, their numbers by {@link
 * NumberText}'s rules (Tablesaw's own would write {@code 11.761000370000001} into a CSV file and
 * print counts as {@code 776.0000}).
 */
public final class TableText {

    private TableText() {}

    /**
     * Writes a table as a CSV file, atomically: a missing (NaN) number is an empty cell, any
     * other by {@link NumberText#csv(String, double)}.
     *
     * @param table the table (not changed)
     * @param file the CSV file
     * @throws IOException if writing fails
     */
    public static void writeCsv(Table table, Path file) throws IOException {
        AtomicFiles.writeString(file, csv(table));
    }

    /**
     * Renders a table as CSV text (see {@link #writeCsv}).
     *
     * @param table the table (not changed)
     * @return the text, a header row and one line per row
     */
    public static String csv(Table table) {
        Table copy = table.copy();
        for (Column<?> column : copy.columns()) {
            String name = column.name();
            setFormatter(column, new Formatter(v -> NumberText.csv(name, v)));
        }
        StringWriter text = new StringWriter();
        copy.write().csv(CsvWriteOptions.builder(text).usePrintFormatters(true).build());
        return text.toString();
    }

    /**
     * Makes a table print its numbers for people ({@link NumberText#display}, missing ones empty):
     * the formatters are set on the table itself, which is returned for {@code print()}.
     *
     * @param table the table
     * @param digits the significant digits shown (durations: to the millisecond)
     * @return the same table
     */
    public static Table forPrinting(Table table, int digits) {
        for (Column<?> column : table.columns()) {
            String name = column.name();
            setFormatter(column, new Formatter(v -> NumberText.display(name, v, digits)));
        }
        return table;
    }

    private static void setFormatter(Column<?> column, Formatter formatter) {
        if (column instanceof NumberColumn<?, ?> numbers) {
            numbers.setPrintFormatter(formatter);
        }
    }

    /** A Tablesaw formatter that hands each number to a {@link NumberText} rule. */
    private static final class Formatter extends NumberColumnFormatter {
        private final java.util.function.DoubleFunction<String> rule;

        Formatter(java.util.function.DoubleFunction<String> rule) {
            this.rule = rule;
        }

        @Override
        public String format(double value) {
            return Double.isNaN(value) ? "" : rule.apply(value);
        }

        @Override
        public String format(float value) {
            return format((double) value);
        }

        /** Integer columns: plain digits (no grouping), a missing value empty. */
        @Override
        public String format(long value) {
            return value == LongColumnType.missingValueIndicator() ? "" : Long.toString(value);
        }

        @Override
        public String format(int value) {
            return value == IntColumnType.missingValueIndicator() ? "" : Integer.toString(value);
        }

        @Override
        public String format(short value) {
            return value == ShortColumnType.missingValueIndicator() ? "" : Short.toString(value);
        }
    }
}
