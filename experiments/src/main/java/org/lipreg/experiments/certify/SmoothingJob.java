package org.lipreg.experiments.certify;

import ai.djl.ndarray.types.Shape;

import org.lipreg.certify.smoothing.BaseClassifier;
import org.lipreg.certify.smoothing.CertifiedAccuracy;
import org.lipreg.certify.smoothing.SmoothingCertificate;
import org.lipreg.certify.smoothing.SmoothingMethod;
import org.lipreg.experiments.config.ConfigException;
import org.lipreg.experiments.config.RunConfig;
import org.lipreg.experiments.data.Datasets;
import org.lipreg.experiments.data.ImageData;
import org.lipreg.experiments.data.TrainTestData;
import org.lipreg.experiments.run.RunSetupException;
import org.lipreg.experiments.run.TrainedRun;

import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Randomized-smoothing certification of trained runs: for each (run, σ), evenly spaced points of
 * the run's test split are certified by every method, sharing the noise draws; the result is a
 * per-point log, the certified-accuracy curve and a summary per method and σ.
 */
public final class SmoothingJob {

    /** Radii the summary reports certified accuracy at (the issue's and Cohen et al.'s). */
    public static final double[] SUMMARY_RADII = {0, 0.25, 0.5, 0.75, 1.0};

    /** Step of the certified-accuracy curve. */
    private static final double CURVE_STEP = 0.01;

    private final Set<SmoothingMethod> methods;
    private final int n0;
    private final int n;
    private final double alpha;
    private final int points;
    private final int batchSize;
    private final long seed;
    private final Consumer<String> progress;

    /**
     * Creates a job.
     *
     * @param methods the methods
     * @param n0 selection samples per point
     * @param n certification samples per point
     * @param alpha miss probability of each certificate
     * @param points how many test points (evenly spaced through the test split)
     * @param batchSize noisy copies per forward pass
     * @param seed base of the per-point noise seeds
     * @param progress receives one line per point
     */
    public SmoothingJob(Set<SmoothingMethod> methods, int n0, int n, double alpha, int points, int batchSize, long seed,
            Consumer<String> progress) {
        this.methods = EnumSet.copyOf(methods);
        this.n0 = n0;
        this.n = n;
        this.alpha = alpha;
        this.points = points;
        this.batchSize = batchSize;
        this.seed = seed;
        this.progress = progress;
    }

    /**
     * A trained run and the σ to smooth it with.
     *
     * @param runDir the run directory
     * @param sigma the noise level
     */
    public record Target(Path runDir, double sigma) {

        /** @return a label for tables and legends */
        public String label() {
            return runDir.getFileName() + " σ=" + trim(sigma);
        }
    }

    /**
     * The job's tables.
     *
     * @param points one row per point and method
     * @param curve certified accuracy against radius, per run, σ and method
     * @param summary one row per run, σ and method
     */
    public record Result(Table points, Table curve, Table summary) {}

    /**
     * Certifies every target in this process.
     *
     * @param targets the runs and noise levels
     * @param baseDir the directory relative data paths are resolved against
     * @return the tables
     * @throws ConfigException if a run's config is invalid
     * @throws RunSetupException if a run's data cannot be read
     * @throws IOException if a model cannot be read
     */
    public Result run(List<Target> targets, Path baseDir) throws ConfigException, RunSetupException, IOException {
        return run(targets, baseDir, null);
    }

    /**
     * Certifies every target, its points in this process or spread over a cluster; either way the
     * same rows in the same order (only the seconds differ).
     *
     * @param targets the runs and noise levels
     * @param baseDir the directory relative data paths are resolved against
     * @param cluster where the points run, or null for this process
     * @return the tables
     * @throws ConfigException if a run's config is invalid
     * @throws RunSetupException if a run's data cannot be read
     * @throws IOException if a model cannot be read or the cluster fails
     */
    public Result run(List<Target> targets, Path baseDir, PointCluster cluster)
            throws ConfigException, RunSetupException, IOException {
        Table rows = SmoothingPointWork.pointsTable();
        for (Target target : targets) {
            certifyRun(target, baseDir, rows, cluster);
        }
        return new Result(rows, curve(rows), summary(rows));
    }

