package org.lipreg.experiments.certify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.lipreg.experiments.run.TableText;
import org.lipreg.training.internal.AtomicFiles;

import tech.tablesaw.api.Table;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Writes certification tables (CSV and Markdown), plots and the run's certificate summary. */
public final class CertifyOutputs {

    /** The file in a run directory that sweep reports read certified figures from. */
    public static final String CERTIFICATE_FILE = "certificate.json";

    /** The key prefix of the Lipschitz figures in a certificate. */
    public static final String LIPSCHITZ_FIGURES = "lipschitz_";

    private CertifyOutputs() {}

    /**
     * Writes a table as a CSV file ({@link TableText#writeCsv}).
     *
     * @param table the table
     * @param file the CSV file
     * @throws IOException if writing fails
     */
    public static void csv(Table table, Path file) throws IOException {
        TableText.writeCsv(table, file);
    }

    /**
     * Writes everything of a Lipschitz job into a directory: points.csv, per_output.csv,
     * summary.csv, summary.md and ratio.png (mean upper/lower ratio per local method and ε; naive's
     * in the title).
     *
     * @param result the job's result
     * @param dir the output directory
     * @return the files written
     * @throws IOException if writing fails
     */
    public static List<Path> writeLipschitz(LipschitzJob.Result result, Path dir) throws IOException {
        if (result.unsupported() != null) {
            // No plot without upper bounds; an earlier run's would not belong to these tables.
            Files.deleteIfExists(dir.resolve("ratio.png"));
        }
        List<Path> files = new ArrayList<>();
        csv(result.points(), dir.resolve("points.csv"));
        files.add(dir.resolve("points.csv"));
        csv(result.outputs(), dir.resolve("per_output.csv"));
        files.add(dir.resolve("per_output.csv"));
        csv(result.summary(), dir.resolve("summary.csv"));
        files.add(dir.resolve("summary.csv"));
        String md = "# Certified local Lipschitz constants (ℓ∞ in, ‖∇f‖₁)\n\n"
                + (result.unsupported() == null ? "" : "Upper bounds unavailable: " + result.unsupported() + "\n\n")
                + MarkdownTables.of(result.summary());
        AtomicFiles.writeString(dir.resolve("summary.md"), md);
        files.add(dir.resolve("summary.md"));
        if (result.unsupported() == null) {
            Path png = dir.resolve("ratio.png");
            ratioChart(result.summary(), png);
            files.add(png);
        }
        return files;
    }

    /**
     * Lists the files {@link #writeLipschitz} may write into a directory.
     *
     * @param dir the output directory
     * @return the files
     */
    public static List<Path> lipschitzFiles(Path dir) {
        return List.of(dir.resolve("points.csv"), dir.resolve("per_output.csv"), dir.resolve("summary.csv"),
                dir.resolve("summary.md"), dir.resolve("ratio.png"));
    }

    private static void ratioChart(Table summary, Path file) throws IOException {
        // The naive product is an order of magnitude looser than the local methods; drawn beside
        // them it would flatten their differences, so its ratios go in the title instead.
        Table local = summary.where(summary.stringColumn("method").isNotEqualTo("naive"));
        Table naive = summary.where(summary.stringColumn("method").isEqualTo("naive"));
        StringBuilder title = new StringBuilder("certified upper / attained lower, mean (1 is tight)");
        for (int i = 0; i < naive.rowCount(); i++) {
            title.append(i == 0 ? "; naive: " : ", ").append(String.format(Locale.ROOT, "%.1f",
                    naive.doubleColumn("mean_ratio").getDouble(i)));
        }
        if (local.rowCount() == 0) {
            local = summary;
        }
        CategoryChart chart = new CategoryChartBuilder().width(760).height(440).title(title.toString())
                .xAxisTitle("method").yAxisTitle("upper / lower").build();
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setYAxisMin(0.0);
        chart.getStyler().setYAxisDecimalPattern("0.0##"); // ticks such as 1.2000000000000002 otherwise
        List<Double> epsilons = new ArrayList<>();
        for (int i = 0; i < local.rowCount(); i++) {
            double e = local.doubleColumn("eps").getDouble(i);
            if (!epsilons.contains(e)) {
                epsilons.add(e);
            }
        }
        for (double eps : epsilons) {
            Table group = local.where(local.doubleColumn("eps").isEqualTo(eps));
            List<Double> ratios = new ArrayList<>();
            for (int i = 0; i < group.rowCount(); i++) {
                double r = group.doubleColumn("mean_ratio").getDouble(i);
                ratios.add(Double.isFinite(r) && r > 0 ? r : 1.0);
            }
            chart.addSeries(String.format(Locale.ROOT, "eps = %.3g", eps), group.stringColumn("method").asList(), ratios);
        }
        byte[] png = BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
        AtomicFiles.write(file, o -> o.write(png));
    }

