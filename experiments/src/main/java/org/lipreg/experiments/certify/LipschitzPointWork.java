package org.lipreg.experiments.certify;

import ai.djl.ndarray.types.Shape;

import org.lipreg.certify.lipschitz.BabSettings;
import org.lipreg.certify.lipschitz.GradientOracle;
import org.lipreg.certify.lipschitz.GraphOracle;
import org.lipreg.certify.lipschitz.InputBox;
import org.lipreg.certify.lipschitz.LipschitzBound;
import org.lipreg.certify.lipschitz.LipschitzCertifier;
import org.lipreg.certify.lipschitz.LowerBound;
import org.lipreg.certify.lipschitz.LowerBoundSearch;
import org.lipreg.certify.lipschitz.LowerBoundStrategy;
import org.lipreg.certify.lipschitz.Method;
import org.lipreg.certify.lipschitz.RobustnessRadius;

import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A Lipschitz job's work on one point: for each ε, the sampled and region-walk lower bound and
 * every method's certified upper bound, as rows of the points and per-output tables.
 */
final class LipschitzPointWork implements PointWork<LipschitzPointWork.Session, LipschitzPointWork.Point,
        LipschitzPointWork.Rows> {

    private static final long serialVersionUID = 1L;

    /**
     * One point.
     *
     * @param p its position among the target's points (the tables' point column)
     * @param x0 its input
     * @param label its true label, −1 where unknown
     */
    record Point(int p, double[] x0, int label) implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    /**
     * One point's rows and the middle of its progress line.
     *
     * @param points its rows of the points table
     * @param perOutput its rows of the per-output table
     * @param line what was found, per ε
     */
    record Rows(TableRows points, TableRows perOutput, String line) implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    /** The target's certifier (null without an IR network) and gradient oracle. */
    static final class Session implements AutoCloseable {
        private final CertifyTarget target;
        private final boolean ownsTarget;
        private final LipschitzCertifier certifier;
        private final GradientOracle oracle;

        private Session(CertifyTarget target, boolean ownsTarget) {
            this.target = target;
            this.ownsTarget = ownsTarget;
            // an IR network that bound propagation refuses (e.g. the Householder activation, which
            // only LipSDP reads) gets lower bounds only, like a model without one
            this.certifier = target.network() == null || target.unsupported() != null ? null
                    : LipschitzCertifier.of(target.network());
            this.oracle = certifier != null ? new GraphOracle(certifier.graph()) : target.blockOracle();
        }

        /**
         * A session over a target the caller keeps open (and closes).
         *
         * @param target the target
         * @return the session
         */
        static Session over(CertifyTarget target) {
            return new Session(target, false);
        }

        @Override
        public void close() {
            if (certifier != null) {
                certifier.close();
            }
            if (ownsTarget) {
                target.close();
            }
        }
    }

    private final List<Method> methods;
    private final List<Double> epsilons;
    private final LipschitzJob.Spec spec;
    private final BabSettings bab;
    private final LowerBoundSearch search;
    /** What executors need to open the run's model without its data (null in this process). */
    private final long[] exampleShape;
    private final int outputs;
    private final double domainMin;
    private final double domainMax;

    LipschitzPointWork(List<Method> methods, List<Double> epsilons, LipschitzJob.Spec spec, BabSettings bab,
            LowerBoundSearch search) {
        this(methods, epsilons, spec, bab, search, null, 0, Double.NaN, Double.NaN);
    }

    private LipschitzPointWork(List<Method> methods, List<Double> epsilons, LipschitzJob.Spec spec, BabSettings bab,
            LowerBoundSearch search, long[] exampleShape, int outputs, double domainMin, double domainMax) {
        this.methods = List.copyOf(methods);
        this.epsilons = List.copyOf(epsilons);
        this.spec = spec;
        this.bab = bab;
        this.search = search;
        this.exampleShape = exampleShape;
        this.outputs = outputs;
        this.domainMin = domainMin;
        this.domainMax = domainMax;
    }

    /**
     * The same work, able to open the run's model on an executor, where its data is not read.
     *
     * @param example the shape of one example
     * @param numClasses the number of classes
     * @param min the domain's smallest value (the driver's, from the data)
     * @param max the domain's largest value
     * @return the work
     */
    LipschitzPointWork onExecutors(Shape example, int numClasses, double min, double max) {
        return new LipschitzPointWork(methods, epsilons, spec, bab, search, example.getShape(), numClasses, min, max);
    }

    /** @return an empty points table */
    static Table pointsTable() {
        return Table.create("lipschitz").addColumns(IntColumn.create("point"), IntColumn.create("label"),
                IntColumn.create("predicted"), DoubleColumn.create("eps"), StringColumn.create("method"),
                DoubleColumn.create("lower"), DoubleColumn.create("upper"), DoubleColumn.create("ratio"),
                DoubleColumn.create("seconds"), DoubleColumn.create("lower_seconds"), DoubleColumn.create("domains"),
                StringColumn.create("complete"), StringColumn.create("max_complete"), DoubleColumn.create("radius"));
    }

    /** @return an empty per-output table */
    static Table perOutputTable() {
        return Table.create("lipschitz_per_output").addColumns(IntColumn.create("point"),
                DoubleColumn.create("eps"), StringColumn.create("method"), StringColumn.create("function"),
                DoubleColumn.create("lower"), DoubleColumn.create("upper"));
    }

    @Override
    public Session open(Path runDir) throws Exception {
        if (exampleShape == null) {
            throw new IllegalStateException("this work opens no model: it was not made for executors");
        }
        return new Session(CertifyTarget.fromModel(runDir, new Shape(exampleShape), outputs,
                new double[] {domainMin, domainMax}), true);
    }

    @Override
    public Rows certify(Session session, Point point) {
        Table rows = pointsTable();
        Table perOutput = perOutputTable();
        CertifyTarget target = session.target;
        LipschitzCertifier certifier = session.certifier;
        GradientOracle oracle = session.oracle;
        int p = point.p();
        double[] x0 = point.x0();
        double[] out = oracle.outputs(new double[][] {x0})[0];
        int predicted = argMax(out);
        double[][] specs = spec == LipschitzJob.Spec.MARGIN ? LipschitzCertifier.marginSpecs(out.length, predicted)
                : LipschitzCertifier.outputSpecs(out.length);
        // Radii need margins that rounding cannot inflate: the engine's outward-rounded ones when
        // it has the network (it always does when a radius is computed).
        double[] margins = certifier != null ? certifier.marginLowerBounds(x0, predicted) : margins(out, predicted);
        StringBuilder line = new StringBuilder();
        // Boxes around one point grow with ε, so a gradient found in a smaller box is a
        // lower bound for every larger one.
        LowerBoundStrategy lowerBounds = new LowerBoundStrategy(search);
        LowerBound carried = null;
        double previous = Double.NEGATIVE_INFINITY;
        for (double eps : epsilons) {
            if (eps < previous) {
                carried = null;
            }
            previous = eps;
            InputBox box = InputBox.around(x0, eps, target.domainMin(), target.domainMax());
            LowerBound found = lowerBounds.search(oracle, certifier == null ? null : certifier.graph(), box, specs,
                    carried);
            double lowerSeconds = found.seconds();
            List<LipschitzBound> uppers = new ArrayList<>();
            double[] crown = null; // branch-and-bound starts from it when both are asked for
            for (Method method : methods) {
                LipschitzBound upper;
                if (certifier == null) {
                    upper = null;
                } else if (method == Method.BAB && crown != null) {
                    upper = certifier.branchAndBound(box, specs, bab, found.perSpec().clone(), crown);
                } else {
                    upper = certifier.bound(box, specs, method, bab, found.perSpec().clone());
                }
                if (upper != null && method == Method.CROWN) {
                    crown = upper.perSpec();
                }
                uppers.add(upper);
                if (upper != null) {
                    found = LowerBoundStrategy.raiseByWitnesses(oracle, upper, specs, found);
                }
            }
            double[] lowerPerSpec = found.perSpec();
            carried = found;
            double lower = java.util.Arrays.stream(lowerPerSpec).max().orElse(Double.NaN);
            line.append(String.format(Locale.ROOT, " eps %.3g: lower %.4g", eps, lower));
            for (int k = 0; k < methods.size(); k++) {
                Method method = methods.get(k);
                LipschitzBound upper = uppers.get(k);
                double u = upper == null ? Double.NaN : upper.max();
                rows.intColumn("point").append(p);
                rows.intColumn("label").append(point.label());
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
                rows.doubleColumn("radius").append(spec == LipschitzJob.Spec.MARGIN && upper != null
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
        return new Rows(TableRows.of(rows), TableRows.of(perOutput), line.toString());
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
