package org.lipreg.experiments.sweep;

import org.lipreg.experiments.run.TableText;
import org.lipreg.training.internal.AtomicFiles;

import tech.tablesaw.api.Table;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

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
 *       {@code epochs} has both (see {@link ReportColumns}); read by {@link SweepRuns};
 *   <li>{@code summary.csv} / {@code summary.md}: runs grouped over seeds (every axis but {@code
 *       seed}): mean, sample standard deviation and count of each final metric, finished runs
 *       only ({@link SeedSummary}, {@link SummaryMarkdown});
 *   <li>{@code curve_<metric>.png}: mean learning curve per group with a ±1 std band over seeds;
 *   <li>{@code bar_<metric>.png}: final value per group with std error bars ({@link SweepCharts}).
 * </ul>
 */
public final class SweepReport {

    /** The axis that is averaged over rather than reported. */
    public static final String SEED_AXIS = "seed";

    private final SweepRuns sweep;
    private final Table summary;

    private SweepReport(SweepRuns sweep) {
        this.sweep = sweep;
        this.summary = SeedSummary.summarize(sweep.runs(), sweep.groupColumns(), sweep.metrics());
    }

    /**
     * Returns one row per run.
     *
     * @return the runs table
     */
    public Table runs() {
        return sweep.runs();
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
        return new SweepReport(SweepRuns.read(sweepDir));
    }

    /**
     * Renders the summary as a Markdown table: group columns, then "mean ± std" per metric (4
     * decimals, seconds to the millisecond, whole numbers as integers), n.
     *
     * @return the Markdown text
     */
    public String markdown() {
        return SummaryMarkdown.render(summary, sweep.groupColumns(), sweep.metrics());
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
        written.add(writeCsv(sweep.runs(), sweepDir.resolve("runs.csv")));
        written.add(writeCsv(summary, sweepDir.resolve("summary.csv")));
        Path md = sweepDir.resolve("summary.md");
        AtomicFiles.writeString(md, markdown());
        written.add(md);
        for (String m : sweep.metrics()) {
            Path curve = sweepDir.resolve("curve_" + m + ".png");
            if (SweepCharts.writeCurves(m, sweep.kind(), sweep.curvesByGroup(), curve)) {
                written.add(curve);
            }
            Path bar = sweepDir.resolve("bar_" + m + ".png");
            if (SweepCharts.writeBars(m, summary, sweep.groupColumns(), bar)) {
                written.add(bar);
            }
        }
        return written;
    }

    private static Path writeCsv(Table table, Path file) throws IOException {
        TableText.writeCsv(table, file);
        return file;
    }
}
