package org.lipreg.certify.lipsdp;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.EigenDecomposition;
import org.apache.commons.math3.linear.RealMatrix;

/**
 * LipSDP of a chain whose hidden activations are all MaxMin, rewritten as an unconstrained
 * eigenvalue problem (the exact reformulation behind {@link EigenvalueSolver}).
 *
 * <p><b>Derivation.</b> Per pair, {@code Λ_j = λ_j I₂ + γ_j 11ᵀ} has the eigenvectors
 * {@code (1, 1)/√2} (eigenvalue {@code d⁺ = λ_j + 2γ_j}) and {@code (1, −1)/√2} ({@code d⁻ = λ_j}),
 * the same for every j. With R_k the orthogonal block-diagonal matrix of these pairs
 * ({@code R_0 = R_L = I}) and {@code W̃_k = R_kᵀ W_k R_{k−1}}, every multiplier is
 * {@code T_k = R_k D_k R_kᵀ} with D_k diagonal, and the paper's blocks become
 * {@code D_{k−1} − W̃_kᵀ D_k W̃_k ⪰ 0} ({@code D_0 = ρI}, {@code D_L = I}). The last one forces
 * {@code D_{L−1} ⪰ 0}, then each one the one before, so every feasible D_k is nonnegative, and
 * {@code λ_j = d⁻ ≥ 0} holds by itself. Writing {@code D_k = α_k E_k} with E_k = diag(e^{s_k}),
 * block k holds exactly when {@code α_{k−1}/α_k ≥ λ_max(E_k^{1/2} W̃_k E_{k−1}^{−1} W̃_kᵀ E_k^{1/2})};
 * the least ρ = α_0 for given shapes s is the product of these largest eigenvalues. Hence
 * <pre>
 *   LipSDP's ρ* = min over s of F(s) = Σ_k log λ_max(B_k(s)),  B_k = (E_k^{1/2} W̃_k E_{k−1}^{−1/2})(…)ᵀ,
 * </pre>
 * unconstrained, with {@code s_k ∈ R^{n_k}} for the hidden layers ({@code s_0 = s_L = 0}). F is
 * nonsmooth where a largest eigenvalue is multiple (as LipDiff's eigenvalue form of LipSDP); the
 * solver minimizes the smooth upper bound {@code F_p = Σ_k (1/p) log tr(B_k^p)}
 * ({@code F ≤ F_p ≤ F + Σ_k log(n_k)/p}) for growing p. With {@code A = diag(a) W̃ diag(b)},
 * {@code a = e^{s_k/2}}, {@code b = e^{−s_{k−1}/2}} and the singular pairs {@code (σ_l, u_l, v_l)}
 * of A, {@code ∂F_p/∂s_{k,i} = Σ_l w_l u_{l,i}²} and {@code ∂F_p/∂s_{k−1,j} = −Σ_l w_l v_{l,j}²},
 * {@code w_l = σ_l^{2p}/Σ σ^{2p}}.
 *
 * <p>Whatever s the solver ends at, {@link #multipliers} turns it into LipSDP variables for
 * {@link CertificateCheck}, which proves the bound.
 */
final class MaxMinScaling {

    /** Eigenvalues weighted less than this (relative) are left out of the gradient. */
    private static final double NEGLIGIBLE_WEIGHT = 1e-14;

    /**
     * The value of F, and of F_p with its gradient, at one s.
     *
     * @param logRho F(s), the exact {@code log ρ} that the shapes s allow
     * @param smoothed F_p(s)
     * @param gradient ∇F_p(s), or null if not asked for
     * @param layerMax {@code λ_max(B_k)}, k = 1…L
     */
    record Evaluation(double logRho, double smoothed, double[] gradient, double[] layerMax) {}

    private final int depth;
    private final int[] widths;
    private final int[] offset;
    private final double[][][] rotated;
    private final double[][] firstGram;
    private final double[][] lastGram;

    /**
     * Prepares a chain.
     *
     * @param chain the network; every hidden activation must be MaxMin
     * @throws IllegalArgumentException otherwise
     */
    MaxMinScaling(DenseChain chain) {
        if (!applies(chain)) {
            throw new IllegalArgumentException("the scaling form needs MaxMin on every hidden layer");
        }
        depth = chain.depth();
        widths = new int[depth + 1];
        for (int k = 0; k <= depth; k++) {
            widths[k] = chain.width(k);
        }
        offset = new int[depth + 1];
        for (int k = 2; k <= depth; k++) {
            offset[k] = offset[k - 1] + widths[k - 1];
        }
        rotated = new double[depth][][];
        for (int k = 1; k <= depth; k++) {
            rotated[k - 1] = rotate(chain.weights().get(k - 1), k < depth, k > 1);
        }
        firstGram = leftGram(1) ? gram(rotated[0], true) : null;
        lastGram = leftGram(depth) ? null : gram(rotated[depth - 1], false);
    }

