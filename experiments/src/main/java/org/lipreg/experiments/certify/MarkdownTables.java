package org.lipreg.experiments.certify;

import org.lipreg.training.io.NumberText;

import tech.tablesaw.api.ColumnType;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;


/**
 * Renders a Tablesaw table as a GitHub Markdown table, numbers by {@link NumberText#display} to 4
 * significant digits (counts as integers, seconds to the millisecond), a missing one as a dash.
 */
public final class MarkdownTables {

    private MarkdownTables() {}

    /**
     * Renders a table.
     *
     * @param table the table
     * @return the Markdown text
     */
    public static String of(Table table) {
        StringBuilder sb = new StringBuilder("|");
        StringBuilder rule = new StringBuilder("|");
        for (Column<?> c : table.columns()) {
            sb.append(' ').append(c.name()).append(" |");
            rule.append(numeric(c) ? "---:|" : "---|");
        }
        sb.append('\n').append(rule).append('\n');
        for (int r = 0; r < table.rowCount(); r++) {
            sb.append('|');
            for (Column<?> c : table.columns()) {
                sb.append(' ').append(cell(c, r)).append(" |");
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    private static boolean numeric(Column<?> c) {
        return c.type() == ColumnType.DOUBLE || c.type() == ColumnType.INTEGER || c.type() == ColumnType.LONG;
    }

    private static String cell(Column<?> c, int r) {
        Object v = c.get(r);
        if (v == null) {
            return "–";
        }
        if (v instanceof Double d) {
            return Double.isNaN(d) ? "–" : NumberText.display(c.name(), d, 4);
        }
        return String.valueOf(v);
    }
}
