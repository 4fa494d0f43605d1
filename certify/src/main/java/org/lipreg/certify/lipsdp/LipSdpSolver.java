package org.lipreg.certify.lipsdp;

import java.util.ArrayList;
import java.util.List;

/**
 * Minimizes ρ subject to {@code M(x) ⪰ 0} ({@link LipSdpMatrix}) and the multipliers' signs, by a
 * primal log-barrier method: for growing t, Newton steps on
 * {@code t·ρ − log det M(x) − Σ log x_i} (over the sign-constrained x_i), each with a
 * backtracking line search that stays strictly feasible (a Cholesky that succeeds). After
 * centring, ρ is within {@code ν/t} of the optimum, ν = dim M + #signs; it stops when that is
 * below a relative tolerance, or at the step budget.
 *
 * <p>Why Newton and not a first-order scheme: the terms are low rank ({@code U_i S_i U_iᵀ}), so
 * the Hessian {@code H_ij = tr(M⁻¹A_i M⁻¹A_j)} costs one {@code M⁻¹U} and small products, and it
 * converges to many digits in a few dozen steps on networks of a few hundred units, which the
 * tests' 1 % agreement with an interior-point reference needs. Whatever it returns, the bound
 * that is printed comes from {@link CertificateCheck}, not from this objective.
 */
public final class LipSdpSolver {

    /**
     * What the solver found.
     *
     * @param x the variables (x[0] = ρ), strictly feasible
     * @param objective ρ at x
     * @param newtonSteps the Newton steps taken
     * @param converged whether the gap bound ν/t reached the tolerance
     */
    public record Solution(double[] x, double objective, int newtonSteps, boolean converged) {}

    /** Newton steps for one t at most: near the end, float64 limits the centring, not the steps. */
    private static final int STEPS_PER_CENTRING = 50;

    private final double tolerance;
    private final int maxSteps;

    /**
     * Creates a solver.
     *
     * @param tolerance relative gap ν/(tρ) at which to stop, e.g. 1e-9
     * @param maxSteps the most Newton steps in all
     */
    public LipSdpSolver(double tolerance, int maxSteps) {
        this.tolerance = tolerance;
        this.maxSteps = maxSteps;
    }

    /**
     * Solves from the matrix's strictly feasible point.
     *
     * @param lmi the matrix inequality
     * @return the solution
     */
    public Solution solve(LipSdpMatrix lmi) {
        double[] x = lmi.strictlyFeasiblePoint();
        int signs = 0;
        for (int i = 0; i < lmi.variables(); i++) {
            signs += lmi.nonnegative(i) ? 1 : 0;
        }
        double nu = lmi.size() + signs;
        double t = nu / x[0];
        int steps = 0;
        while (steps < maxSteps) {
            int budget = Math.min(STEPS_PER_CENTRING, maxSteps - steps);
            int taken = centre(lmi, x, t, budget);
            steps += taken;
            if (nu / t <= tolerance * x[0]) {
                return new Solution(x, x[0], steps, taken < budget);
            }
            t *= 8;
        }
        return new Solution(x, x[0], steps, false);
    }

    /** Newton steps on the barrier for one t, in place; returns the steps taken (the budget if not centred). */
    private static int centre(LipSdpMatrix lmi, double[] x, double t, int budget) {
        int m = lmi.variables();
        for (int step = 1; step <= budget; step++) {
            Cholesky chol = Cholesky.factor(lmi.assemble(x), null);
            double[] grad = new double[m];
            double[][] hess = new double[m][m];
            derivatives(lmi, chol, x, t, grad, hess);
            double[] dx = newtonDirection(hess, grad);
            double decrement = 0;
            for (int i = 0; i < m; i++) {
                decrement -= grad[i] * dx[i];
            }
            if (!(decrement > 1e-7)) { // below this, rounding in the gradient at large t dominates
                return step - 1;
            }
            double phi = barrier(lmi, x, t, chol);
            double s = 1;
            double[] trial = new double[m];
            for (int tries = 0; tries < 60; tries++, s /= 2) {
                for (int i = 0; i < m; i++) {
                    trial[i] = x[i] + s * dx[i];
                }
                double value = barrier(lmi, trial, t, null);
                if (value <= phi - 0.25 * s * decrement) {
                    if (!(value < phi)) {
                        return step - 1; // the barrier no longer changes in float64: as centred as it gets
                    }
                    System.arraycopy(trial, 0, x, 0, m);
                    break;
                }
            }
            if (s < 1e-17) {
                return step - 1; // no step improves it in float64: as centred as it gets
            }
        }
        return budget;
    }

