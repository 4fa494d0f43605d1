package org.lipreg.experiments.sweep;

import com.fasterxml.jackson.databind.JsonNode;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.lipreg.experiments.config.ConfigException;
import org.lipreg.experiments.config.ConfigLoader;
import org.lipreg.experiments.run.RunExecutor;
import org.lipreg.experiments.run.TableText;
import org.lipreg.training.io.AtomicFiles;
import org.lipreg.training.io.NumberText;

import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.Row;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a sweep directory into tables and plots. A metric is a column of each run's metrics.csv,
 * or, in an {@linkplain RunKind#RL RL sweep}, of its returns.csv (one row per evaluation) or
 * {@link RunKind#RETURN_AUC}; its final value is the last row's.
 *
 * <ul>
 *   <li>{@code runs.csv}: one row per run — variant, axis values, status, final and best value of
 *       each metric (best: highest accuracy, radius or return, lowest loss or perplexity; empty
 *       for metrics with no better direction, such as seconds), epochs_done (RL: steps_done,
 *       environment steps), seconds, error; an axis's column is named by its key, so a grid over
 *       {@code epochs} has both (see {@link ReportColumns});
 *   <li>{@code summary.csv} / {@code summary.md}: runs grouped over seeds (every axis but {@code
 *       seed}): mean, sample standard deviation and count of each final metric, finished runs
 *       only;
 *   <li>{@code curve_<metric>.png}: mean learning curve per group with a ±1 std band over seeds;
 *   <li>{@code bar_<metric>.png}: final value per group with std error bars.
 * </ul>
 */
public final class SweepReport {

    /** The axis that is averaged over rather than reported. */
    public static final String SEED_AXIS = "seed";

    private final Table runs;
    private final Table summary;
    private final List<String> groupColumns;
    private final List<String> metrics;
    private final RunKind kind;
    private final Map<String, List<Table>> curvesByGroup;

    private SweepReport(Table runs, Table summary, List<String> groupColumns, List<String> metrics, RunKind kind,
            Map<String, List<Table>> curvesByGroup) {
        this.runs = runs;
        this.kind = kind;
        this.summary = summary;
        this.groupColumns = groupColumns;
        this.metrics = metrics;
        this.curvesByGroup = curvesByGroup;
    }

    /**
     * Returns one row per run.
     *
     * @return the runs table
     */
    public Table runs() {
        return runs;
    }

    /**
     * Returns the runs grouped over seeds.
     *
     * @return the summary table
     */
    public Table summary() {
        return summary;
    }

    /**
     * Reads a sweep directory.
     *
     * @param sweepDir the directory written by {@code lipreg sweep}
     * @return the report
     * @throws IOException if the plan or a run's files cannot be read
     */
    public static SweepReport read(Path sweepDir) throws IOException {
        JsonNode plan = SweepRunner.readPlan(sweepDir);
        RunKind kind;
        try {
            // Plans written before RL sweeps have no kind: they are training sweeps.
            kind = RunKind.of(plan.path("kind").asText(RunKind.TRAIN.id()));
        } catch (ConfigException e) {
            throw new IOException(sweepDir.resolve(SweepRunner.PLAN_FILE) + ": " + e.getMessage(), e);
        }
        List<String> axes = new ArrayList<>();
        plan.path("axes").forEach(a -> axes.add(a.asText()));
        for (String axis : axes) {
            String clash = ReportColumns.clash(axis, kind);
            if (clash != null) {
                throw new IOException(sweepDir.resolve(SweepRunner.PLAN_FILE) + ": axis '" + axis + "': "
                        + ReportColumns.clashProblem(clash));
            }
        }
        List<String> metrics = new ArrayList<>();
        plan.path("metrics").forEach(m -> metrics.add(m.asText()));
        // Certified figures (lipreg certify lipschitz --sweep) join the metrics of every run.
        Map<String, Map<String, Double>> certificates = new LinkedHashMap<>();
        java.util.TreeSet<String> certified = new java.util.TreeSet<>();
        for (JsonNode r : plan.path("runs")) {
            Map<String, Double> values = certificate(sweepDir.resolve(r.path("name").asText()));
            certificates.put(r.path("name").asText(), values);
            certified.addAll(values.keySet());
        }
        for (String key : certified) {
            if (!metrics.contains(key)) {
                metrics.add(key);
            }
        }
        boolean hasVariants = plan.path("hasVariants").asBoolean();

        Table runs = Table.create("runs").addColumns(StringColumn.create(ReportColumns.RUN));
        List<String> groupColumns = new ArrayList<>();
        if (hasVariants) {
            runs.addColumns(StringColumn.create(ReportColumns.VARIANT));
            groupColumns.add(ReportColumns.VARIANT);
        }
        for (String axis : axes) {
            runs.addColumns(StringColumn.create(axis));
            if (!axis.equals(SEED_AXIS)) {
                groupColumns.add(axis);
            }
        }
        runs.addColumns(StringColumn.create(ReportColumns.STATUS));
        for (String m : metrics) {
            runs.addColumns(DoubleColumn.create(ReportColumns.FINAL_PREFIX + m),
                    DoubleColumn.create(ReportColumns.BEST_PREFIX + m));
        }
        String progress = ReportColumns.progress(kind);
        runs.addColumns(IntColumn.create(progress), DoubleColumn.create(ReportColumns.SECONDS),
                StringColumn.create(ReportColumns.ERROR));

        Map<String, List<Table>> curves = new LinkedHashMap<>();
        for (JsonNode r : plan.path("runs")) {
            String name = r.path("name").asText();
            Path dir = sweepDir.resolve(name);
            runs.stringColumn("run").append(name);
            if (hasVariants) {
                runs.stringColumn("variant").append(r.path("variant").asText());
            }
            for (String axis : axes) {
                runs.stringColumn(axis).append(r.path("axes").path(axis).asText());
            }
            String status = status(dir);
            runs.stringColumn("status").append(status);
            RunHistory history = RunHistory.read(kind, dir);
            Table metricsTable = history == null ? null : history.table();
            Map<String, Double> certificate = certificates.getOrDefault(name, Map.of());
            for (String m : metrics) {
                if (certificate.containsKey(m)) {
                    runs.doubleColumn(ReportColumns.FINAL_PREFIX + m).append(certificate.get(m));
                    runs.doubleColumn(ReportColumns.BEST_PREFIX + m).append(certificate.get(m));
                    continue;
                }
                boolean has = metricsTable != null && metricsTable.columnNames().contains(m);
                DoubleColumn col = has ? metricsTable.numberColumn(m).asDoubleColumn() : null;
                runs.doubleColumn(ReportColumns.FINAL_PREFIX + m)
                        .append(has && col.size() > 0 ? col.get(col.size() - 1) : Double.NaN);
                runs.doubleColumn(ReportColumns.BEST_PREFIX + m).append(!has || col.size() == 0 ? Double.NaN
                        : higherIsBetter(m) ? col.max() : lowerIsBetter(m) ? col.min() : Double.NaN);
            }
            runs.intColumn(progress).append(history == null ? 0 : history.progress());
            runs.doubleColumn("seconds").append(history == null ? Double.NaN : history.seconds());
            runs.stringColumn("error").append(error(dir));
            if ("finished".equals(status) && metricsTable != null) {
                curves.computeIfAbsent(groupKey(runs.row(runs.rowCount() - 1), groupColumns), k -> new ArrayList<>())
                        .add(metricsTable);
            }
        }
        Table summary = summarize(runs, groupColumns, metrics);
        return new SweepReport(runs, summary, groupColumns, metrics, kind, curves);
    }

    /** Reads a run's certified figures, empty when it has none. */
    private static Map<String, Double> certificate(Path runDir) throws IOException {
        Path file = runDir.resolve(org.lipreg.experiments.certify.CertifyOutputs.CERTIFICATE_FILE);
        Map<String, Double> values = new LinkedHashMap<>();
        if (java.nio.file.Files.isRegularFile(file)) {
            JsonNode root = new com.fasterxml.jackson.databind.ObjectMapper().readTree(file.toFile());
            root.fields().forEachRemaining(e -> {
                if (e.getValue().isNumber()) {
                    values.put(e.getKey(), e.getValue().asDouble());
                }
            });
        }
        return values;
    }

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

    /**
     * Renders the summary as a Markdown table: group columns, then "mean ± std" per metric (4
     * decimals, seconds to the millisecond, whole numbers as integers), n.
     *
     * @return the Markdown text
     */
    public String markdown() {
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

    /**
     * Writes runs.csv, summary.csv, summary.md and the plots into the sweep directory.
     *
     * @param sweepDir the sweep directory
     * @return the files written
     * @throws IOException if writing fails
     */
    public List<Path> write(Path sweepDir) throws IOException {
        List<Path> written = new ArrayList<>();
        written.add(writeCsv(runs, sweepDir.resolve("runs.csv")));
        written.add(writeCsv(summary, sweepDir.resolve("summary.csv")));
        Path md = sweepDir.resolve("summary.md");
        AtomicFiles.writeString(md, markdown());
        written.add(md);
        for (String m : metrics) {
            Path curve = sweepDir.resolve("curve_" + m + ".png");
            if (writeCurves(m, curve)) {
                written.add(curve);
            }
            Path bar = sweepDir.resolve("bar_" + m + ".png");
            if (writeBars(m, bar)) {
                written.add(bar);
            }
        }
        return written;
    }

    private boolean writeCurves(String metric, Path file) throws IOException {
        String progress = kind.progressColumn();
        XYChart chart = new XYChartBuilder().width(720).height(460)
                .title(metric + " per " + progress + " (mean ± std over seeds)")
                .xAxisTitle(progress).yAxisTitle(metric).build();
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setXAxisDecimalPattern("0");
        chart.getStyler().setYAxisDecimalPattern("0.0###");
        Color[] palette = chart.getStyler().getSeriesColors();
        int index = 0;
        for (Map.Entry<String, List<Table>> group : curvesByGroup.entrySet()) {
            List<Table> tables = group.getValue();
            if (!tables.get(0).columnNames().contains(metric)) {
                continue;
            }
            int epochs = tables.stream().mapToInt(Table::rowCount).min().orElse(0);
            if (epochs == 0) {
                continue;
            }
            double[] x = new double[epochs];
            double[] mean = new double[epochs];
            double[] sd = new double[epochs];
            for (int e = 0; e < epochs; e++) {
                int epoch = e;
                double[] v = tables.stream().mapToDouble(t -> t.numberColumn(metric).getDouble(epoch)).toArray();
                x[e] = tables.get(0).columnNames().contains(progress)
                        ? tables.get(0).numberColumn(progress).getDouble(e) : e + 1;
                mean[e] = mean(v);
                sd[e] = std(v);
            }
            Color color = palette[index++ % palette.length];
            String label = group.getKey().isEmpty() ? "all" : group.getKey();
            if (tables.size() > 1) {
                double[] bx = new double[2 * epochs];
                double[] by = new double[2 * epochs];
                for (int e = 0; e < epochs; e++) {
                    bx[e] = x[e];
                    by[e] = mean[e] + sd[e];
                    bx[2 * epochs - 1 - e] = x[e];
                    by[2 * epochs - 1 - e] = mean[e] - sd[e];
                }
                XYSeries band = chart.addSeries(label + " ±std", bx, by);
                band.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.PolygonArea);
                band.setFillColor(new Color(color.getRed(), color.getGreen(), color.getBlue(), 60));
                band.setLineColor(new Color(0, 0, 0, 0));
                band.setMarker(SeriesMarkers.NONE);
                band.setShowInLegend(false);
            }
            XYSeries line = chart.addSeries(label + " (n=" + tables.size() + ")", x, mean);
            line.setLineColor(color);
            line.setMarkerColor(color);
            line.setMarker(SeriesMarkers.CIRCLE);
        }
        if (chart.getSeriesMap().isEmpty()) {
            return false;
        }
        byte[] png = BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
        AtomicFiles.write(file, out -> out.write(png));
        return true;
    }

    private boolean writeBars(String metric, Path file) throws IOException {
        List<String> labels = new ArrayList<>();
        List<Double> means = new ArrayList<>();
        List<Double> errors = new ArrayList<>();
        for (Row row : summary) {
            double mean = row.getDouble(metric + "_mean");
            if (Double.isNaN(mean)) {
                continue;
            }
            labels.add(groupColumns.isEmpty() ? "all" : groupKey(row, groupColumns));
            means.add(mean);
            errors.add(row.getDouble(metric + "_std"));
        }
        if (labels.isEmpty()) {
            return false;
        }
        CategoryChart chart = new CategoryChartBuilder().width(720).height(460)
                .title("final " + metric + " (mean ± std over seeds)").xAxisTitle("variant").yAxisTitle(metric).build();
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setLegendVisible(false);
        int longest = labels.stream().mapToInt(String::length).max().orElse(0);
        chart.getStyler().setXAxisLabelRotation(longest * labels.size() > 60 ? 20 : 0);
        double min = means.stream().mapToDouble(Double::doubleValue).min().orElse(0);
        if (min > 0) {
            chart.getStyler().setYAxisMin(0.0);
        }
        chart.addSeries(metric, labels, means, errors);
        byte[] png = BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
        AtomicFiles.write(file, out -> out.write(png));
        return true;
    }

    private static Path writeCsv(Table table, Path file) throws IOException {
        TableText.writeCsv(table, file);
        return file;
    }

    private static String groupKey(Row row, List<String> groupColumns) {
        List<String> parts = new ArrayList<>();
        for (String g : groupColumns) {
            parts.add(g.equals("variant") ? row.getString(g) : shortName(g) + "=" + row.getString(g));
        }
        return String.join(", ", parts);
    }

    private static String shortName(String path) {
        return path.substring(path.lastIndexOf('.') + 1);
    }

    private static boolean higherIsBetter(String metric) {
        return metric.contains("accuracy") || metric.contains("radius") || metric.equals("mean_return")
                || metric.equals(RunKind.RETURN_AUC);
    }

    /**
     * Losses and perplexities; other metrics (time, memory, σ and Lipschitz estimates, the
     * learning rate) have no better direction, so their best value is left empty.
     */
    private static boolean lowerIsBetter(String metric) {
        return metric.contains("loss") || metric.contains("perplexity") || metric.contains("error");
    }

    private static String status(Path runDir) {
        Path summary = runDir.resolve(RunExecutor.SUMMARY_FILE);
        if (Files.isRegularFile(summary)) {
            try {
                return ConfigLoader.json().readTree(summary.toFile()).path("status").asText("unknown");
            } catch (IOException e) {
                return "unknown";
            }
        }
        if (Files.isRegularFile(runDir.resolve(SweepRunner.FAILURE_FILE))) {
            return "failed";
        }
        if (Files.isDirectory(runDir.resolve("checkpoints"))) {
            return "interrupted";
        }
        return "pending";
    }

    private static String error(Path runDir) {
        try {
            Path failure = runDir.resolve(SweepRunner.FAILURE_FILE);
            if (Files.isRegularFile(failure)) {
                return Files.readString(failure).trim();
            }
            Path summary = runDir.resolve(RunExecutor.SUMMARY_FILE);
            if (Files.isRegularFile(summary)) {
                return ConfigLoader.json().readTree(summary.toFile()).path("error").asText("");
            }
        } catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
        return "";
    }
}
