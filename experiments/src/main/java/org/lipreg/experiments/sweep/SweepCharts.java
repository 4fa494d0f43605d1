package org.lipreg.experiments.sweep;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.lipreg.training.internal.AtomicFiles;

import tech.tablesaw.api.Row;
import tech.tablesaw.api.Table;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A sweep report's plots: {@code curve_<metric>.png}, the mean learning curve per group with a
 * ±1 std band over seeds, and {@code bar_<metric>.png}, the final value per group with std error
 * bars.
 */
final class SweepCharts {

    private SweepCharts() {}

    /**
     * Draws the learning curves of one metric.
     *
     * @param curvesByGroup per group label, the finished runs' metric tables
     * @return false (and nothing written) when no group has the metric
     */
    static boolean writeCurves(String metric, RunKind kind, Map<String, List<Table>> curvesByGroup, Path file)
            throws IOException {
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
                mean[e] = SeedSummary.mean(v);
                sd[e] = SeedSummary.std(v);
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

    /**
     * Draws the final values of one metric from the summary.
     *
     * @return false (and nothing written) when no group has a value
     */
    static boolean writeBars(String metric, Table summary, List<String> groupColumns, Path file) throws IOException {
        List<String> labels = new ArrayList<>();
        List<Double> means = new ArrayList<>();
        List<Double> errors = new ArrayList<>();
        for (Row row : summary) {
            double mean = row.getDouble(metric + "_mean");
            if (Double.isNaN(mean)) {
                continue;
            }
            labels.add(groupColumns.isEmpty() ? "all" : SeedSummary.groupKey(row, groupColumns));
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
}