    /**
     * Writes the run's certificate summary, one number per (method, ε, statistic), for sweep
     * reports: e.g. {@code lipschitz_crown_eps0.01_mean_upper}.
     *
     * @param summary the job's summary table
     * @param file the JSON file
     * @throws IOException if writing fails
     */
    public static void writeCertificate(Table summary, Path file) throws IOException {
        Map<String, Double> figures = new LinkedHashMap<>();
        for (int r = 0; r < summary.rowCount(); r++) {
            String prefix = String.format(Locale.ROOT, "lipschitz_%s_eps%s_", summary.stringColumn("method").get(r),
                    trim(summary.doubleColumn("eps").getDouble(r)));
            for (String stat : new String[] {"mean_lower", "mean_upper", "mean_ratio", "mean_seconds", "mean_radius"}) {
                figures.put(prefix + stat, summary.doubleColumn(stat).getDouble(r));
            }
        }
        mergeCertificate(file, LIPSCHITZ_FIGURES, figures);
    }

    /**
     * Whether a certificate file holds figures of a family (keys starting with it).
     *
     * @param file the certificate file
     * @param family the key prefix, e.g. "lipschitz_"
     * @return false when the file does not exist
     * @throws IOException if the file exists but is not a JSON object
     */
    public static boolean holdsFamily(Path file, String family) throws IOException {
        if (!Files.isRegularFile(file)) {
            return false;
        }
        JsonNode root = new ObjectMapper().readTree(file.toFile());
        if (root == null || !root.isObject()) {
            throw new IOException(file + ": not a JSON object");
        }
        for (Iterator<String> keys = root.fieldNames(); keys.hasNext(); ) {
            if (keys.next().startsWith(family)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Replaces one family of figures in a certificate file and keeps the others, so Lipschitz
     * and smoothing certificates of one run live side by side. Non-finite values are left out.
     *
     * @param file the certificate file (created if missing)
     * @param family the key prefix of the figures being replaced, e.g. "lipschitz_"
     * @param figures the new figures, every key starting with {@code family}
     * @throws IOException if the file exists but is not a JSON object, or writing fails
     */
    public static void mergeCertificate(Path file, String family, Map<String, Double> figures) throws IOException {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode root = mapper.createObjectNode();
        if (Files.isRegularFile(file)) {
            JsonNode old = mapper.readTree(file.toFile());
            if (old == null || !old.isObject()) {
                throw new IOException(file + ": not a JSON object");
            }
            old.fields().forEachRemaining(e -> {
                if (!e.getKey().startsWith(family)) {
                    root.set(e.getKey(), e.getValue());
                }
            });
        }
        figures.forEach((key, value) -> {
            if (Double.isFinite(value)) {
                root.put(key, value);
            }
        });
        AtomicFiles.writeString(file, mapper.writerWithDefaultPrettyPrinter().writeValueAsString(root));
    }

    private static String trim(double v) {
        String s = String.format(Locale.ROOT, "%.6f", v);
        return s.replaceAll("0+$", "").replaceAll("\\.$", "");
    }
}
