package org.lipreg.experiments.sweep;

import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.Row;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A sweep's runs grouped over seeds (every axis but {@code seed}): the statistics of the
 * summary table, and the group's label that tables and plots share.
 */
final class SeedSummary {

    private SeedSummary() {}

    /** Groups finished runs over seeds: mean, sample std and count of each final metric. */
    static Table summarize(Table runs, List<String> groupColumns, List<String> metrics) {
        Table summary = Table.create("summary");
        for (String g : groupColumns) {
            summary.addColumns(StringColumn.create(g));
        }
        for (String m : metrics) {
            summary.addColumns(DoubleColumn.create(m + "_mean"), DoubleColumn.create(m + "_std"));
        }
        summary.addColumns(IntColumn.create("n"), IntColumn.create("failed"));
        // Row indices, not Row objects: a Tablesaw Row is a cursor that moves.
        Map<String, List<Integer>> groups = new LinkedHashMap<>();
        for (int i = 0; i < runs.rowCount(); i++) {
            groups.computeIfAbsent(groupKey(runs.row(i), groupColumns), k -> new ArrayList<>()).add(i);
        }
        for (List<Integer> rows : groups.values()) {
            for (String g : groupColumns) {
                summary.stringColumn(g).append(runs.stringColumn(g).get(rows.get(0)));
            }
            List<Integer> finished = rows.stream()
                    .filter(i -> runs.stringColumn("status").get(i).equals("finished")).toList();
            for (String m : metrics) {
                DoubleColumn values = runs.doubleColumn(ReportColumns.FINAL_PREFIX + m);
                // A run without the figure (e.g. not certified) does not count toward its mean.
                double[] v = finished.stream().mapToDouble(values::getDouble).filter(d -> !Double.isNaN(d)).toArray();
                summary.doubleColumn(m + "_mean").append(mean(v));
                summary.doubleColumn(m + "_std").append(std(v));
            }
            summary.intColumn("n").append(finished.size());
            summary.intColumn("failed").append(rows.size() - finished.size());
        }
        return summary;
    }

    static double mean(double[] v) {
        if (v.length == 0) {
            return Double.NaN;
        }
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s / v.length;
    }

    /** Sample standard deviation (n − 1); 0 for a single value, NaN for none. */
    static double std(double[] v) {
        if (v.length == 0) {
            return Double.NaN;
        }
        if (v.length == 1) {
            return 0;
        }
        double m = mean(v);
        double s = 0;
        for (double x : v) {
            s += (x - m) * (x - m);
        }
        return Math.sqrt(s / (v.length - 1));
    }

    /** A group's label: the variant, then {@code key=value} per axis (the key's last segment). */
    static String groupKey(Row row, List<String> groupColumns) {
        List<String> parts = new ArrayList<>();
        for (String g : groupColumns) {
            parts.add(g.equals("variant") ? row.getString(g) : shortName(g) + "=" + row.getString(g));
        }
        return String.join(", ", parts);
    }

    private static String shortName(String path) {
        return path.substring(path.lastIndexOf('.') + 1);
    }
}
