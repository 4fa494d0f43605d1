package org.lipreg.experiments.experiment;

import ai.djl.training.tracker.Tracker;

import org.apache.commons.math3.stat.regression.SimpleRegression;
import org.lipreg.training.schedule.AnytimeTracker;
import org.lipreg.training.schedule.LinearDecayTracker;

import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.Table;

import java.util.SplittableRandom;

/**
 * The cheap check of DESIGN §3.4: the last iterate of SGD on a convex, Lipschitz, non-smooth
 * problem, {@code F(x) = E|aᵀx − b|} with {@code a ~ N(0, I_d)} and {@code b = aᵀx* + Laplace
 * noise} (median regression; x* minimizes F), for horizons T = 10²…10⁵.
 *
 * <p>Each run starts at 0 with ‖x*‖ = D = 1, takes one fresh sample per step and the
 * subgradient {@code sign(aᵀx − b) a}, with step sizes from the two lipreg trackers at the
 * textbook scale (G = √d the Lipschitz constant): linear decay {@code D/(G√T) · (T − t + 1)/T}
 * and anytime {@code D/(G√t)}. The gap {@code F(x_T) − F(x*)} is measured on a fixed held-out
 * sample and averaged over seeds; theory says it falls like T^(−1/2) (up to a log factor for the
 * anytime schedule), i.e. a log-log slope near −0.5.
 */
public final class LastIterateExperiment {

    /** The result: one row per horizon, and the fitted slopes. */
    public record Result(Table table, double slopeLinearDecay, double slopeAnytime) {}

    private LastIterateExperiment() {}

    /**
     * Runs the experiment.
     *
     * @param dims the dimension d
     * @param seeds runs averaged per horizon and schedule
     * @param maxHorizon the largest T (horizons are 10², 10^2.5, … up to it)
     * @param evalSamples size of the held-out sample that measures F
     * @return the table and slopes
     */
    public static Result run(int dims, int seeds, int maxHorizon, int evalSamples) {
        SplittableRandom setup = new SplittableRandom(2023);
        double[] xStar = new double[dims];
        double norm = 0;
        for (int i = 0; i < dims; i++) {
            xStar[i] = setup.nextGaussian();
            norm += xStar[i] * xStar[i];
        }
        for (int i = 0; i < dims; i++) {
            xStar[i] /= Math.sqrt(norm);
        }
        double[][] evalA = new double[evalSamples][];
        double[] evalB = new double[evalSamples];
        for (int k = 0; k < evalSamples; k++) {
            evalA[k] = gaussian(setup, dims);
            evalB[k] = dot(evalA[k], xStar) + laplace(setup);
        }
        double best = objective(xStar, evalA, evalB);
        double g = Math.sqrt(dims);

        Table table = Table.create("last-iterate gap F(x_T) − F(x*)").addColumns(IntColumn.create("T"),
                DoubleColumn.create("gap_linear_decay"), DoubleColumn.create("gap_anytime"));
        SimpleRegression linearFit = new SimpleRegression();
        SimpleRegression anytimeFit = new SimpleRegression();
        for (double e = 2; Math.pow(10, e) <= maxHorizon * 1.0001; e += 0.5) {
            int horizon = (int) Math.round(Math.pow(10, e));
            float scale = (float) (1 / (g * Math.sqrt(horizon)));
            double linear = 0;
            double anytime = 0;
            for (int s = 0; s < seeds; s++) {
                linear += objective(sgd(new LinearDecayTracker(scale, horizon), horizon, xStar, s), evalA, evalB) - best;
                anytime += objective(sgd(new AnytimeTracker((float) (1 / g), 0), horizon, xStar, s), evalA, evalB) - best;
            }
            linear /= seeds;
            anytime /= seeds;
            table.intColumn("T").append(horizon);
            table.doubleColumn("gap_linear_decay").append(linear);
            table.doubleColumn("gap_anytime").append(anytime);
            linearFit.addData(Math.log10(horizon), Math.log10(Math.max(linear, 1e-12)));
            anytimeFit.addData(Math.log10(horizon), Math.log10(Math.max(anytime, 1e-12)));
        }
        return new Result(table, linearFit.getSlope(), anytimeFit.getSlope());
    }

    /** SGD from 0 for T steps with the tracker's step sizes; returns the last iterate. */
    static double[] sgd(Tracker rate, int horizon, double[] xStar, long seed) {
        SplittableRandom random = new SplittableRandom(seed * 1_000_003L + horizon);
        double[] x = new double[xStar.length];
        for (int t = 1; t <= horizon; t++) {
            double[] a = gaussian(random, x.length);
            double b = dot(a, xStar) + laplace(random);
            double sign = Math.signum(dot(a, x) - b);
            double eta = rate.getNewValue(t);
            for (int i = 0; i < x.length; i++) {
                x[i] -= eta * sign * a[i];
            }
        }
        return x;
    }

    static double objective(double[] x, double[][] a, double[] b) {
        double sum = 0;
        for (int k = 0; k < b.length; k++) {
            sum += Math.abs(dot(a[k], x) - b[k]);
        }
        return sum / b.length;
    }

    private static double[] gaussian(SplittableRandom random, int dims) {
        double[] v = new double[dims];
        for (int i = 0; i < dims; i++) {
            v[i] = random.nextGaussian();
        }
        return v;
    }

    private static double laplace(SplittableRandom random) {
        double u = random.nextDouble() - 0.5;
        return -Math.signum(u) * Math.log(1 - 2 * Math.abs(u));
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
