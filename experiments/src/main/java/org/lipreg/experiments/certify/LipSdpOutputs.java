package org.lipreg.experiments.certify;

import org.lipreg.certify.lipsdp.LipSdp;
import org.lipreg.certify.lipsdp.LipSdpResult;
import org.lipreg.training.internal.AtomicFiles;

import tech.tablesaw.api.BooleanColumn;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The table of {@code lipreg certify lipsdp}: NAME.csv and NAME.md in the output directory
 * (lipsdp for the ℓ2 bound, lipsdp-linf-J for the ℓ∞ bound of output J).
 */
public final class LipSdpOutputs {

    /**
     * The key prefix of the ℓ2 LipSDP figures in a run's certificate (sweep reports read them):
     * {@code lipsdp_l2} (the proven bound), {@code lipsdp_l2_lower}, {@code lipsdp_l2_product},
     * {@code lipsdp_l2_residual_relu} (when the table has it).
     */
    public static final String L2_FIGURES = "lipsdp_l2";

    private LipSdpOutputs() {}

    /**
     * Writes the ℓ2 figures of a table into a run's certificate file, beside its other families.
     *
     * @param table the table from {@link #table}
     * @param file the run's {@link CertifyOutputs#CERTIFICATE_FILE}
     * @throws IOException if the file is not a JSON object, or writing fails
     */
    public static void writeCertificate(Table table, Path file) throws IOException {
        java.util.Map<String, Double> figures = new java.util.LinkedHashMap<>();
        figures.put(L2_FIGURES, table.doubleColumn("lipsdp_bound").getDouble(0));
        figures.put(L2_FIGURES + "_lower", table.doubleColumn("lower_bound").getDouble(0));
        figures.put(L2_FIGURES + "_product", table.doubleColumn("product_bound").getDouble(0));
        figures.put(L2_FIGURES + "_residual_relu", table.doubleColumn("residual_relu_bound").getDouble(0)); // NaN: left out
        CertifyOutputs.mergeCertificate(file, L2_FIGURES, figures);
    }

    /**
     * Lists the files {@link #write} writes.
     *
     * @param dir the output directory
     * @param name the files' name without extension
     * @return the files
     */
    public static List<Path> files(Path dir, String name) {
        return List.of(dir.resolve(name + ".csv"), dir.resolve(name + ".md"));
    }

    /**
     * Builds the one-row table: the bounds side by side.
     *
     * @param model the model's name
     * @param norm which bound, e.g. {@code l2} or {@code linf, output 3}
     * @param result the bounds
     * @param baseline LipSDP on the residual-ReLU rewrite, or null (not a MaxMin network, or too large)
     * @return the table
     */
    public static Table table(String model, String norm, LipSdpResult result, LipSdp.Baseline baseline) {
        Table t = Table.create("lipsdp").addColumns(StringColumn.create("model"), StringColumn.create("norm"),
                DoubleColumn.create("product_bound"), DoubleColumn.create("residual_relu_bound"),
                DoubleColumn.create("lipsdp_bound"), DoubleColumn.create("optimizer_bound"),
                DoubleColumn.create("lower_bound"), StringColumn.create("solver"), IntColumn.create("steps"), BooleanColumn.create("converged"),
                DoubleColumn.create("seconds"), DoubleColumn.create("residual_relu_seconds"));
        t.stringColumn("model").append(model);
        t.stringColumn("norm").append(norm);
        t.doubleColumn("product_bound").append(result.productBound());
        if (baseline != null) {
            t.doubleColumn("residual_relu_bound").append(baseline.bound());
            t.doubleColumn("residual_relu_seconds").append(baseline.seconds());
        } else {
            t.doubleColumn("residual_relu_bound").appendMissing();
            t.doubleColumn("residual_relu_seconds").appendMissing();
        }
        t.doubleColumn("lipsdp_bound").append(result.verifiedBound());
        t.doubleColumn("optimizer_bound").append(result.optimizerBound());
        t.doubleColumn("lower_bound").append(result.lowerBound());
        t.stringColumn("solver").append(result.solver().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
        t.intColumn("steps").append(result.steps());
        t.booleanColumn("converged").append(result.converged());
        t.doubleColumn("seconds").append(result.seconds());
        return t;
    }

    /**
     * Writes the table as CSV and Markdown (each temp file then rename).
     *
     * @param table the table from {@link #table}
     * @param dir the output directory
     * @param name the files' name without extension
     * @throws IOException if writing fails
     */
    public static void write(Table table, Path dir, String name) throws IOException {
        CertifyOutputs.csv(table, dir.resolve(name + ".csv"));
        AtomicFiles.writeString(dir.resolve(name + ".md"), "# Global Lipschitz bounds (LipSDP)\n\n"
                + "lipsdp_bound is proven in float64 (Cholesky with an explicit rounding margin) for the "
                + "solver's multipliers; optimizer_bound is the solver's own bound (√ρ for ℓ2, ρ for ℓ∞); "
                + "lower_bound is the largest ‖J(x)‖₂ (ℓ2) or ‖∇f_j(x)‖₁ (ℓ∞) at the sampled points "
                + "(attained). product_bound for ℓ∞ is ‖c‖₁ Π ‖W_k‖_∞. residual_relu_bound is the paper's "
                + "baseline, standard LipSDP on max(a, b) = b + ReLU(a − b), min(a, b) = b − ReLU(b − a), "
                + "also proven (MaxMin networks with at most " + LipSdp.NEWTON_LIMIT + " ReLU multipliers).\n\n" + MarkdownTables.of(table));
    }
}