    /**
     * Whether a chain has only MaxMin hidden activations.
     *
     * @param chain the network
     * @return true if the scaling form applies
     */
    static boolean applies(DenseChain chain) {
        if (chain.residual().contains(true)) {
            return false;
        }
        for (HiddenActivation a : chain.activations()) {
            if (!(a instanceof HiddenActivation.GroupSort g && g.maxMin())) {
                return false;
            }
        }
        return true;
    }

    /** @return the number of shape variables, the hidden widths added up */
    int dimension() {
        return offset[depth];
    }

    /**
     * Evaluates F, F_p and (optionally) ∇F_p.
     *
     * @param s the shapes, {@link #dimension()} long
     * @param p the smoothing power, ≥ 1
     * @param withGradient whether to compute the gradient
     * @return the values
     */
    Evaluation evaluate(double[] s, double p, boolean withGradient) {
        double[] gradient = withGradient ? new double[s.length] : null;
        double[] layerMax = new double[depth];
        double logRho = 0;
        double smoothed = 0;
        for (int k = 1; k <= depth; k++) {
            double[] a = scale(s, k, 0.5);
            double[] b = scale(s, k - 1, -0.5);
            double[][] w = rotated[k - 1];
            boolean left = leftGram(k);
            double[][] g = left ? scaledGram(k == 1 ? firstGram : gram(scaleColumns(w, b), true), a)
                    : scaledGram(k == depth ? lastGram : gram(scaleRows(w, a), false), b);
            EigenDecomposition eig = new EigenDecomposition(new Array2DRowRealMatrix(g, false));
            double[] lambda = eig.getRealEigenvalues();
            double max = 0;
            for (double l : lambda) {
                max = Math.max(max, l);
            }
            if (!(max > 0)) {
                throw new ArithmeticException("layer " + k + " has no nonzero weight: the network is constant");
            }
            layerMax[k - 1] = max;
            double sum = 0;
            double[] weight = new double[lambda.length];
            for (int l = 0; l < lambda.length; l++) {
                weight[l] = lambda[l] > 0 ? Math.pow(lambda[l] / max, p) : 0;
                sum += weight[l];
            }
            logRho += Math.log(max);
            smoothed += Math.log(max) + Math.log(sum) / p;
            if (withGradient) {
                RealMatrix vectors = eig.getV();
                for (int l = 0; l < lambda.length; l++) {
                    double wl = weight[l] / sum;
                    if (wl < NEGLIGIBLE_WEIGHT) {
                        continue;
                    }
                    double[] own = vectors.getColumn(l);
                    // the other side's singular vector (Aᵀu/σ for a left Gram, Av/σ for a right
                    // one), only where that side has shapes: the input and output have none
                    boolean otherNeeded = left ? k > 1 : k < depth;
                    double[] other = !otherNeeded ? null : left ? transposeTimes(w, a, b, own) : times(w, a, b, own);
                    double sigma2 = lambda[l];
                    double[] u = left ? own : other;
                    double[] v = left ? other : own;
                    if (k < depth) {
                        for (int i = 0; i < u.length; i++) {
                            gradient[offset[k] + i] += wl * u[i] * u[i] / (left ? 1 : sigma2);
                        }
                    }
                    if (k > 1) {
                        for (int j = 0; j < v.length; j++) {
                            gradient[offset[k - 1] + j] -= wl * v[j] * v[j] / (left ? sigma2 : 1);
                        }
                    }
                }
            }
        }
        return new Evaluation(logRho, smoothed, gradient, layerMax);
    }

    /**
     * Turns shapes into LipSDP variables (ρ, then λ_j, γ_j per pair, as {@link LipSdpMatrix}
     * orders them): {@code α_L = 1}, {@code α_{k−1} = α_k λ_max(B_k)(1 + slack)}.
     *
     * @param s the shapes
     * @param layerMax {@code λ_max(B_k)} at s, from {@link #evaluate}
     * @param slack the relative margin per block (the check needs a little room for rounding)
     * @return the variables
     */
    double[] multipliers(double[] s, double[] layerMax, double slack) {
        double[] alpha = new double[depth + 1];
        alpha[depth] = 1;
        for (int k = depth; k >= 1; k--) {
            alpha[k - 1] = alpha[k] * layerMax[k - 1] * (1 + slack);
        }
        double[] x = new double[1 + offset[depth]];
        x[0] = alpha[0];
        int v = 1;
        for (int k = 1; k < depth; k++) {
            for (int j = 0; j < widths[k]; j += 2) {
                double sumDirection = alpha[k] * Math.exp(s[offset[k] + j]);
                double differenceDirection = alpha[k] * Math.exp(s[offset[k] + j + 1]);
                x[v++] = differenceDirection; // λ_j = d⁻
                x[v++] = (sumDirection - differenceDirection) / 2; // γ_j = (d⁺ − d⁻)/2
            }
        }
        return x;
    }

