package org.lipreg.experiments.certify;

import org.lipreg.certify.lipschitz.BabSettings;
import org.lipreg.certify.lipschitz.LowerBoundSearch;
import org.lipreg.certify.lipschitz.Method;

import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Certifies local Lipschitz constants at each point of a target for each ε and method, beside a
 * sampled lower bound: one row per (point, ε, method) with lower, upper, their ratio and the
 * time, one row per output in a second table, and a summary per (ε, method). With margin specs
 * (rows {@code e_y − e_j}) each row also gets the certified ℓ∞ radius.
 */
public final class LipschitzJob {

    /** Which functions are bounded. */
    public enum Spec {
        /** Each output f_j; the reduced value is the max over j. */
        OUTPUT,
        /** Each margin f_y − f_j with y the prediction; gives certified radii. */
        MARGIN
    }

    private final List<Method> methods;
    private final List<Double> epsilons;
    private final Spec spec;
    private final BabSettings bab;
    private final LowerBoundSearch search;
    private final Consumer<String> progress;

    /**
     * Creates a job.
     *
     * @param methods the upper-bound methods
     * @param epsilons the box radii
     * @param spec which functions
     * @param bab branch-and-bound limits
     * @param search the sampled lower-bound search ({@link org.lipreg.certify.lipschitz.LowerBoundStrategy} adds
     *     region walks)
     * @param progress receives one line per point
     */
    public LipschitzJob(List<Method> methods, List<Double> epsilons, Spec spec, BabSettings bab, LowerBoundSearch search,
            Consumer<String> progress) {
        this.methods = List.copyOf(methods);
        this.epsilons = List.copyOf(epsilons);
        this.spec = spec;
        this.bab = bab;
        this.search = search;
        this.progress = progress;
    }

    /** The job's tables. */
    public record Result(Table points, Table outputs, Table summary, String unsupported) {}

    /**
     * Runs the job in this process. Without an IR network (an unsupported block), only the lower
     * bounds are computed and every upper bound is NaN; {@link Result#unsupported} says why.
     *
     * @param target the model and points
     * @return the tables
     */
    public Result run(CertifyTarget target) {
        Table rows = LipschitzPointWork.pointsTable();
        Table perOutput = LipschitzPointWork.perOutputTable();
        LipschitzPointWork work = work();
        try (LipschitzPointWork.Session session = LipschitzPointWork.Session.over(target)) {
            double[][] points = target.points();
            long begin = System.nanoTime();
            for (int p = 0; p < points.length; p++) {
                LipschitzPointWork.Rows point = work.certify(session,
                        new LipschitzPointWork.Point(p, points[p], target.labels()[p]));
                point.points().appendTo(rows);
                point.perOutput().appendTo(perOutput);
                double elapsed = (System.nanoTime() - begin) / 1e9;
                double eta = elapsed / (p + 1) * (points.length - p - 1);
                progress.accept(String.format(Locale.ROOT, "[%d/%d] point %d%s   elapsed %.0fs, eta %.0fs",
                        p + 1, points.length, p, point.line(), elapsed, eta));
            }
        }
        return result(target, rows, perOutput);
    }

    /**
     * Runs the job of a run's target with its points spread over a cluster: the same rows in the
     * same order as {@link #run(CertifyTarget)} (only the seconds differ).
     *
     * @param target the run's model and points, opened on this machine
     * @param runDir the run directory, whose model the executors load
     * @param cluster where the points run
     * @return the tables
     * @throws IOException if the run's files cannot be read or the cluster fails
     */
    public Result run(CertifyTarget target, Path runDir, PointCluster cluster) throws IOException {
        Table rows = LipschitzPointWork.pointsTable();
        Table perOutput = LipschitzPointWork.perOutputTable();
        double[][] points = target.points();
        List<LipschitzPointWork.Point> inputs = new ArrayList<>();
        for (int p = 0; p < points.length; p++) {
            inputs.add(new LipschitzPointWork.Point(p, points[p], target.labels()[p]));
        }
        LipschitzPointWork work = work().onExecutors(target.exampleShape(), target.outputs(), target.domainMin(),
                target.domainMax());
        List<LipschitzPointWork.Rows> results = cluster.certify(RunFiles.read(runDir), inputs, work);
        for (int p = 0; p < results.size(); p++) {
            LipschitzPointWork.Rows point = results.get(p);
            point.points().appendTo(rows);
            point.perOutput().appendTo(perOutput);
            progress.accept(String.format(Locale.ROOT, "[%d/%d] point %d%s", p + 1, points.length, p, point.line()));
        }
        return result(target, rows, perOutput);
    }

    private LipschitzPointWork work() {
        return new LipschitzPointWork(methods, epsilons, spec, bab, search);
    }

    private static Result result(CertifyTarget target, Table rows, Table perOutput) {
        String unsupported = target.unsupported() == null ? null : target.unsupported().getMessage();
        return new Result(rows, perOutput, summarize(rows), unsupported);
    }

    /**
     * Groups the point rows by ε and method.
     *
     * @param rows the per-point table
     * @return n, mean lower/upper, mean and max ratio, mean seconds, the fractions of points whose
     *     every function / whose maximum over functions was settled, mean radius
     */
    public static Table summarize(Table rows) {
        Table summary = Table.create("lipschitz_summary").addColumns(DoubleColumn.create("eps"),
                StringColumn.create("method"), IntColumn.create("n"), DoubleColumn.create("mean_lower"),
                DoubleColumn.create("mean_upper"), DoubleColumn.create("mean_ratio"), DoubleColumn.create("max_ratio"),
                DoubleColumn.create("mean_seconds"), DoubleColumn.create("complete_fraction"),
                DoubleColumn.create("max_complete_fraction"), DoubleColumn.create("mean_radius"));
        List<String> keys = new ArrayList<>();
        for (int r = 0; r < rows.rowCount(); r++) {
            String key = rows.doubleColumn("eps").getDouble(r) + "|" + rows.stringColumn("method").get(r);
            if (!keys.contains(key)) {
                keys.add(key);
            }
        }
        for (String key : keys) {
            double eps = Double.parseDouble(key.substring(0, key.indexOf('|')));
            String method = key.substring(key.indexOf('|') + 1);
            Table group = rows.where(rows.doubleColumn("eps").isEqualTo(eps).and(rows.stringColumn("method").isEqualTo(method)));
            summary.doubleColumn("eps").append(eps);
            summary.stringColumn("method").append(method);
            summary.intColumn("n").append(group.rowCount());
            summary.doubleColumn("mean_lower").append(group.doubleColumn("lower").mean());
            summary.doubleColumn("mean_upper").append(group.doubleColumn("upper").mean());
            summary.doubleColumn("mean_ratio").append(group.doubleColumn("ratio").mean());
            summary.doubleColumn("max_ratio").append(group.doubleColumn("ratio").max());
            summary.doubleColumn("mean_seconds").append(group.doubleColumn("seconds").mean());
            long complete = group.stringColumn("complete").asList().stream().filter("true"::equals).count();
            summary.doubleColumn("complete_fraction").append(complete / (double) group.rowCount());
            long maxComplete = group.stringColumn("max_complete").asList().stream().filter("true"::equals).count();
            summary.doubleColumn("max_complete_fraction").append(maxComplete / (double) group.rowCount());
            summary.doubleColumn("mean_radius").append(group.doubleColumn("radius").mean());
        }
        return summary;
    }
}