    private void certifyRun(Target target, Path baseDir, Table rows, PointCluster cluster)
            throws ConfigException, RunSetupException, IOException {
        TrainedRun trained = TrainedRun.open(target.runDir());
        RunConfig config = trained.config();
        TrainTestData data;
        try {
            data = Datasets.load(config.data, config.seed, baseDir);
        } catch (IOException e) {
            throw new RunSetupException(e.getMessage(), e);
        }
        ImageData test = data.test();
        Shape example = test.exampleShape();
        int size = Math.toIntExact(example.size());
        int[] indices = spread(Math.min(points, test.size()), test.size());
        List<SmoothingPointWork.Point> inputs = new ArrayList<>();
        for (int p = 0; p < indices.length; p++) {
            int index = indices[p];
            inputs.add(new SmoothingPointWork.Point(p, indices.length, index,
                    Arrays.copyOfRange(test.pixels(), index * size, (index + 1) * size), test.labels()[index]));
        }
        SmoothingPointWork work = new SmoothingPointWork(methods, n0, n, alpha, batchSize, seed, example.getShape(),
                data.numClasses(), target.sigma(), target.runDir().getFileName().toString(), target.label());
        if (cluster != null) {
            for (SmoothingPointWork.Rows point : cluster.certify(RunFiles.read(target.runDir()), inputs, work)) {
                point.rows().appendTo(rows);
                progress.accept(point.line());
            }
            return;
        }
        try (SmoothingPointWork.Session session = work.open(target.runDir())) {
            for (SmoothingPointWork.Point input : inputs) {
                SmoothingPointWork.Rows point = work.certify(session, input);
                point.rows().appendTo(rows);
                progress.accept(point.line());
            }
        }
    }

    /**
     * Certifies given points of a model that is not a lipreg run (an imported ONNX model): the
     * same rows, curve and summary as {@link #run}; a label of −1 means unknown, and such a point
     * counts as "correct" wherever the smoothed classifier does not abstain, so that certified
     * accuracy becomes the fraction of points certified at each radius.
     *
     * @param name the model's name in the tables
     * @param base the model
     * @param sigmas the noise levels
     * @param xs the points, flat
     * @param labels their labels, −1 where unknown
     * @return the tables
     */
    public Result run(String name, BaseClassifier base, List<Double> sigmas, float[][] xs, int[] labels) {
        Table rows = SmoothingPointWork.pointsTable();
        for (double sigma : sigmas) {
            SmoothingPointWork work = new SmoothingPointWork(methods, n0, n, alpha, batchSize, seed,
                    new long[] {xs[0].length}, base.numClasses(), sigma, name, name + " σ=" + trim(sigma));
            try (SmoothingPointWork.Session session = work.over(base)) {
                for (int p = 0; p < xs.length; p++) {
                    SmoothingPointWork.Rows point = work.certify(session,
                            new SmoothingPointWork.Point(p, xs.length, p, xs[p], labels[p]));
                    point.rows().appendTo(rows);
                    progress.accept(point.line());
                }
            }
        }
        return new Result(rows, curve(rows), summary(rows));
    }

    /** Evenly spaced indices through the set (every k-th point, as Cohen et al. skip). */
    static int[] spread(int count, int size) {
        int[] out = new int[count];
        for (int i = 0; i < count; i++) {
            out[i] = (int) ((long) i * size / count);
        }
        return out;
    }

