package org.lipreg.certify.lipsdp;

/**
 * The first-order LipSDP solver for large MaxMin chains: minimizes LipSDP's eigenvalue form
 * {@code F(s) = Σ_k log λ_max(B_k(s))} ({@link MaxMinScaling}) over the unconstrained shapes s,
 * through its smooth upper bounds {@code F_p} for {@code p = 4, 16, …, 4096} in turn (each
 * started where the last ended), by L-BFGS with a backtracking (Armijo) line search. Each
 * evaluation is one symmetric eigendecomposition per layer on the smaller side (Commons Math),
 * so a step costs {@code O(Σ n_k³)} where the Newton solver's costs grow with the number of
 * multipliers squared times the matrix size.
 *
 * <p>As in LipDiff (Wang et al., ICLR 2024), ρ is eliminated and the matrix inequalities become
 * largest eigenvalues; there, the penalty {@code c·max(0, λ_max(−M))} with c at least the dual
 * optimum's trace is exact. Here the block-diagonal structure of the MaxMin constraints lets ρ
 * and every block's scale be eliminated exactly, which leaves no penalty weight to choose.
 *
 * <p>Commons Math 3 has no quasi-Newton method (its nonlinear conjugate gradient runs a Brent
 * line search, about ten eigendecompositions a step), hence the short L-BFGS here. The smoothing
 * overestimates F by at most {@code Σ log(n_k)/p}; the iterate with the smallest exact F is kept,
 * and {@link CertificateCheck} proves whatever it is.
 */
public final class EigenvalueSolver {

    /**
     * What the solver found.
     *
     * @param x LipSDP variables for {@link LipSdpMatrix} (x[0] = ρ), feasible up to rounding
     * @param objective ρ at x, the product of the layers' largest eigenvalues (before the check)
     * @param iterations L-BFGS steps in all stages
     * @param evaluations eigendecomposition rounds (one per layer each)
     * @param converged whether every stage reached stationarity within the budgets
     * @param withSlack the same shapes as variables with another relative room per block (x uses 1e-9)
     */
    public record Solution(double[] x, double objective, int iterations, int evaluations, boolean converged,
            java.util.function.DoubleFunction<double[]> withSlack) {}

    private static final double[] POWERS = {4, 16, 64, 256, 1024, 4096};
    private static final int MEMORY = 20;
    private static final double RELATIVE_SLACK = 1e-9;

    private final double seconds;
    private final int iterationsPerStage;

    /**
     * Creates a solver.
     *
     * @param seconds wall-time budget for the optimization (the check comes after it)
     * @param iterationsPerStage the most L-BFGS steps for one smoothing power
     */
    public EigenvalueSolver(double seconds, int iterationsPerStage) {
        this.seconds = seconds;
        this.iterationsPerStage = iterationsPerStage;
    }

    /**
     * Solves LipSDP for an all-MaxMin chain.
     *
     * @param chain the network
     * @return the solution
     */
    public Solution solve(DenseChain chain) {
        long deadline = System.nanoTime() + (long) (seconds * 1e9);
        MaxMinScaling problem = new MaxMinScaling(chain);
        double[] s = new double[problem.dimension()];
        Search search = new Search(problem, deadline, iterationsPerStage);
        boolean converged = true;
        for (double p : POWERS) {
            converged &= search.minimize(s, p);
            if (search.outOfTime()) {
                converged = false;
                break;
            }
        }
        double[] shapes = search.bestShapes;
        double[] layerMax = search.best.layerMax();
        double[] x = problem.multipliers(shapes, layerMax, RELATIVE_SLACK);
        return new Solution(x, x[0], search.iterations, search.evaluations, converged,
                slack -> problem.multipliers(shapes, layerMax, slack));
    }

    /** L-BFGS on F_p, remembering the iterate with the smallest exact F over all evaluations. */
    private static final class Search {
        private final MaxMinScaling problem;
        private final long deadline;
        private final int iterationsPerStage;
        private MaxMinScaling.Evaluation best;
        private double[] bestShapes;
        private int iterations;
        private int evaluations;

        Search(MaxMinScaling problem, long deadline, int iterationsPerStage) {
            this.problem = problem;
            this.deadline = deadline;
            this.iterationsPerStage = iterationsPerStage;
        }

        boolean outOfTime() {
            return System.nanoTime() > deadline;
        }

