package org.lipreg.certify.lipsdp;

import java.util.ArrayList;
import java.util.List;

/**
 * The ℓ2 LipSDP matrix inequality of a {@link DenseChain}, {@code M(x) ⪰ 0}, as an affine
 * function of the variables {@code x = (ρ, multipliers)}: {@code M(x) = C + Σ_i x_i U_i S_i U_iᵀ}
 * with small dense {@code S_i} and sparse columns {@code U_i}. Minimizing {@code ρ} subject to it
 * bounds the Lipschitz constant by {@code √ρ}.
 *
 * <p>M is the matrix of a quadratic form in {@code (Δx, Δz_1, …, Δz_{L−1})}, the differences of
 * two inputs and of the activations they produce ({@code Δv_k = W_k Δz_{k−1}}, {@code Δz_0 = Δx}):
 * <pre>
 *   q = ρ‖Δx‖² − ‖W_L Δz_{L−1}‖² − Σ_k QC_k,
 * </pre>
 * where each {@code QC_k ≥ 0} holds for every pair of inputs. If {@code q ≥ 0} for every vector,
 * then {@code ρ‖Δx‖² − ‖Δy‖² ≥ Σ QC_k ≥ 0}, so {@code ‖Δy‖ ≤ √ρ ‖Δx‖}.
 * <ul>
 *   <li><b>ReLU, slope in [α, 1]</b> (LipSDP-Neuron, Fazlyab et al. 2019), one {@code t_j ≥ 0}
 *       per neuron: {@code Δz_j = s Δv_j} with {@code s ∈ [α, 1]}, so
 *       {@code QC = −2 t_j (Δz_j − Δv_j)(Δz_j − α Δv_j) ≥ 0}. Its term in M is
 *       {@code t_j [e, w] [[2, −(1+α)], [−(1+α), 2α]] [e, w]ᵀ}, e the unit vector of {@code z_{k,j}},
 *       w row j of {@code W_k} in the coordinates of {@code z_{k−1}}. With all layers ReLU, M is
 *       the usual block-tridiagonal LipSDP matrix: diagonal {@code ρI + 2α W_1ᵀT_1W_1},
 *       {@code 2T_k + 2α W_{k+1}ᵀT_{k+1}W_{k+1}}, last {@code 2T_{L−1} − W_LᵀW_L}; off-diagonal
 *       {@code −(1+α) T_k W_k}.</li>
 *   <li><b>MaxMin</b> (Pauli et al., ICLR 2024), per pair j {@code Λ_j = λ_j I₂ + γ_j 11ᵀ}
 *       ({@code λ_j ≥ 0}, {@code γ_j} free): sorting a pair keeps its sum and its norm, so
 *       {@code QC = Δv_jᵀΛ_jΔv_j − Δz_jᵀΛ_jΔz_j = 0}. Its term is {@code +Λ_j} on the pair's
 *       {@code z_k} coordinates and {@code −W_{k,j}ᵀ Λ_j W_{k,j}} on {@code z_{k−1}}'s. With all
 *       layers MaxMin, M is block diagonal with the paper's blocks {@code ρI − W_1ᵀT_1W_1},
 *       {@code T_{k−1} − W_kᵀT_kW_k}, {@code T_{L−1} − W_LᵀW_L}.</li>
 * </ul>
 * The constant {@code C = −W_LᵀW_L} is a term with coefficient 1, stored like the others, so that
 * {@link #assembleAbsolute} bounds the rounding of every entry the same way.
 */
public final class LipSdpMatrix {

    /** One sparse column of some {@code U_i}. */
    record Column(int[] index, double[] value) {}

    /**
     * One term {@code U S Uᵀ}.
     *
     * @param columns the columns of U
     * @param s the small symmetric matrix
     */
    record Term(List<Column> columns, double[][] s) {}