    /** The barrier's value, +∞ outside the feasible set. */
    private static double barrier(LipSdpMatrix lmi, double[] x, double t, Cholesky known) {
        double value = t * x[0];
        for (int i = 0; i < x.length; i++) {
            if (lmi.nonnegative(i)) {
                if (!(x[i] > 0)) {
                    return Double.POSITIVE_INFINITY;
                }
                value -= Math.log(x[i]);
            }
        }
        Cholesky chol = known != null ? known : Cholesky.factor(lmi.assemble(x), null);
        return chol == null ? Double.POSITIVE_INFINITY : value - chol.logDeterminant();
    }

    /**
     * Gradient {@code t e_0 − tr(M⁻¹A_i) − 1/x_i} and Hessian {@code tr(M⁻¹A_iM⁻¹A_j) + 1/x_i²}
     * with {@code A_i = U_i S_i U_iᵀ}: from {@code G = Uᵀ M⁻¹ U} over all terms' columns,
     * {@code tr(M⁻¹A_i) = tr(S_i G_ii)} and {@code tr(M⁻¹A_iM⁻¹A_j) = tr(S_i G_ij S_j G_ji)}.
     */
    private static void derivatives(LipSdpMatrix lmi, Cholesky chol, double[] x, double t, double[] grad,
            double[][] hess) {
        int m = lmi.variables();
        int n = lmi.size();
        List<LipSdpMatrix.Column> columns = new ArrayList<>();
        int[] start = new int[m + 1];
        for (int i = 0; i < m; i++) {
            start[i] = columns.size();
            columns.addAll(lmi.term(i).columns());
        }
        start[m] = columns.size();
        int r = columns.size();
        double[][] solved = new double[r][];
        for (int c = 0; c < r; c++) {
            double[] dense = new double[n];
            LipSdpMatrix.Column col = columns.get(c);
            for (int k = 0; k < col.index().length; k++) {
                dense[col.index()[k]] = col.value()[k];
            }
            solved[c] = chol.solve(dense);
        }
        double[][] g = new double[r][r];
        for (int p = 0; p < r; p++) {
            LipSdpMatrix.Column col = columns.get(p);
            for (int q = 0; q < r; q++) {
                double s = 0;
                for (int k = 0; k < col.index().length; k++) {
                    s += col.value()[k] * solved[q][col.index()[k]];
                }
                g[p][q] = s;
            }
        }
        for (int i = 0; i < m; i++) {
            double[][] si = lmi.term(i).s();
            double trace = 0;
            for (int p = 0; p < si.length; p++) {
                for (int q = 0; q < si.length; q++) {
                    trace += si[p][q] * g[start[i] + q][start[i] + p];
                }
            }
            grad[i] = (i == 0 ? t : 0) - trace - (lmi.nonnegative(i) ? 1 / x[i] : 0);
            for (int j = 0; j <= i; j++) {
                double[][] a = product(si, g, start[i], start[j], start[j + 1] - start[j]);
                double[][] b = product(lmi.term(j).s(), g, start[j], start[i], start[i + 1] - start[i]);
                double h = 0;
                for (int p = 0; p < a.length; p++) {
                    for (int q = 0; q < b.length; q++) {
                        h += a[p][q] * b[q][p];
                    }
                }
                hess[i][j] = h;
                hess[j][i] = h;
            }
            if (lmi.nonnegative(i)) {
                hess[i][i] += 1 / (x[i] * x[i]);
            }
        }
    }

    /** {@code S · G[rowStart.., colStart..colStart+cols]}, skipping S's zeros. */
    private static double[][] product(double[][] s, double[][] g, int rowStart, int colStart, int cols) {
        double[][] out = new double[s.length][cols];
        for (int p = 0; p < s.length; p++) {
            for (int q = 0; q < s.length; q++) {
                double spq = s[p][q];
                if (spq != 0) {
                    double[] grow = g[rowStart + q];
                    for (int c = 0; c < cols; c++) {
                        out[p][c] += spq * grow[colStart + c];
                    }
                }
            }
        }
        return out;
    }

    private static double[] newtonDirection(double[][] hess, double[] grad) {
        int m = grad.length;
        double[] minus = new double[m];
        for (int i = 0; i < m; i++) {
            minus[i] = -grad[i];
        }
        double ridge = 0;
        for (int attempt = 0; attempt < 30; attempt++) {
            double[] shift = new double[m];
            java.util.Arrays.fill(shift, -ridge);
            Cholesky chol = Cholesky.factor(hess, shift);
            if (chol != null) {
                return chol.solve(minus);
            }
            ridge = ridge == 0 ? 1e-12 * maxDiagonal(hess) : ridge * 10;
        }
        return minus;
    }

    private static double maxDiagonal(double[][] a) {
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i][i]));
        }
        return max;
    }
}
