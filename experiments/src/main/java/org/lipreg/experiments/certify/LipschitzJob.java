package org.lipreg.experiments.certify;

import org.lipreg.certify.lipschitz.BabSettings;
import org.lipreg.certify.lipschitz.GradientOracle;
import org.lipreg.certify.lipschitz.GraphOracle;
import org.lipreg.certify.lipschitz.InputBox;
import org.lipreg.certify.lipschitz.LipschitzBound;
import org.lipreg.certify.lipschitz.LipschitzCertifier;
import org.lipreg.certify.lipschitz.LowerBound;
import org.lipreg.certify.lipschitz.LowerBoundSearch;
import org.lipreg.certify.lipschitz.Method;
import org.lipreg.certify.lipschitz.RegionWalk;
import org.lipreg.certify.lipschitz.RobustnessRadius;

import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

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

    /** Region-walk moves per spec row and neurons tried per move, after the sampled search. */
    private static final int WALK_MOVES = 100;
    private static final int WALK_CANDIDATES = 8;

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
     * @param search the lower-bound search
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
     * Runs the job. Without an IR network (an unsupported block), only the lower bounds are
     * computed and every upper bound is NaN; {@link Result#unsupported} says why.
     *
     * @param target the model and points
     * @return the tables
     */
    public Result run(CertifyTarget target) {
        Table rows = Table.create("lipschitz").addColumns(IntColumn.create("point"), IntColumn.create("label"),
                IntColumn.create("predicted"), DoubleColumn.create("eps"), StringColumn.create("method"),
                DoubleColumn.create("lower"), DoubleColumn.create("upper"), DoubleColumn.create("ratio"),
                DoubleColumn.create("seconds"), DoubleColumn.create("lower_seconds"), DoubleColumn.create("domains"),
                StringColumn.create("complete"), StringColumn.create("max_complete"), DoubleColumn.create("radius"));
        Table perOutput = Table.create("lipschitz_per_output").addColumns(IntColumn.create("point"),
                DoubleColumn.create("eps"), StringColumn.create("method"), StringColumn.create("function"),
                DoubleColumn.create("lower"), DoubleColumn.create("upper"));
        // an IR network that bound propagation refuses (e.g. the Householder activation, which only
        // LipSDP reads) gets lower bounds only, like a model without one
        LipschitzCertifier certifier = target.network() == null || target.unsupported() != null ? null
                : LipschitzCertifier.of(target.network());
        try {
            GradientOracle oracle = certifier != null ? new GraphOracle(certifier.graph()) : target.blockOracle();
            double[][] points = target.points();
            long begin = System.nanoTime();
            for (int p = 0; p < points.length; p++) {
                double[] x0 = points[p];
                double[] out = oracle.outputs(new double[][] {x0})[0];
                int predicted = argMax(out);
                double[][] specs = spec == Spec.MARGIN ? LipschitzCertifier.marginSpecs(out.length, predicted)
                        : LipschitzCertifier.outputSpecs(out.length);
                double[] margins = margins(out, predicted);
                StringBuilder line = new StringBuilder();
                // Boxes around one point grow with ε, so a gradient found in a smaller box is a
                // lower bound for every larger one.
                double[] carried = new double[specs.length];
                double previous = Double.NEGATIVE_INFINITY;
                for (double eps : epsilons) {
                    if (eps < previous) {
                        carried = new double[specs.length];
                    }
                    previous = eps;
                    InputBox box = InputBox.around(x0, eps, target.domainMin(), target.domainMax());
                    LowerBound sampled = search.search(oracle, box, specs);
                    double lowerSeconds = sampled.seconds();
                    double[] lowerPerSpec = sampled.perSpec().clone();
                    if (certifier != null) {
                        // From each row's best sampled point, walk across activation regions; then
                        // walk each row again from the other rows' end points (a region where one
                        // output's gradient is large is often a good start for another: on the
                        // MNIST MLP at ε = 0.1 this took one point from 162.0 to 175.6).
                        RegionWalk walk = new RegionWalk(certifier.graph(), WALK_MOVES, WALK_CANDIDATES);
                        LowerBound first = walk.walk(box, specs, sampled.points());
                        lowerSeconds += raise(lowerPerSpec, first);
                        for (int shift = 1; shift < specs.length; shift++) {
                            double[][] starts = new double[specs.length][];
                            for (int s = 0; s < specs.length; s++) {
                                starts[s] = first.points()[(s + shift) % specs.length];
                            }
                            lowerSeconds += raise(lowerPerSpec, walk.walk(box, specs, starts));
                        }
                    }
                    for (int s = 0; s < specs.length; s++) {
                        lowerPerSpec[s] = Math.max(lowerPerSpec[s], carried[s]);
                    }
                    List<LipschitzBound> uppers = new ArrayList<>();
                    double[] crown = null; // branch-and-bound starts from it when both are asked for
                    for (Method method : methods) {
                        LipschitzBound upper;
                        if (certifier == null) {
                            upper = null;
                        } else if (method == Method.BAB && crown != null) {
                            upper = certifier.branchAndBound(box, specs, bab, lowerPerSpec.clone(), crown);
                        } else {
                            upper = certifier.bound(box, specs, method, bab, lowerPerSpec.clone());
                        }
                        if (upper != null && method == Method.CROWN) {
                            crown = upper.perSpec();
                        }
                        uppers.add(upper);
                        if (upper != null) {
                            witnessLowerBounds(oracle, upper, specs, lowerPerSpec);
                        }
                    }
                    double lower = java.util.Arrays.stream(lowerPerSpec).max().orElse(Double.NaN);
                    carried = lowerPerSpec.clone();
                    line.append(String.format(Locale.ROOT, " eps %.3g: lower %.4g", eps, lower));
                    for (int k = 0; k < methods.size(); k++) {
                        Method method = methods.get(k);
                        LipschitzBound upper = uppers.get(k);
                        double u = upper == null ? Double.NaN : upper.max();
                        rows.intColumn("point").append(p);
                        rows.intColumn("label").append(target.labels()[p]);
                        rows.intColumn("predicted").append(predicted);
                        rows.doubleColumn("eps").append(eps);
                        rows.stringColumn("method").append(method.toString());
                        rows.doubleColumn("lower").append(lower);
                        rows.doubleColumn("upper").append(u);
                        rows.doubleColumn("ratio").append(u / lower);
                        rows.doubleColumn("seconds").append(upper == null ? Double.NaN : upper.seconds());
                        rows.doubleColumn("lower_seconds").append(lowerSeconds);
                        rows.doubleColumn("domains").append(upper == null ? Double.NaN : upper.domains());
                        rows.stringColumn("complete").append(upper == null ? "" : String.valueOf(upper.complete()));
                        rows.stringColumn("max_complete").append(upper == null ? "" : String.valueOf(upper.maxComplete()));
                        rows.doubleColumn("radius").append(spec == Spec.MARGIN && upper != null
                                ? RobustnessRadius.of(margins, upper.perSpec(), eps) : Double.NaN);
                        for (int s = 0; s < specs.length; s++) {
                            perOutput.intColumn("point").append(p);
                            perOutput.doubleColumn("eps").append(eps);
                            perOutput.stringColumn("method").append(method.toString());
                            perOutput.stringColumn("function").append(functionName(specs[s]));
                            perOutput.doubleColumn("lower").append(lowerPerSpec[s]);
                            perOutput.doubleColumn("upper").append(upper == null ? Double.NaN : upper.perSpec()[s]);
                        }
                        if (upper != null) {
                            line.append(String.format(Locale.ROOT, ", %s %.4g (%.2fs)", method, u, upper.seconds()));
                        }
                    }
                }
                double elapsed = (System.nanoTime() - begin) / 1e9;
                double eta = elapsed / (p + 1) * (points.length - p - 1);
                progress.accept(String.format(Locale.ROOT, "[%d/%d] point %d%s   elapsed %.0fs, eta %.0fs",
                        p + 1, points.length, p, line, elapsed, eta));
            }
        } finally {
            if (certifier != null) {
                certifier.close();
            }
        }
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

    /** Raises each row's lower bound to what the search found; returns the search's seconds. */
    private static double raise(double[] lower, LowerBound found) {
        for (int s = 0; s < lower.length; s++) {
            lower[s] = Math.max(lower[s], found.perSpec()[s]);
        }
        return found.seconds();
    }

    /**
     * Raises the lower bounds with branch-and-bound's witnesses: points inside the activation
     * region of its largest exact leaf, where the model's own gradient is evaluated.
     */
    private static void witnessLowerBounds(GradientOracle oracle, LipschitzBound bound, double[][] specs, double[] lower) {
        for (int s = 0; s < specs.length; s++) {
            double[] w = bound.witnesses()[s];
            if (w != null) {
                double[] g = oracle.gradients(new double[][] {w}, new double[][] {specs[s]})[0];
                double norm = 0;
                for (double v : g) {
                    norm += Math.abs(v);
                }
                lower[s] = Math.max(lower[s], norm);
            }
        }
    }

    private static String functionName(double[] spec) {
        int plus = -1;
        int minus = -1;
        for (int i = 0; i < spec.length; i++) {
            if (spec[i] > 0) {
                plus = i;
            } else if (spec[i] < 0) {
                minus = i;
            }
        }
        return minus < 0 ? "f" + plus : "f" + plus + "-f" + minus;
    }

    private static double[] margins(double[] out, int predicted) {
        double[] m = new double[out.length - 1];
        int row = 0;
        for (int j = 0; j < out.length; j++) {
            if (j != predicted) {
                m[row++] = out[predicted] - out[j];
            }
        }
        return m;
    }

    private static int argMax(double[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }
}