    /** The Gram matrix on the smaller side of layer k: {@code A Aᵀ} (n_k × n_k) or {@code AᵀA}. */
    private boolean leftGram(int k) {
        return widths[k] <= widths[k - 1];
    }

    /** {@code e^{sign·s_k}}, all ones for the input and output (k = 0, L). */
    private double[] scale(double[] s, int k, double sign) {
        double[] out = new double[widths[k]];
        for (int i = 0; i < out.length; i++) {
            out[i] = k == 0 || k == depth ? 1 : Math.exp(sign * s[offset[k] + i]);
        }
        return out;
    }

    /** {@code W̃ = R_outᵀ W R_in}: pairs of rows and of columns replaced by their sum and difference over √2. */
    private static double[][] rotate(double[][] w, boolean rows, boolean cols) {
        double[][] out = new double[w.length][];
        for (int i = 0; i < w.length; i++) {
            out[i] = w[i].clone();
        }
        double h = Math.sqrt(0.5);
        if (rows) {
            for (int i = 0; i < out.length; i += 2) {
                for (int j = 0; j < out[i].length; j++) {
                    double x = out[i][j];
                    double y = out[i + 1][j];
                    out[i][j] = h * (x + y);
                    out[i + 1][j] = h * (x - y);
                }
            }
        }
        if (cols) {
            for (double[] row : out) {
                for (int j = 0; j < row.length; j += 2) {
                    double x = row[j];
                    double y = row[j + 1];
                    row[j] = h * (x + y);
                    row[j + 1] = h * (x - y);
                }
            }
        }
        return out;
    }

    /** {@code W Wᵀ} (rows) or {@code WᵀW}. */
    private static double[][] gram(double[][] w, boolean rows) {
        int n = rows ? w.length : w[0].length;
        double[][] g = new double[n][n];
        if (rows) {
            for (int a = 0; a < n; a++) {
                for (int b = 0; b <= a; b++) {
                    double sum = 0;
                    double[] wa = w[a];
                    double[] wb = w[b];
                    for (int c = 0; c < wa.length; c++) {
                        sum += wa[c] * wb[c];
                    }
                    g[a][b] = sum;
                    g[b][a] = sum;
                }
            }
        } else {
            for (double[] row : w) {
                for (int a = 0; a < n; a++) {
                    double ra = row[a];
                    if (ra != 0) {
                        double[] ga = g[a];
                        for (int b = 0; b <= a; b++) {
                            ga[b] += ra * row[b];
                        }
                    }
                }
            }
            for (int a = 0; a < n; a++) {
                for (int b = 0; b < a; b++) {
                    g[b][a] = g[a][b];
                }
            }
        }
        return g;
    }

    /** {@code diag(d) G diag(d)}. */
    private static double[][] scaledGram(double[][] g, double[] d) {
        double[][] out = new double[g.length][g.length];
        for (int i = 0; i < g.length; i++) {
            for (int j = 0; j < g.length; j++) {
                out[i][j] = d[i] * g[i][j] * d[j];
            }
        }
        return out;
    }

    private static double[][] scaleColumns(double[][] w, double[] b) {
        double[][] out = new double[w.length][w[0].length];
        for (int i = 0; i < w.length; i++) {
            for (int j = 0; j < b.length; j++) {
                out[i][j] = w[i][j] * b[j];
            }
        }
        return out;
    }

    private static double[][] scaleRows(double[][] w, double[] a) {
        double[][] out = new double[w.length][];
        for (int i = 0; i < w.length; i++) {
            out[i] = w[i].clone();
            for (int j = 0; j < out[i].length; j++) {
                out[i][j] *= a[i];
            }
        }
        return out;
    }

    /** {@code Aᵀu} with {@code A = diag(a) W diag(b)}. */
    private static double[] transposeTimes(double[][] w, double[] a, double[] b, double[] u) {
        double[] out = new double[b.length];
        for (int i = 0; i < w.length; i++) {
            double c = a[i] * u[i];
            if (c != 0) {
                for (int j = 0; j < out.length; j++) {
                    out[j] += w[i][j] * c;
                }
            }
        }
        for (int j = 0; j < out.length; j++) {
            out[j] *= b[j];
        }
        return out;
    }

    /** {@code Av} with {@code A = diag(a) W diag(b)}. */
    private static double[] times(double[][] w, double[] a, double[] b, double[] v) {
        double[] out = new double[w.length];
        for (int i = 0; i < w.length; i++) {
            double sum = 0;
            for (int j = 0; j < v.length; j++) {
                sum += w[i][j] * b[j] * v[j];
            }
            out[i] = a[i] * sum;
        }
        return out;
    }
}
