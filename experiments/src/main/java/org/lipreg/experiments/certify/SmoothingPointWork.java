package org.lipreg.experiments.certify;

import ai.djl.Model;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.lipreg.certify.smoothing.BaseClassifier;
import org.lipreg.certify.smoothing.BlockClassifier;
import org.lipreg.certify.smoothing.SmoothedClassifier;
import org.lipreg.certify.smoothing.SmoothingCertificate;
import org.lipreg.certify.smoothing.SmoothingEvidence;
import org.lipreg.certify.smoothing.SmoothingMethod;
import org.lipreg.experiments.config.ConfigException;
import org.lipreg.experiments.run.RunSetupException;
import org.lipreg.experiments.run.TrainedRun;

import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A smoothing job's work on one point of one (run, σ): every method's certificate from shared
 * noise draws seeded by the point's index, as rows of the points table ({@link #pointsTable}).
 */
final class SmoothingPointWork implements PointWork<SmoothingPointWork.Session, SmoothingPointWork.Point,
        SmoothingPointWork.Rows> {

    private static final long serialVersionUID = 1L;

    /**
     * One test point.
     *
     * @param position its position among the job's points (for the progress line)
     * @param count how many points the job certifies
     * @param index its index in the test split (its noise seed is seed + index)
     * @param x its pixels
     * @param label its label
     */
    record Point(int position, int count, int index, float[] x, int label) implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    /**
     * One point's rows (one per method) and its progress line.
     *
     * @param rows the rows
     * @param line the progress line
     */
    record Rows(TableRows rows, String line) implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    /** The model and the smoothed classifier around it. */
    static final class Session implements AutoCloseable {
        private final Model model;
        private final NDManager manager;
        private final SmoothedClassifier smoothed;

        private Session(Model model, NDManager manager, SmoothedClassifier smoothed) {
            this.model = model;
            this.manager = manager;
            this.smoothed = smoothed;
        }

        @Override
        public void close() {
            if (manager != null) {
                manager.close();
            }
            if (model != null) {
                model.close();
            }
        }
    }

    private final EnumSet<SmoothingMethod> methods;
    private final int n0;
    private final int n;
    private final double alpha;
    private final int batchSize;
    private final long seed;
    private final long[] exampleShape;
    private final int numClasses;
    private final double sigma;
    private final String run;
    private final String label;

    SmoothingPointWork(Set<SmoothingMethod> methods, int n0, int n, double alpha, int batchSize, long seed,
            long[] exampleShape, int numClasses, double sigma, String run, String label) {
        this.methods = EnumSet.copyOf(methods);
        this.n0 = n0;
        this.n = n;
        this.alpha = alpha;
        this.batchSize = batchSize;
        this.seed = seed;
        this.exampleShape = exampleShape.clone();
        this.numClasses = numClasses;
        this.sigma = sigma;
        this.run = run;
        this.label = label;
    }

    /** @return an empty points table: what each certificate says and what it was computed from */
    static Table pointsTable() {
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

    /**
     * A session over a model the caller owns and closes (an imported ONNX model).
     *
     * @param base the model
     * @return the session; closing it leaves the model open
     */
    Session over(BaseClassifier base) {
        return new Session(null, null, smoothed(base));
    }

    private SmoothedClassifier smoothed(BaseClassifier base) {
        return SmoothedClassifier.builder().setBaseClassifier(base).setSigma(sigma).optSelectionSamples(n0)
                .optSamples(n).optAlpha(alpha).optMethods(methods).build();
    }

    @Override
    public Session open(Path runDir) throws ConfigException, RunSetupException, IOException {
        Shape example = new Shape(exampleShape);
        Model model = TrainedRun.open(runDir).loadModel(example, numClasses);
        NDManager manager = NDManager.newBaseManager();
        SmoothedClassifier smoothed = smoothed(BlockClassifier.builder().setBlock(model.getBlock())
                .setExampleShape(example).setNumClasses(numClasses).setManager(manager).optBatchSize(batchSize).build());
        return new Session(model, manager, smoothed);
    }

    @Override
    public Rows certify(Session session, Point point) {
        Table rows = pointsTable();
        long start = System.nanoTime();
        List<SmoothingCertificate> certs = session.smoothed.certify(point.x(), seed + point.index());
        double seconds = (System.nanoTime() - start) / 1e9;
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "[%s %d/%d] point %d, label %d:",
                label, point.position() + 1, point.count(), point.index(), point.label()));
        for (SmoothingCertificate c : certs) {
            rows.stringColumn("run").append(run);
            rows.doubleColumn("sigma").append(sigma);
            rows.stringColumn("method").append(c.method().toString());
            rows.intColumn("index").append(point.index());
            rows.intColumn("label").append(point.label());
            rows.intColumn("predicted").append(c.predicted());
            rows.doubleColumn("radius").append(c.radius());
            // An unknown label (−1, an imported model's points) counts as correct wherever the
            // smoothed classifier does not abstain: certified accuracy becomes the certified fraction.
            boolean correct = point.label() < 0 ? !c.abstained() : c.predicted() == point.label();
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
        return new Rows(TableRows.of(rows), line.append(String.format(Locale.ROOT, " (%.2f s)", seconds)).toString());
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
}