    private static Table curve(Table rows) {
        Table curve = Table.create("certified_accuracy").addColumns(StringColumn.create("run"),
                DoubleColumn.create("sigma"), StringColumn.create("method"), DoubleColumn.create("radius"),
                DoubleColumn.create("certified_accuracy"));
        for (Group g : groups(rows)) {
            CertifiedAccuracy acc = g.accuracy(rows);
            double max = 0;
            for (int r : g.rows) {
                max = Math.max(max, rows.doubleColumn("radius").getDouble(r));
            }
            int steps = (int) Math.ceil(max / CURVE_STEP) + 1;
            for (int s = 0; s <= steps; s++) {
                double radius = s * CURVE_STEP;
                curve.stringColumn("run").append(g.run);
                curve.doubleColumn("sigma").append(g.sigma);
                curve.stringColumn("method").append(g.method);
                curve.doubleColumn("radius").append(radius);
                curve.doubleColumn("certified_accuracy").append(acc.at(radius));
            }
        }
        return curve;
    }

    private Table summary(Table rows) {
        Table summary = Table.create("smoothing_summary").addColumns(StringColumn.create("run"),
                DoubleColumn.create("sigma"), StringColumn.create("method"), IntColumn.create("points"),
                DoubleColumn.create("abstained"));
        for (double r : SUMMARY_RADII) {
            summary.addColumns(DoubleColumn.create(accuracyColumn(r)));
        }
        summary.addColumns(DoubleColumn.create("acr"), DoubleColumn.create(highProbabilityColumn(0.5)),
                DoubleColumn.create("seconds_per_point"));
        for (Group g : groups(rows)) {
            CertifiedAccuracy acc = g.accuracy(rows);
            int abstained = 0;
            double seconds = 0;
            for (int r : g.rows) {
                abstained += rows.intColumn("predicted").getInt(r) == SmoothingCertificate.ABSTAIN ? 1 : 0;
                seconds += rows.doubleColumn("seconds").getDouble(r);
            }
            summary.stringColumn("run").append(g.run);
            summary.doubleColumn("sigma").append(g.sigma);
            summary.stringColumn("method").append(g.method);
            summary.intColumn("points").append(g.rows.size());
            summary.doubleColumn("abstained").append((double) abstained / g.rows.size());
            for (double r : SUMMARY_RADII) {
                summary.doubleColumn(accuracyColumn(r)).append(acc.at(r));
            }
            summary.doubleColumn("acr").append(acc.averageRadius());
            summary.doubleColumn(highProbabilityColumn(0.5)).append(acc.highProbabilityAt(0.5, alpha, alpha));
            summary.doubleColumn("seconds_per_point").append(seconds / g.rows.size());
        }
        return summary;
    }

    /**
     * Names the certified-accuracy column of a radius.
     *
     * @param r the radius
     * @return e.g. "acc@0.25"
     */
    public static String accuracyColumn(double r) {
        return "acc@" + trim(r);
    }

    private static String highProbabilityColumn(double r) {
        return "acc_lower@" + trim(r);
    }

    static String trim(double v) {
        String s = String.format(Locale.ROOT, "%.6f", v);
        return s.replaceAll("0+$", "").replaceAll("\\.$", "");
    }

    /** The rows of one run, σ and method, in order of appearance. */
    private static List<Group> groups(Table rows) {
        List<Group> groups = new ArrayList<>();
        for (int r = 0; r < rows.rowCount(); r++) {
            String run = rows.stringColumn("run").get(r);
            double sigma = rows.doubleColumn("sigma").getDouble(r);
            String method = rows.stringColumn("method").get(r);
            Group group = groups.stream().filter(g -> g.run.equals(run) && g.sigma == sigma && g.method.equals(method))
                    .findFirst().orElse(null);
            if (group == null) {
                group = new Group(run, sigma, method, new ArrayList<>());
                groups.add(group);
            }
            group.rows.add(r);
        }
        return groups;
    }

    private record Group(String run, double sigma, String method, List<Integer> rows) {

        CertifiedAccuracy accuracy(Table table) {
            boolean[] correct = new boolean[rows.size()];
            double[] radius = new double[rows.size()];
            for (int i = 0; i < rows.size(); i++) {
                correct[i] = Boolean.parseBoolean(table.stringColumn("correct").get(rows.get(i)));
                radius[i] = table.doubleColumn("radius").getDouble(rows.get(i));
            }
            return new CertifiedAccuracy(correct, radius);
        }
    }
}