        MaxMinScaling.Evaluation evaluate(double[] s, double p) {
            MaxMinScaling.Evaluation e = problem.evaluate(s, p, true);
            evaluations++;
            if (best == null || e.logRho() < best.logRho()) {
                best = e;
                bestShapes = s.clone();
            }
            return e;
        }

        /** Minimizes F_p from s, in place; true if it stopped at a stationary point. */
        boolean minimize(double[] s, double p) {
            int n = s.length;
            MaxMinScaling.Evaluation e = evaluate(s, p);
            if (n == 0) {
                return true;
            }
            double[][] sHistory = new double[MEMORY][];
            double[][] yHistory = new double[MEMORY][];
            double[] rhoHistory = new double[MEMORY];
            int stored = 0;
            int newest = -1;
            for (int it = 0; it < iterationsPerStage; it++) {
                if (outOfTime()) {
                    return false;
                }
                double[] g = e.gradient();
                if (maxAbs(g) < 1e-10) {
                    return true;
                }
                double[] d = direction(g, sHistory, yHistory, rhoHistory, stored, newest);
                double slope = dot(g, d);
                if (!(slope < 0)) { // not a descent direction: forget the curvature and go down the gradient
                    stored = 0;
                    d = scaled(g, -1 / Math.max(1, norm(g)));
                    slope = dot(g, d);
                }
                double step = stored == 0 ? Math.min(1, 1 / norm(d)) : 1;
                MaxMinScaling.Evaluation trial = null;
                double[] next = new double[n];
                for (int tries = 0; tries < 40; tries++, step /= 2) {
                    for (int i = 0; i < n; i++) {
                        next[i] = s[i] + step * d[i];
                    }
                    trial = evaluate(next, p);
                    if (trial.smoothed() <= e.smoothed() + 1e-4 * step * slope) {
                        break;
                    }
                    trial = null;
                    if (outOfTime()) {
                        return false;
                    }
                }
                if (trial == null) {
                    return true; // no decrease in float64: as stationary as it gets
                }
                iterations++;
                double[] sk = new double[n];
                double[] yk = new double[n];
                for (int i = 0; i < n; i++) {
                    sk[i] = next[i] - s[i];
                    yk[i] = trial.gradient()[i] - g[i];
                }
                double sy = dot(sk, yk);
                if (sy > 1e-12 * norm(sk) * norm(yk)) {
                    newest = (newest + 1) % MEMORY;
                    sHistory[newest] = sk;
                    yHistory[newest] = yk;
                    rhoHistory[newest] = 1 / sy;
                    stored = Math.min(stored + 1, MEMORY);
                }
                double decrease = e.smoothed() - trial.smoothed();
                System.arraycopy(next, 0, s, 0, n);
                e = trial;
                if (decrease <= 1e-13 * Math.max(1, Math.abs(e.smoothed()))) {
                    return true;
                }
            }
            return false;
        }

        /** The two-loop recursion: {@code −H g} with the stored pairs, newest first. */
        private static double[] direction(double[] g, double[][] sh, double[][] yh, double[] rh, int stored,
                int newest) {
            double[] q = g.clone();
            double[] alpha = new double[stored];
            for (int c = 0; c < stored; c++) {
                int i = Math.floorMod(newest - c, MEMORY);
                alpha[c] = rh[i] * dot(sh[i], q);
                axpy(-alpha[c], yh[i], q);
            }
            if (stored > 0) {
                double gamma = dot(sh[newest], yh[newest]) / dot(yh[newest], yh[newest]);
                for (int i = 0; i < q.length; i++) {
                    q[i] *= gamma;
                }
            }
            for (int c = stored - 1; c >= 0; c--) {
                int i = Math.floorMod(newest - c, MEMORY);
                double beta = rh[i] * dot(yh[i], q);
                axpy(alpha[c] - beta, sh[i], q);
            }
            return scaled(q, -1);
        }
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    private static double norm(double[] a) {
        return Math.sqrt(dot(a, a));
    }

    private static double maxAbs(double[] a) {
        double m = 0;
        for (double v : a) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }

    private static double[] scaled(double[] a, double c) {
        double[] out = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = c * a[i];
        }
        return out;
    }

    private static void axpy(double c, double[] x, double[] y) {
        for (int i = 0; i < y.length; i++) {
            y[i] += c * x[i];
        }
    }
}