    private final DenseChain chain;
    private final int size;
    private final int[] offset;
    private final Term constant;
    private final List<Term> terms = new ArrayList<>();
    private final List<Boolean> nonnegative = new ArrayList<>();
    private final List<int[]> layerVariables = new ArrayList<>();

    /**
     * Builds the matrix function of a chain; variable 0 is ρ, then each hidden layer's
     * multipliers in order (MaxMin: λ_j, γ_j per pair; ReLU: t_j per neuron).
     *
     * @param chain the network
     */
    public LipSdpMatrix(DenseChain chain) {
        this.chain = chain;
        int depth = chain.depth();
        offset = new int[depth];
        int n = 0;
        for (int k = 0; k < depth; k++) {
            offset[k] = n;
            n += chain.width(k);
        }
        size = n;
        // ρ: the identity on the input block.
        List<Column> inputs = new ArrayList<>();
        for (int i = 0; i < chain.width(0); i++) {
            inputs.add(unit(offset[0] + i));
        }
        add(new Term(inputs, DenseChain.identity(inputs.size())), true);
        for (int k = 1; k < depth; k++) {
            double[][] w = chain.weights().get(k - 1);
            int first = terms.size();
            if (chain.activations().get(k - 1) instanceof HiddenActivation.Relu relu) {
                double a = relu.slope();
                double[][] s = {{2, -(1 + a)}, {-(1 + a), 2 * a}};
                for (int j = 0; j < w.length; j++) {
                    add(new Term(List.of(unit(offset[k] + j), row(w[j], offset[k - 1], 1)), s), true);
                }
            } else {
                for (int j = 0; j < w.length; j += 2) {
                    add(new Term(List.of(unit(offset[k] + j), unit(offset[k] + j + 1), row(w[j], offset[k - 1], 1),
                            row(w[j + 1], offset[k - 1], 1)), new double[][] {
                                {1, 0, 0, 0}, {0, 1, 0, 0}, {0, 0, -1, 0}, {0, 0, 0, -1}}), true);
                    Column sum = new Column(new int[] {offset[k] + j, offset[k] + j + 1}, new double[] {1, 1});
                    double[] rowSum = new double[w[j].length];
                    for (int c = 0; c < rowSum.length; c++) {
                        rowSum[c] = w[j][c] + w[j + 1][c];
                    }
                    add(new Term(List.of(sum, row(rowSum, offset[k - 1], 1)), new double[][] {{1, 0}, {0, -1}}), false);
                }
            }
            layerVariables.add(new int[] {first, terms.size()});
        }
        double[][] last = chain.weights().get(depth - 1);
        List<Column> rows = new ArrayList<>();
        for (double[] r : last) {
            rows.add(row(r, offset[depth - 1], 1));
        }
        double[][] minus = DenseChain.identity(rows.size());
        for (int i = 0; i < minus.length; i++) {
            minus[i][i] = -1;
        }
        constant = new Term(rows, minus);
    }

    private void add(Term term, boolean nonneg) {
        terms.add(term);
        nonnegative.add(nonneg);
    }

    private static Column unit(int i) {
        return new Column(new int[] {i}, new double[] {1});
    }

