package org.lipreg.experiments.counterfactual;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.lipreg.experiments.certify.CertifyOutputs;
import org.lipreg.experiments.certify.MarkdownTables;
import org.lipreg.training.internal.AtomicFiles;

import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * The files of a counterfactual job: points.csv (one row per point), summary.csv and summary.md
 * (means of base vs T-Rex over the points where a base counterfactual was found) and
 * counterfactuals.png (the means side by side).
 */
public final class CounterfactualOutputs {

    /** The two methods, as named in the tables. */
    private static final List<String> METHODS = List.of("base", "t-rex");

    private CounterfactualOutputs() {}

    /**
     * Builds the per-point table.
     *
     * @param outcomes the outcomes
     * @param labelValues the label value of each class, as in the data file
     * @return the table
     */
    public static Table points(List<CounterfactualJob.Outcome> outcomes, double[] labelValues) {
        Table t = Table.create("points").addColumns(IntColumn.create("point"), DoubleColumn.create("label"),
                DoubleColumn.create("predicted"));
        for (String m : METHODS) {
            String p = m.replace("-", "") + "_";
            t.addColumns(DoubleColumn.create(p + "cost_l2"), DoubleColumn.create(p + "cost_l1"),
                    IntColumn.create(p + "valid"), DoubleColumn.create(p + "stability"),
                    DoubleColumn.create(p + "lipschitz_stability"), DoubleColumn.create(p + "gamma_local"),
                    DoubleColumn.create(p + "retrained_validity"));
        }
        t.addColumns(StringColumn.create("lipschitz"), IntColumn.create("trex_steps"), IntColumn.create("trex_reached"));
        for (CounterfactualJob.Outcome o : outcomes) {
            t.intColumn("point").append(o.index());
            t.doubleColumn("label").append(labelValues[o.label()]);
            t.doubleColumn("predicted").append(labelValues[o.predicted()]);
            for (String m : METHODS) {
                String p = m.replace("-", "") + "_";
                PointResult r = "base".equals(m) ? o.base() : o.trex();
                boolean found = r.point() != null;
                t.doubleColumn(p + "cost_l2").append(r.costL2());
                t.doubleColumn(p + "cost_l1").append(r.costL1());
                t.intColumn(p + "valid").append(r.valid() ? 1 : 0);
                t.doubleColumn(p + "stability").append(found ? r.stability().sampled() : Double.NaN);
                t.doubleColumn(p + "lipschitz_stability").append(found ? r.stability().lipschitz() : Double.NaN);
                t.doubleColumn(p + "gamma_local").append(found ? r.stability().gamma().local() : Double.NaN);
                t.doubleColumn(p + "retrained_validity").append(r.retrainedValidity());
            }
            t.stringColumn("lipschitz").append(o.base().point() != null ? o.base().stability().lipschitzKind() : "none");
            t.intColumn("trex_steps").append(o.steps());
            t.intColumn("trex_reached").append(o.reached() ? 1 : 0);
        }
        return t;
    }

    /**
     * Builds the summary: one row per method, means over the points with a counterfactual.
     *
     * @param outcomes the outcomes
     * @return the table
     */
    public static Table summary(List<CounterfactualJob.Outcome> outcomes) {
        List<CounterfactualJob.Outcome> found = outcomes.stream().filter(o -> o.base().point() != null).toList();
        Table t = Table.create("summary").addColumns(StringColumn.create("method"), IntColumn.create("points"),
                DoubleColumn.create("cost_l2"), DoubleColumn.create("cost_l1"), DoubleColumn.create("validity"),
                DoubleColumn.create("stability"), DoubleColumn.create("lipschitz_stability"),
                StringColumn.create("lipschitz"), DoubleColumn.create("retrained_validity"));
        String kind = found.isEmpty() ? "none" : found.get(0).base().stability().lipschitzKind();
        for (String m : METHODS) {
            List<PointResult> rs = found.stream().map(o -> "base".equals(m) ? o.base() : o.trex()).toList();
            t.stringColumn("method").append(m);
            t.intColumn("points").append(rs.size());
            t.doubleColumn("cost_l2").append(mean(rs, PointResult::costL2));
            t.doubleColumn("cost_l1").append(mean(rs, PointResult::costL1));
            t.doubleColumn("validity").append(mean(rs, r -> r.valid() ? 1 : 0));
            t.doubleColumn("stability").append(mean(rs, r -> r.stability().sampled()));
            t.doubleColumn("lipschitz_stability").append(mean(rs, r -> r.stability().lipschitz()));
            t.stringColumn("lipschitz").append(kind);
            t.doubleColumn("retrained_validity").append(mean(rs, PointResult::retrainedValidity));
        }
        return t;
    }

    private static double mean(List<PointResult> rs, ToDoubleFunction<PointResult> f) {
        return rs.isEmpty() ? Double.NaN : rs.stream().mapToDouble(f).average().orElse(Double.NaN);
    }

    /**
     * Lists the files {@link #write} writes into a directory (the retrained runs beside them are
     * reused, not replaced).
     *
     * @param dir the output directory
     * @return the files
     */
    public static List<Path> files(Path dir) {
        return List.of(dir.resolve("points.csv"), dir.resolve("summary.csv"), dir.resolve("summary.md"),
                dir.resolve("counterfactuals.png"));
    }

    /**
     * Writes points.csv, summary.csv, summary.md and counterfactuals.png.
     *
     * @param points the per-point table
     * @param summary the summary table
     * @param header the Markdown text above the summary (settings, what the columns mean)
     * @param dir the output directory
     * @return the files written
     * @throws IOException if writing fails
     */
    public static List<Path> write(Table points, Table summary, String header, Path dir) throws IOException {
        List<Path> files = new ArrayList<>();
        CertifyOutputs.csv(points, dir.resolve("points.csv"));
        files.add(dir.resolve("points.csv"));
        CertifyOutputs.csv(summary, dir.resolve("summary.csv"));
        files.add(dir.resolve("summary.csv"));
        AtomicFiles.writeString(dir.resolve("summary.md"), header + "\n" + MarkdownTables.of(summary));
        files.add(dir.resolve("summary.md"));
        Path png = dir.resolve("counterfactuals.png");
        plot(summary, png);
        files.add(png);
        return files;
    }

    private static void plot(Table summary, Path file) throws IOException {
        CategoryChart chart = new CategoryChartBuilder().width(860).height(420)
                .title("Counterfactuals: base vs T-Rex (means)").yAxisTitle("value").build();
        chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideS);
        chart.getStyler().setYAxisDecimalPattern("0.0#");
        List<String> measures = List.of("cost_l2", "validity", "stability", "lipschitz_stability", "retrained_validity");
        for (int r = 0; r < summary.rowCount(); r++) {
            List<Double> values = new ArrayList<>();
            for (String c : measures) {
                double v = summary.doubleColumn(c).getDouble(r);
                // XChart cannot draw NaN bars (no retraining, no Lipschitz form): draw them as 0.
                values.add(Double.isFinite(v) ? v : 0);
            }
            chart.addSeries(summary.stringColumn("method").get(r), measures, values);
        }
        byte[] bytes = BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
        AtomicFiles.write(file, out -> out.write(bytes));
    }
}
