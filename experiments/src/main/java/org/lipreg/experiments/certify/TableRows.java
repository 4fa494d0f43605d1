package org.lipreg.experiments.certify;

import tech.tablesaw.api.ColumnType;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * Rows of a table as plain values, so that rows certified on another machine (a Spark executor)
 * travel back and are appended to the driver's table exactly: doubles as doubles, not as text.
 * Columns are matched by position; only the types the certification tables use (string, int,
 * double) are taken.
 */
public final class TableRows implements Serializable {

    private static final long serialVersionUID = 1L;

    private final List<Object[]> rows;

    private TableRows(List<Object[]> rows) {
        this.rows = rows;
    }

    /**
     * Copies every row of a table.
     *
     * @param table a table of string, int and double columns
     * @return its rows
     */
    public static TableRows of(Table table) {
        List<Object[]> rows = new ArrayList<>();
        for (int r = 0; r < table.rowCount(); r++) {
            Object[] row = new Object[table.columnCount()];
            for (int c = 0; c < row.length; c++) {
                Column<?> column = table.column(c);
                requireSupported(column);
                row[c] = column.get(r);
            }
            rows.add(row);
        }
        return new TableRows(rows);
    }

    /** @return how many rows */
    public int size() {
        return rows.size();
    }

    /**
     * Appends the rows to a table with the same columns in the same order.
     *
     * @param table the table
     */
    public void appendTo(Table table) {
        for (Object[] row : rows) {
            if (row.length != table.columnCount()) {
                throw new IllegalArgumentException("rows of " + row.length + " columns appended to " + table.name()
                        + ", which has " + table.columnCount());
            }
            for (int c = 0; c < row.length; c++) {
                Column<?> column = table.column(c);
                requireSupported(column);
                if (column.type() == ColumnType.STRING) {
                    table.stringColumn(c).append((String) row[c]);
                } else if (column.type() == ColumnType.INTEGER) {
                    table.intColumn(c).append((Integer) row[c]);
                } else {
                    table.doubleColumn(c).append((Double) row[c]);
                }
            }
        }
    }

    private static void requireSupported(Column<?> column) {
        ColumnType type = column.type();
        if (type != ColumnType.STRING && type != ColumnType.INTEGER && type != ColumnType.DOUBLE) {
            throw new IllegalArgumentException("column " + column.name() + ": type " + type + " is not carried");
        }
    }
}