    private static Column row(double[] values, int start, double scale) {
        int[] index = new int[values.length];
        double[] v = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            index[i] = start + i;
            v[i] = scale * values[i];
        }
        return new Column(index, v);
    }

    /** @return the dimension of M */
    public int size() {
        return size;
    }

    /** @return the width of the input block (the rows that ρ multiplies) */
    public int inputWidth() {
        return chain.width(0);
    }

    /** @return the number of variables, ρ included */
    public int variables() {
        return terms.size();
    }

    /**
     * Whether a variable must be ≥ 0 (ρ, λ_j, t_j) or is free (γ_j).
     *
     * @param i the variable
     * @return true for a sign constraint
     */
    public boolean nonnegative(int i) {
        return nonnegative.get(i);
    }

    Term term(int i) {
        return terms.get(i);
    }

    /**
     * Assembles {@code M(x)}.
     *
     * @param x the variables
     * @return the dense symmetric matrix
     */
    public double[][] assemble(double[] x) {
        double[][] m = new double[size][size];
        accumulate(m, constant, 1, false);
        for (int i = 0; i < terms.size(); i++) {
            accumulate(m, terms.get(i), x[i], false);
        }
        return m;
    }

    /**
     * Assembles the same sums with every summand replaced by its absolute value: entry by entry
     * a bound on the rounding error of {@link #assemble} ({@code γ_d} times it, d the summands).
     *
     * @param x the variables
     * @return the entrywise bound matrix
     */
    public double[][] assembleAbsolute(double[] x) {
        double[][] m = new double[size][size];
        accumulate(m, constant, 1, true);
        for (int i = 0; i < terms.size(); i++) {
            accumulate(m, terms.get(i), Math.abs(x[i]), true);
        }
        return m;
    }

    /**
     * Returns the most summands (each a product of at most four numbers) that one entry of M
     * adds up: a bound for the rounding error of the assembly.
     *
     * @return a bound on the summands per entry
     */
    public int summandsPerEntry() {
        long count = countProducts(constant);
        for (Term t : terms) {
            count += countProducts(t);
        }
        return (int) Math.min(Integer.MAX_VALUE / 4, count);
    }

    private static long countProducts(Term t) {
        long count = 0;
        for (double[] r : t.s()) {
            for (double v : r) {
                count += v != 0 ? 1 : 0;
            }
        }
        return count;
    }

    private static void accumulate(double[][] m, Term term, double coefficient, boolean absolute) {
        if (coefficient == 0) {
            return;
        }
        List<Column> cols = term.columns();
        for (int p = 0; p < cols.size(); p++) {
            for (int q = 0; q < cols.size(); q++) {
                double s = term.s()[p][q];
                if (s == 0) {
                    continue;
                }
                double scale = absolute ? Math.abs(coefficient * s) : coefficient * s;
                Column a = cols.get(p);
                Column b = cols.get(q);
                for (int i = 0; i < a.index().length; i++) {
                    double ai = absolute ? Math.abs(a.value()[i]) : a.value()[i];
                    double[] mrow = m[a.index()[i]];
                    for (int j = 0; j < b.index().length; j++) {
                        mrow[b.index()[j]] += scale * ai * (absolute ? Math.abs(b.value()[j]) : b.value()[j]);
                    }
                }
            }
        }
    }

    /**
     * Returns a strictly feasible point: every layer's multipliers {@code c_k} (γ = 0) with
     * {@code c_{L−1} = 2‖W_L‖_F² + δ}, {@code c_{k−1} = 2 c_k ‖W_k‖_F² + δ}, {@code ρ = 2 c_1
     * ‖W_1‖_F² + δ}. Each block's diagonal then beats its coupling to the next by the factor 2
     * (for ReLU the cross terms are split by {@code 2ab ≤ a² + b²}).
     *
     * @return the variables
     */
    public double[] strictlyFeasiblePoint() {
        int depth = chain.depth();
        double[] c = new double[depth];
        double next = 1;
        for (int k = depth - 1; k >= 0; k--) {
            double f = frobeniusSquared(chain.weights().get(k));
            c[k] = 2 * next * f + 1e-3 * (1 + next * f);
            next = c[k];
        }
        double[] x = new double[terms.size()];
        x[0] = c[0];
        for (int k = 1; k < depth; k++) {
            int[] range = layerVariables.get(k - 1);
            for (int i = range[0]; i < range[1]; i++) {
                x[i] = nonnegative(i) ? c[k] : 0;
            }
        }
        return x;
    }

    private static double frobeniusSquared(double[][] w) {
        double s = 0;
        for (double[] r : w) {
            for (double v : r) {
                s += v * v;
            }
        }
        return s;
    }
}
