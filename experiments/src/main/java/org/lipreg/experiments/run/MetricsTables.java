package org.lipreg.experiments.run;

import org.lipreg.training.runner.EpochMetrics;

import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.Table;

import java.util.List;
import java.util.Map;

/** Per-epoch metrics as a Tablesaw table. */
public final class MetricsTables {

    private MetricsTables() {}

    /**
     * Builds a table with one row per epoch and one column per metric, printing its numbers to 4
     * significant digits (counts as integers, seconds to the millisecond).
     *
     * @param name the table's name
     * @param history the epochs, oldest first (not empty)
     * @return the table
     */
    public static Table fromHistory(String name, List<EpochMetrics> history) {
        Table table = Table.create(name);
        table.addColumns(IntColumn.create("epoch"));
        for (String column : history.get(0).values().keySet()) {
            if (!column.equals("epoch")) {
                table.addColumns(DoubleColumn.create(column));
            }
        }
        for (EpochMetrics m : history) {
            table.intColumn("epoch").append(m.epoch());
            for (Map.Entry<String, Double> e : m.values().entrySet()) {
                if (!e.getKey().equals("epoch")) {
                    table.doubleColumn(e.getKey()).append(e.getValue());
                }
            }
        }
        return TableText.forPrinting(table, 4);
    }
}
