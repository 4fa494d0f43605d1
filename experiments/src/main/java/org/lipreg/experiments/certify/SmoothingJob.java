package org.lipreg.experiments.certify;

import ai.djl.Model;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.lipreg.certify.smoothing.BaseClassifier;
import org.lipreg.certify.smoothing.BlockClassifier;
import org.lipreg.certify.smoothing.CertifiedAccuracy;
import org.lipreg.certify.smoothing.SmoothedClassifier;
import org.lipreg.certify.smoothing.SmoothingCertificate;
import org.lipreg.certify.smoothing.SmoothingEvidence;
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
     * Certifies every target.
     *
     * @param targets the runs and noise levels
     * @param baseDir the directory relative data paths are resolved against
     * @return the tables
     * @throws ConfigException if a run's config is invalid
     * @throws RunSetupException if a run's data cannot be read
     * @throws IOException if a model cannot be read
     */
    public Result run(List<Target> targets, Path baseDir) throws ConfigException, RunSetupException, IOException {
        Table rows = rows();
        for (Target target : targets) {
            certifyRun(target, baseDir, rows);
        }
        return new Result(rows, curve(rows), summary(rows));
    }

    private static Table rows() {
        return Table.create("smoothing").addColumns(StringColumn.create("run"), DoubleColumn.create("sigma"),
                StringColumn.create("method"), IntColumn.create("index"), IntColumn.create("label"),
                IntColumn.create("predicted"), DoubleColumn.create("radius"), StringColumn.create("correct"),
                DoubleColumn.create("seconds"), DoubleColumn.create("p_lower"), DoubleColumn.create("p_upper"),
                DoubleColumn.create("radius_lipschitz"), StringColumn.create("map"),
                DoubleColumn.create("temperature"),
                // What each certificate was computed from, so that it can be checked from this row.
                IntColumn.create("selected"), IntColumn.create("n0"), IntColumn.create("n"),
                DoubleColumn.create("alpha"), IntColumn.create("k"), StringColumn.create("means"),
                StringColumn.create("stds"));
    }

    private void certifyRun(Target target, Path baseDir, Table rows)
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
        String run = target.runDir().getFileName().toString();
        try (Model model = trained.loadModel(example, data.numClasses());
                NDManager manager = NDManager.newBaseManager()) {
            BaseClassifier base = BlockClassifier.builder().setBlock(model.getBlock()).setExampleShape(example)
                    .setNumClasses(data.numClasses()).setManager(manager).optBatchSize(batchSize).build();
            float[][] xs = new float[indices.length][];
            int[] labels = new int[indices.length];
            for (int p = 0; p < indices.length; p++) {
                xs[p] = Arrays.copyOfRange(test.pixels(), indices[p] * size, (indices[p] + 1) * size);
                labels[p] = test.labels()[indices[p]];
            }
            certifyPoints(run, target.label(), target.sigma(), base, xs, indices, labels, rows);
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
        Table rows = rows();
        int[] indices = new int[xs.length];
        for (int p = 0; p < indices.length; p++) {
            indices[p] = p;
        }
        for (double sigma : sigmas) {
            certifyPoints(name, name + " σ=" + trim(sigma), sigma, base, xs, indices, labels, rows);
        }
        return new Result(rows, curve(rows), summary(rows));
    }

    private void certifyPoints(String run, String label, double sigma, BaseClassifier base, float[][] xs,
            int[] indices, int[] labels, Table rows) {
        SmoothedClassifier smoothed = SmoothedClassifier.builder().setBaseClassifier(base).setSigma(sigma)
                .optSelectionSamples(n0).optSamples(n).optAlpha(alpha).optMethods(methods).build();
        for (int p = 0; p < indices.length; p++) {
            int index = indices[p];
            long start = System.nanoTime();
            List<SmoothingCertificate> certs = smoothed.certify(xs[p], seed + index);
            double seconds = (System.nanoTime() - start) / 1e9;
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "[%s %d/%d] point %d, label %d:",
                    label, p + 1, indices.length, index, labels[p]));
            for (SmoothingCertificate c : certs) {
                boolean correct = labels[p] < 0 ? !c.abstained() : c.predicted() == labels[p];
                rows.stringColumn("run").append(run);
                rows.doubleColumn("sigma").append(sigma);
                rows.stringColumn("method").append(c.method().toString());
                rows.intColumn("index").append(index);
                rows.intColumn("label").append(labels[p]);
                rows.intColumn("predicted").append(c.predicted());
                rows.doubleColumn("radius").append(c.radius());
                rows.stringColumn("correct").append(String.valueOf(correct));
                rows.doubleColumn("seconds").append(seconds);
                rows.doubleColumn("p_lower").append(c.pLower());
                rows.doubleColumn("p_upper").append(c.pUpper());
                rows.doubleColumn("radius_lipschitz").append(c.lipschitzRadius());
                rows.stringColumn("map").append(c.candidate() == null ? "" : c.candidate().map().toString());
                rows.doubleColumn("temperature").append(c.candidate() == null ? Double.NaN : c.candidate().temperature());
                appendEvidence(rows, c);
                line.append(String.format(Locale.ROOT, " %s %s r=%.3f", c.method(),
                        c.abstained() ? "abstain" : String.valueOf(c.predicted()), c.radius()));
            }
            progress.accept(line.append(String.format(Locale.ROOT, " (%.2f s)", seconds)).toString());
        }
    }

    private void appendEvidence(Table rows, SmoothingCertificate c) {
        SmoothingEvidence evidence = c.evidence();
        rows.intColumn("selected").append(c.selected());
        rows.intColumn("n0").append(n0);
        rows.intColumn("n").append(Math.toIntExact(evidence.samples()));
        rows.doubleColumn("alpha").append(alpha);
        if (evidence.votes() >= 0) {
            rows.intColumn("k").append(Math.toIntExact(evidence.votes()));
        } else {
            rows.intColumn("k").appendMissing();
        }
        rows.stringColumn("means").append(joined(evidence.means()));
        rows.stringColumn("stds").append(joined(evidence.stds()));
    }

    /** Per-class values in one cell, separated by ';', each at full precision (Double.toString). */
    private static String joined(double[] values) {
        StringBuilder out = new StringBuilder();
        for (double v : values) {
            out.append(out.length() == 0 ? "" : ";").append(v);
        }
        return out.toString();
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
