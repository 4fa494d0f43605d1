package org.lipreg.certify.lipschitz;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Searches the box for large gradient norms (DESIGN §4.3.6): x0, uniform random points and
 * random vertices, then projected ascent from the best few. A ReLU network's gradient is
 * constant on each activation region, so {@code ‖∇f‖₁} has zero gradient almost everywhere;
 * the ascent therefore climbs a finite-difference surrogate of the directional derivative,
 * {@code φ(x) = (f(x + h s) − f(x − h s)) / 2h} with {@code s = sign ∇f(x)}, whose gradient
 * {@code (∇f(x + h s) − ∇f(x − h s)) / 2h} points toward regions with larger gradients. Every
 * point visited is evaluated exactly, and only exact norms at points of the box are reported.
 */
public final class LowerBoundSearch implements java.io.Serializable {

    // Shipped with a certification's points to Spark executors (certify --spark).
    private static final long serialVersionUID = 1L;

    private final int samples;
    private final int starts;
    private final int steps;
    private final long seed;

    /**
     * Creates a search.
     *
     * @param samples random points (and as many random vertices)
     * @param starts ascent starts per spec row
     * @param steps ascent steps
     * @param seed the random seed
     */
    public LowerBoundSearch(int samples, int starts, int steps, long seed) {
        this.samples = samples;
        this.starts = starts;
        this.steps = steps;
        this.seed = seed;
    }

    /** A search with 64 samples, 4 starts of 40 steps, seed 0. */
    public LowerBoundSearch() {
        this(64, 4, 40, 0);
    }

    /**
     * Runs the search.
     *
     * @param oracle the model's gradients
     * @param box the input box
     * @param specs the spec rows
     * @return the best norms found
     */
    public LowerBound search(GradientOracle oracle, InputBox box, double[][] specs) {
        long begin = System.nanoTime();
        Random random = new Random(seed);
        int n = box.size();
        double[] lo = box.lower();
        double[] hi = box.upper();
        List<double[]> points = new ArrayList<>();
        points.add(box.center());
        for (int i = 0; i < samples; i++) {
            double[] p = new double[n];
            double[] v = new double[n];
            for (int j = 0; j < n; j++) {
                p[j] = lo[j] + random.nextDouble() * (hi[j] - lo[j]);
                v[j] = random.nextBoolean() ? hi[j] : lo[j];
            }
            points.add(p);
            points.add(v);
        }
        int s = specs.length;
        double[] best = new double[s];
        double[][] argBest = new double[s][];
        long evaluations = 0;
        // Score every point for every spec row.
        double[][] rows = new double[points.size() * s][];
        double[][] rowSpecs = new double[points.size() * s][];
        for (int p = 0; p < points.size(); p++) {
            for (int j = 0; j < s; j++) {
                rows[p * s + j] = points.get(p);
                rowSpecs[p * s + j] = specs[j];
            }
        }
        double[][] grads = oracle.gradients(rows, rowSpecs);
        evaluations += rows.length;
        double[][] norms = new double[s][points.size()];
        for (int p = 0; p < points.size(); p++) {
            for (int j = 0; j < s; j++) {
                norms[j][p] = l1(grads[p * s + j]);
                if (argBest[j] == null || norms[j][p] > best[j]) {
                    best[j] = norms[j][p];
                    argBest[j] = points.get(p);
                }
            }
        }
        // Ascent from the best starts of each spec row, all rows in one batch.
        int m = Math.min(starts, points.size());
        double[][] x = new double[s * m][];
        double[][] xSpecs = new double[s * m][];
        for (int j = 0; j < s; j++) {
            Integer[] order = new Integer[points.size()];
            for (int p = 0; p < order.length; p++) {
                order[p] = p;
            }
            final double[] scores = norms[j];
            java.util.Arrays.sort(order, (a, b) -> Double.compare(scores[b], scores[a]));
            for (int k = 0; k < m; k++) {
                x[j * m + k] = points.get(order[k]).clone();
                xSpecs[j * m + k] = specs[j];
            }
        }
        double width = 0;
        for (int i = 0; i < n; i++) {
            width = Math.max(width, hi[i] - lo[i]);
        }
        if (width > 0 && steps > 0) {
            double[][] g = oracle.gradients(x, xSpecs);
            evaluations += x.length;
            for (int t = 0; t < steps; t++) {
                double decay = 1 - (double) t / steps;
                double h = width * 0.25 * decay + 1e-12;
                double eta = width * 0.1 * decay + 1e-12;
                double[][] plus = new double[x.length][];
                double[][] minus = new double[x.length][];
                for (int r = 0; r < x.length; r++) {
                    plus[r] = new double[n];
                    minus[r] = new double[n];
                    for (int i = 0; i < n; i++) {
                        double step = h * Math.signum(g[r][i]);
                        plus[r][i] = clip(x[r][i] + step, lo[i], hi[i]);
                        minus[r][i] = clip(x[r][i] - step, lo[i], hi[i]);
                    }
                }
                double[][] both = new double[2 * x.length][];
                double[][] bothSpecs = new double[2 * x.length][];
                System.arraycopy(plus, 0, both, 0, x.length);
                System.arraycopy(minus, 0, both, x.length, x.length);
                System.arraycopy(xSpecs, 0, bothSpecs, 0, x.length);
                System.arraycopy(xSpecs, 0, bothSpecs, x.length, x.length);
                double[][] gb = oracle.gradients(both, bothSpecs);
                evaluations += both.length;
                for (int r = 0; r < x.length; r++) {
                    int j = r / m;
                    keep(best, argBest, j, plus[r], l1(gb[r]));
                    keep(best, argBest, j, minus[r], l1(gb[x.length + r]));
                    for (int i = 0; i < n; i++) {
                        double direction = gb[r][i] - gb[x.length + r][i];
                        x[r][i] = clip(x[r][i] + eta * Math.signum(direction), lo[i], hi[i]);
                    }
                }
                g = oracle.gradients(x, xSpecs);
                evaluations += x.length;
                for (int r = 0; r < x.length; r++) {
                    keep(best, argBest, r / m, x[r], l1(g[r]));
                }
            }
        }
        return new LowerBound(best, argBest, (System.nanoTime() - begin) / 1e9, evaluations);
    }

    private static void keep(double[] best, double[][] argBest, int j, double[] point, double norm) {
        if (norm > best[j]) {
            best[j] = norm;
            argBest[j] = point.clone();
        }
    }

    static double clip(double v, double lo, double hi) {
        return Math.max(lo, Math.min(hi, v));
    }

    /** The ℓ1 norm. */
    static double l1(double[] v) {
        double sum = 0;
        for (double d : v) {
            sum += Math.abs(d);
        }
        return sum;
    }
}
