package org.lipreg.experiments.sweep;

import org.lipreg.experiments.rl.RlRunner;

import tech.tablesaw.api.ColumnType;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.io.csv.CsvReadOptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A run's learning curve as a sweep report reads it: a training run's metrics.csv (one row per
 * epoch, {@code seconds} per epoch) or an RL run's returns.csv (one row per evaluation, {@code
 * seconds} since the start) with {@link RunKind#RETURN_AUC} added.
 *
 * @param table one row per epoch or evaluation; a metric is a column
 * @param progress epochs done, or environment steps done
 * @param seconds the run's wall time, NaN if it was not recorded
 */
record RunHistory(Table table, int progress, double seconds) {

    /** The metrics file of a training run. */
    static final String METRICS_FILE = "metrics.csv";

    /**
     * Reads a run directory's curve.
     *
     * @param kind what the run is
     * @param runDir the run directory
     * @return the curve, or null when the run has written none yet
     * @throws IOException if the file is there but cannot be read as a table
     */
    static RunHistory read(RunKind kind, Path runDir) throws IOException {
        Table table = readCsv(runDir.resolve(kind == RunKind.TRAIN ? METRICS_FILE : RlRunner.RETURNS_FILE),
                kind.progressColumn());
        if (table == null) {
            return null;
        }
        boolean timed = table.columnNames().contains("seconds") && table.rowCount() > 0;
        if (kind == RunKind.TRAIN) {
            return new RunHistory(table, table.rowCount(), timed ? table.numberColumn("seconds").sum() : Double.NaN);
        }
        DoubleColumn returns = table.numberColumn("mean_return").asDoubleColumn();
        DoubleColumn auc = DoubleColumn.create(RunKind.RETURN_AUC);
        double sum = 0;
        for (int i = 0; i < returns.size(); i++) {
            sum += returns.getDouble(i);
            auc.append(sum / (i + 1));
        }
        table.addColumns(auc);
        int last = table.rowCount() - 1;
        return new RunHistory(table, last < 0 ? 0 : table.intColumn(kind.progressColumn()).getInt(last),
                timed ? table.numberColumn("seconds").getDouble(last) : Double.NaN);
    }

    private static Table readCsv(Path csv, String progressColumn) throws IOException {
        if (!Files.isRegularFile(csv) || Files.size(csv) == 0) {
            return null;
        }
        try {
            return Table.read().usingOptions(CsvReadOptions.builder(csv.toFile())
                    .columnTypesPartial(name -> Optional.of(
                            name.equals(progressColumn) ? ColumnType.INTEGER : ColumnType.DOUBLE)));
        } catch (RuntimeException e) {
            throw new IOException(csv + ": cannot be read as a metrics table: " + e.getMessage(), e);
        }
    }
}
