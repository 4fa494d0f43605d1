package org.lipreg.experiments.certify;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.lipreg.training.internal.AtomicFiles;

import tech.tablesaw.api.Table;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Writes a smoothing job's tables, its certified-accuracy plot and the runs' certificate figures. */
public final class SmoothingOutputs {

    /** The key prefix of the smoothing figures in a certificate. */
    public static final String SMOOTHING_FIGURES = "smoothing_";

    private SmoothingOutputs() {}

    /**
     * Lists the files {@link #write} writes into a directory.
     *
     * @param dir the output directory
     * @return the files
     */
    public static List<Path> files(Path dir) {
        return List.of(dir.resolve("points.csv"), dir.resolve("curve.csv"), dir.resolve("summary.csv"),
                dir.resolve("summary.md"), dir.resolve("certified_accuracy.png"));
    }

    /**
     * Writes points.csv, curve.csv, summary.csv, summary.md and certified_accuracy.png.
     *
     * @param result the job's result
     * @param dir the output directory
     * @return the files written
     * @throws IOException if writing fails
     */
    public static List<Path> write(SmoothingJob.Result result, Path dir) throws IOException {
        List<Path> files = new ArrayList<>();
        for (Map.Entry<String, Table> e : Map.of("points.csv", result.points(), "curve.csv", result.curve(),
                "summary.csv", result.summary()).entrySet()) {
            CertifyOutputs.csv(e.getValue(), dir.resolve(e.getKey()));
            files.add(dir.resolve(e.getKey()));
        }
        String md = "# Randomized smoothing: certified ℓ2 accuracy\n\n"
                + "acc@r: fraction of points classified correctly with certified radius ≥ r (abstentions count as"
                + " wrong); acr: average certified radius; acc_lower@0.5: a lower bound, holding with probability"
                + " 1 − α, on the certified accuracy at 0.5 that these points truly have: acc@0.5 less the"
                + " (1 − α)-quantile of Binomial(points, α) wrong certificates, over the number of points.\n\n"
                + MarkdownTables.of(result.summary());
        AtomicFiles.writeString(dir.resolve("summary.md"), md);
        files.add(dir.resolve("summary.md"));
        Path png = dir.resolve("certified_accuracy.png");
        plot(result.curve(), png);
        files.add(png);
        return files;
    }

    /**
     * Adds a run's smoothing figures to its certificate.json (keys
     * {@code smoothing_<method>_sigma<σ>_<stat>}), keeping the other figures there.
     *
     * @param summary the job's summary
     * @param run the run's directory name in the summary
     * @param file the certificate file
     * @throws IOException if reading or writing fails
     */
    public static void writeCertificate(Table summary, String run, Path file) throws IOException {
        Map<String, Double> figures = new LinkedHashMap<>();
        for (int r = 0; r < summary.rowCount(); r++) {
            if (!summary.stringColumn("run").get(r).equals(run)) {
                continue;
            }
            String prefix = String.format(Locale.ROOT, "smoothing_%s_sigma%s_", summary.stringColumn("method").get(r),
                    SmoothingJob.trim(summary.doubleColumn("sigma").getDouble(r)));
            for (double radius : SmoothingJob.SUMMARY_RADII) {
                String column = SmoothingJob.accuracyColumn(radius);
                figures.put(prefix + column.replace("@", "_r"), summary.doubleColumn(column).getDouble(r));
            }
            figures.put(prefix + "acr", summary.doubleColumn("acr").getDouble(r));
        }
        CertifyOutputs.mergeCertificate(file, SMOOTHING_FIGURES, figures);
    }

    private static void plot(Table curve, Path file) throws IOException {
        XYChart chart = new XYChartBuilder().width(720).height(460).title("Certified accuracy (ℓ2)")
                .xAxisTitle("radius").yAxisTitle("certified accuracy").build();
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        // Curves start high on the left and fall to the right: the lower left stays empty.
        chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideSW);
        chart.getStyler().setYAxisMin(0.0);
        chart.getStyler().setYAxisMax(1.0);
        chart.getStyler().setYAxisDecimalPattern("0.0#");
        chart.getStyler().setXAxisDecimalPattern("0.0#");
        Map<String, List<double[]>> series = new LinkedHashMap<>();
        for (int r = 0; r < curve.rowCount(); r++) {
            String name = curve.stringColumn("method").get(r) + ", σ=" + SmoothingJob.trim(curve.doubleColumn("sigma")
                    .getDouble(r)) + " (" + curve.stringColumn("run").get(r) + ")";
            series.computeIfAbsent(name, k -> new ArrayList<>()).add(new double[] {
                curve.doubleColumn("radius").getDouble(r), curve.doubleColumn("certified_accuracy").getDouble(r)});
        }
        for (Map.Entry<String, List<double[]>> e : series.entrySet()) {
            double[] x = e.getValue().stream().mapToDouble(p -> p[0]).toArray();
            double[] y = e.getValue().stream().mapToDouble(p -> p[1]).toArray();
            chart.addSeries(e.getKey(), x, y).setMarker(SeriesMarkers.NONE);
        }
        byte[] png = BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
        AtomicFiles.write(file, out -> out.write(png));
    }
}
