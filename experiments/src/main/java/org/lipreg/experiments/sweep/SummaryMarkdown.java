package org.lipreg.experiments.sweep;

import org.lipreg.training.io.NumberText;

import tech.tablesaw.api.Row;
import tech.tablesaw.api.Table;

import java.util.ArrayList;
import java.util.List;

/** The summary table as Markdown, the text {@code summary.md} holds and {@code lipreg report} prints. */
final class SummaryMarkdown {

    private SummaryMarkdown() {}

    /**
     * Group columns, then "mean ± std" per metric (4 decimals, seconds to the millisecond, whole
     * numbers as integers), n.
     */
    static String render(Table summary, List<String> groupColumns, List<String> metrics) {
        StringBuilder sb = new StringBuilder();
        List<String> header = new ArrayList<>(groupColumns);
        metrics.forEach(header::add);
        header.add("n");
        sb.append("| ").append(String.join(" | ", header)).append(" |\n");
        sb.append("|").append("---|".repeat(groupColumns.size()));
        sb.append("---:|".repeat(metrics.size() + 1)).append('\n');
        for (Row row : summary) {
            List<String> cells = new ArrayList<>();
            for (String g : groupColumns) {
                cells.add(row.getString(g));
            }
            for (String m : metrics) {
                double mean = row.getDouble(m + "_mean");
                double std = row.getDouble(m + "_std");
                cells.add(Double.isNaN(mean) ? "–"
                        : NumberText.displayDecimals(m, mean, 4) + " ± " + NumberText.displayDecimals(m, std, 4));
            }
            cells.add(String.valueOf(row.getInt("n")));
            sb.append("| ").append(String.join(" | ", cells)).append(" |\n");
        }
        return sb.toString();
    }
}
