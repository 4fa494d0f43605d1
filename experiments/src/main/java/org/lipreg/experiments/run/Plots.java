package org.lipreg.experiments.run;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.lipreg.training.internal.AtomicFiles;
import org.lipreg.training.runner.EpochMetrics;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** Learning-curve PNGs of a run. */
public final class Plots {

    private Plots() {}

    /**
     * Plots one or more metric columns against the epoch and writes a PNG atomically. Columns
     * that the history does not have are skipped; nothing is written if none is there.
     *
     * @param history the epochs
     * @param title the chart title
     * @param yLabel the y-axis label
     * @param columns the metric columns to draw, one line each
     * @param file the PNG file
     * @return true if the file was written
     * @throws IOException if writing fails
     */
    public static boolean curves(
            List<EpochMetrics> history, String title, String yLabel, List<String> columns, Path file)
            throws IOException {
        XYChart chart = new XYChartBuilder()
                .width(640)
                .height(420)
                .title(title)
                .xAxisTitle("epoch")
                .yAxisTitle(yLabel)
                .build();
        chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        // Below the plot: inside, it covers a rising curve's last epochs or a falling one's first.
        chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideS);
        chart.getStyler().setLegendLayout(org.knowm.xchart.style.Styler.LegendLayout.Horizontal);
        chart.getStyler().setXAxisDecimalPattern("0");
        chart.getStyler().setYAxisDecimalPattern("0.0###");
        boolean any = false;
        for (String column : columns) {
            if (!history.get(0).values().containsKey(column)) {
                continue;
            }
            double[] x = history.stream().mapToDouble(EpochMetrics::epoch).toArray();
            double[] y = history.stream().mapToDouble(m -> m.get(column)).toArray();
            chart.addSeries(column, x, y).setMarker(SeriesMarkers.CIRCLE);
            any = true;
        }
        if (!any) {
            return false;
        }
        byte[] png = BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
        AtomicFiles.write(file, out -> out.write(png));
        return true;
    }
}
