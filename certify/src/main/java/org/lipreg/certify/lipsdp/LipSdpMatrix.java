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
 *   <li><b>GroupSort of size n, MaxMin for n = 2</b> (Pauli et al., ICLR 2024), per group j
 *       {@code Λ_j = λ_j I_n + γ_j 11ᵀ} ({@code λ_j ≥ 0}, {@code γ_j} free):
 *       {@code QC = Δv_jᵀΛ_jΔv_j − Δz_jᵀΛ_jΔz_j = λ_j(‖Δv_j‖² − ‖Δz_j‖²) + γ_j((1ᵀΔv_j)² − (1ᵀΔz_j)²)}.
 *       Sorting keeps the sum, {@code 1ᵀz = 1ᵀv}, so the γ part is exactly 0 for either sign of γ;
 *       and sorting is nonexpansive, {@code ‖Δz‖² = ‖v‖² + ‖v'‖² − 2 zᵀz' ≤ ‖Δv‖²}, because the
 *       sorted pairing maximizes the inner product ({@code zᵀz' ≥ vᵀv'}, rearrangement
 *       inequality), so the λ part is ≥ 0 for {@code λ ≥ 0}. (Even for n = 2 the norm is not kept:
 *       {@code ‖Δv‖² − ‖Δz‖² = 2(a − b)(b' − a') ≥ 0} when the two pairs sort differently.) The
 *       MaxMin argument needs nothing more for n > 2; {@code λI + γ11ᵀ} is also the most general
 *       Λ that every reordering of a group leaves unchanged. Its term is {@code +Λ_j} on the
 *       group's {@code z_k} coordinates and {@code −W_{k,j}ᵀ Λ_j W_{k,j}} on {@code z_{k−1}}'s. With
 *       all layers GroupSort, M is block diagonal with the paper's blocks {@code ρI − W_1ᵀT_1W_1},
 *       {@code T_{k−1} − W_kᵀT_kW_k}, {@code T_{L−1} − W_LᵀW_L}.</li>
 *   <li><b>Householder</b> (derived here), per pair {@code Λ_j = λ_j I₂ + γ_j u⊥u⊥ᵀ},
 *       {@code u = (cos θ, sin θ)}, {@code u⊥ = (−sin θ, cos θ)}: in the frame (u, u⊥) the
 *       activation maps {@code (s, t) ↦ (|s|, t)} (keeping z when {@code s > 0}, reflecting
 *       {@code s} when not), so {@code u⊥ᵀΔz = u⊥ᵀΔv} exactly and {@code |Δ|s|| ≤ |Δs|}, i.e.
 *       {@code ‖Δz‖ ≤ ‖Δv‖}: the GroupSort argument with u⊥ in place of 1 (MaxMin is θ = −π/4, where
 *       u⊥ ∝ 1). |·| is slope-restricted in [−1, 1], whose sector constraint is {@code Δs² − Δ|s|² ≥ 0},
 *       the λ part itself, so nothing more is gained on the u-component; the only other valid terms
 *       are multiples of the equality {@code u⊥ᵀ(Δv − Δz) = 0} (the residual layers' p).</li>
 * </ul>
 * The constant {@code C = −W_LᵀW_L} is a term with coefficient 1, stored like the others, so that
 * {@link #assembleAbsolute} bounds the rounding of every entry the same way.
 *
 * <p><b>Smaller input block.</b> When the first layer is narrower than the input ({@code n_1 < n_0},
 * e.g. 784 → 64) and {@code G = W_1W_1ᵀ} is positive definite, the input block is written in
 * coordinates u with {@code Δx = W_1ᵀu + Δx_⊥}, {@code W_1Δx_⊥ = 0}: then {@code W_1Δx = Gu} and
 * {@code ‖Δx‖² = uᵀGu + ‖Δx_⊥‖²}, and {@code Δx_⊥} appears nowhere else, so {@code q ≥ 0} for all
 * vectors exactly when it holds with ρ's term {@code ρG} and the rows of G in place of W_1's. No
 * inverse is needed; the rounding of G is carried by its absolute form {@code |W_1||W_1|ᵀ}.
 *
 * <p><b>ℓ∞, one output</b> ({@code f = cᵀz_{L−1}}, c row j of W_L; Pauli et al.): one more
 * coordinate t and multipliers {@code τ ≥ 0} on the input, with
 * <pre>
 *   q = (2ρ − Στ) t² − 2t cᵀΔz_{L−1} + Δxᵀ diag(τ) Δx − Σ_k QC_k.
 * </pre>
 * If {@code q ≥ 0} for every vector, then at {@code t = ‖Δx‖∞}, with {@code Δxᵀdiag(τ)Δx ≤ Στ ‖Δx‖∞²},
 * {@code cᵀΔz ≤ ρ‖Δx‖∞}: the bound is ρ itself. For MaxMin layers M is block diagonal with the
 * paper's blocks {@code diag(τ) − W_1ᵀT_1W_1}, …, {@code [[T_{L−1}, −c], [−cᵀ, 2ρ − Στ]]}. The input
 * block is never reduced here (τ is a diagonal on the input's own coordinates). Variable 0 is ρ,
 * then τ_1…τ_{n_0}, then the hidden multipliers.
 *
 * <p><b>Residual-ReLU baseline</b> ({@link #residualReluBaseline}; the paper's comparison, as the
 * authors' {@code LipschitzEstimation_ResReLU.m} sets it up): every MaxMin pair is rewritten with
 * two ReLUs, {@code max(a, b) = b + ReLU(a − b)}, {@code min(a, b) = b − ReLU(b − a)}, and standard
 * LipSDP is applied to them: the coordinates of such a layer are the {@code Δr} (two per pair),
 * {@code Δz_k} is the linear combination {@code (Δv_b + Δr_+, Δv_b − Δr_−)} of earlier coordinates,
 * and each ReLU has its term with {@code Δd = ±(Δv_a − Δv_b)}. The one-ReLU rewrite
 * ({@code min = a − ReLU(a − b)}) would be no baseline: with {@code t = 1} its term is exactly
 * {@code ‖Δv‖² − ‖Δz‖²}, the pair constraint with γ = 0, so it too proves orthogonal MaxMin
 * networks 1-Lipschitz; the two ReLUs are not tied to {@code r_+ − r_− = a − b}, which is what
 * loses.
 */
public final class LipSdpMatrix {

    /**
     * One sparse column of some {@code U_i}.
     *
     * @param index the rows
     * @param value the values
     * @param absolute a bound on the values' absolute sums before rounding, or null for |value|
     */
    record Column(int[] index, double[] value, double[] absolute) {}

    /**
     * One term {@code U S Uᵀ}.
     *
     * @param columns the columns of U
     * @param s the small symmetric matrix
     * @param sAbsolute a bound like {@link Column#absolute}, or null for |s|
     */
    record Term(List<Column> columns, double[][] s, double[][] sAbsolute) {
        Term(List<Column> columns, double[][] s) {
            this(columns, s, null);
        }
    }

    private final DenseChain chain;
    private final int output;
    private final boolean residualRelu;
    /** Per hidden layer k, {@code Δz_k} as columns over the coordinates when it is not itself coordinates, else null. */
    private final Column[][] zRows;
    /** Per hidden layer k, the longest chain of floating-point operations behind a value of {@link #zRows}. */
    private final int[] zDepth;
    /** The longest such chain behind any column value (G's entries, combinations). */
    private int columnDepth;
    private final boolean reduced;
    private final double[][] gram;
    private final double[][] gramAbsolute;
    private final int size;
    private final int coordinates;
    private final int[] offset;
    private final int rhoStart;
    private final int rhoEnd;
    private final Term constant;
    private final List<Term> terms = new ArrayList<>();
    private final List<Boolean> nonnegative = new ArrayList<>();
    private final List<int[]> layerVariables = new ArrayList<>();

    /**
     * Builds the matrix function of a chain; variable 0 is ρ, then each hidden layer's
     * multipliers in order (GroupSort: λ_j, γ_j per group; ReLU: t_j per neuron).
     *
     * @param chain the network
     */
    public LipSdpMatrix(DenseChain chain) {
        this(chain, -1);
    }

    /**
     * Builds the matrix function of the ℓ∞ bound of one output (see the class comment), or of the
     * ℓ2 bound.
     *
     * @param chain the network
     * @param output the output j for ℓ∞, or −1 for the ℓ2 bound of all outputs
     * @throws IllegalArgumentException if the output is out of range
     */
    public LipSdpMatrix(DenseChain chain, int output) {
        this(chain, output, false);
    }

    /**
     * Builds the matrix function of the residual-ReLU rewrite of a MaxMin network (see the class
     * comment): standard LipSDP on {@code max(a, b) = b + ReLU(a − b)}, {@code min(a, b) = a − ReLU(a − b)}.
     *
     * @param chain the network, every hidden layer MaxMin
     * @param output the output j for ℓ∞, or −1 for ℓ2
     * @return the matrix function; its multipliers are one {@code t ≥ 0} per ReLU, two per pair
     * @throws IllegalArgumentException if a hidden layer is not MaxMin
     */
    public static LipSdpMatrix residualReluBaseline(DenseChain chain, int output) {
        for (HiddenActivation a : chain.activations()) {
            if (!(a instanceof HiddenActivation.GroupSort g && g.maxMin())) {
                throw new IllegalArgumentException("the residual-ReLU rewrite is for MaxMin networks, this one has " + a);
            }
        }
        return new LipSdpMatrix(chain, output, true);
    }

    private LipSdpMatrix(DenseChain chain, int output, boolean residualRelu) {
        this.chain = chain;
        this.output = output;
        this.residualRelu = residualRelu;
        int depth = chain.depth();
        zRows = new Column[depth][];
        zDepth = new int[depth];
        if (output < -1 || output >= chain.width(depth)) {
            throw new IllegalArgumentException("output " + output + " out of range (the network has "
                    + chain.width(depth) + " outputs)");
        }
        double[][] firstWeights = chain.weights().get(0);
        gram = gram(firstWeights, false);
        gramAbsolute = gram(firstWeights, true);
        // (a residual first layer adds Δx itself to its output: Δx is needed whole)
        reduced = output < 0 && firstWeights.length < firstWeights[0].length && !chain.isResidual(0)
                && positiveDefinite(gram);
        offset = new int[depth];
        int n = reduced ? firstWeights.length : firstWeights[0].length;
        for (int k = 1; k < depth; k++) {
            offset[k] = n;
            n += chain.activations().get(k - 1) instanceof HiddenActivation.Identity ? 0 : chain.width(k);
        }
        coordinates = n;
        columnDepth = reduced ? firstWeights[0].length : 0; // each entry of G is itself a sum
        if (output < 0) {
            rhoStart = 0;
            rhoEnd = reduced ? firstWeights.length : firstWeights[0].length;
            size = n;
            // ρ: the identity on the input block (G in the reduced coordinates).
            List<Column> inputs = new ArrayList<>();
            for (int i = 0; i < inputBlock(); i++) {
                inputs.add(unit(i));
            }
            add(reduced ? new Term(inputs, gram, gramAbsolute) : new Term(inputs, DenseChain.identity(inputs.size())),
                    true);
        } else {
            rhoStart = n; // the coordinate t
            rhoEnd = n + 1;
            size = n + 1;
            add(new Term(List.of(unit(rhoStart)), new double[][] {{2}}), true);
            for (int i = 0; i < chain.width(0); i++) { // τ_i (Δx_i² − t²)
                add(new Term(List.of(unit(i), unit(rhoStart)), new double[][] {{1, 0}, {0, -1}}), true);
            }
        }
        for (int k = 1; k < depth; k++) {
            double[][] w = chain.weights().get(k - 1);
            int first = terms.size();
            HiddenActivation activation = chain.activations().get(k - 1);
            if (residualRelu) {
                addResidualRelu(k, w.length);
            } else if (activation instanceof HiddenActivation.Identity) { // Δz_k = Δv_k, no coordinates
                zRows[k] = new Column[w.length];
                for (int j = 0; j < w.length; j++) {
                    zRows[k][j] = input(k, j);
                }
                setDepth(k, inputDepth(k));
            } else if (activation instanceof HiddenActivation.Relu relu) {
                double a = relu.slope();
                double[][] s = {{2, -(1 + a)}, {-(1 + a), 2 * a}};
                for (int j = 0; j < w.length; j++) {
                    add(new Term(List.of(unit(offset[k] + j), input(k, j)), s), true);
                }
            } else { // GroupSort, or Householder: λ on the norms, γ on the direction the activation keeps
                double[] kept;
                if (activation instanceof HiddenActivation.Householder h) {
                    kept = h.kept();
                    // u⊥'s entries are sin and cos rounded: their error joins the columns' depth
                    columnDepth = Math.max(columnDepth, inputDepth(k) + 6);
                } else {
                    kept = new double[((HiddenActivation.GroupSort) activation).size()];
                    java.util.Arrays.fill(kept, 1);
                }
                int size = kept.length;
                double[][] plusMinus = new double[2 * size][2 * size]; // λ(‖Δz_j‖² − ‖Δv_j‖²)
                for (int i = 0; i < size; i++) {
                    plusMinus[i][i] = 1;
                    plusMinus[size + i][size + i] = -1;
                }
                for (int j = 0; j < w.length; j += size) {
                    List<Column> columns = new ArrayList<>();
                    int[] group = new int[size];
                    for (int i = 0; i < size; i++) {
                        columns.add(unit(offset[k] + j + i));
                        group[i] = offset[k] + j + i;
                    }
                    for (int i = 0; i < size; i++) {
                        columns.add(input(k, j + i));
                    }
                    add(new Term(columns, plusMinus), true);
                    Column sum = new Column(group, kept.clone(), null); // γ((eᵀΔz_j)² − (eᵀΔv_j)²), e = 1 or u⊥
                    add(new Term(List.of(sum, inputSum(k, j, kept)), new double[][] {{1, 0}, {0, -1}}), false);
                    if (chain.isResidual(k - 1)) { // p((eᵀΔw_j)² − (eᵀΔv_j)(eᵀΔw_j))·2: the paper's P
                        add(new Term(List.of(sum, inputSum(k, j, kept)), new double[][] {{2, -1}, {-1, 0}}), false);
                    }
                }
            }
            if (chain.isResidual(k - 1)) { // Δz_k = Δz_{k−1} + Δw_k, the activation's output at offset[k]
                zRows[k] = new Column[w.length];
                for (int j = 0; j < w.length; j++) {
                    Column previous = zRows[k - 1] != null ? zRows[k - 1][j] : unit(offset[k - 1] + j);
                    zRows[k][j] = combine(new Column[] {previous}, new double[] {1}, offset[k] + j, 1);
                }
                setDepth(k, zDepth[k - 1] + 1);
            }
            layerVariables.add(new int[] {first, terms.size()});
        }
        if (output < 0) { // −‖W_L Δz_{L−1}‖²
            double[][] last = chain.weights().get(depth - 1);
            List<Column> rows = new ArrayList<>();
            for (int r = 0; r < last.length; r++) {
                rows.add(input(depth, r));
            }
            double[][] minus = DenseChain.identity(rows.size());
            for (int i = 0; i < minus.length; i++) {
                minus[i][i] = -1;
            }
            constant = new Term(rows, minus);
        } else { // −2t cᵀΔz_{L−1}
            constant = new Term(List.of(unit(rhoStart), input(depth, output)), new double[][] {{0, -1}, {-1, 0}});
        }
    }

    /**
     * The ReLU terms of a rewritten MaxMin layer k, and {@code Δz_k} as combinations: the pair
     * (a, a + 1) has the coordinates {@code Δr_+ = ΔReLU(v_a − v_{a+1})} at {@code offset[k] + a}
     * and {@code Δr_− = ΔReLU(v_{a+1} − v_a)} after it.
     */
    private void addResidualRelu(int k, int width) {
        double[][] slopeZeroOne = {{2, -1}, {-1, 0}}; // the ReLU term with α = 0
        zRows[k] = new Column[width];
        for (int a = 0; a < width; a += 2) {
            int plus = offset[k] + a;
            int minus = plus + 1;
            Column va = input(k, a);
            Column vb = input(k, a + 1);
            add(new Term(List.of(unit(plus), combine(new Column[] {va, vb}, new double[] {1, -1}, -1, 0)), slopeZeroOne),
                    true);
            add(new Term(List.of(unit(minus), combine(new Column[] {va, vb}, new double[] {-1, 1}, -1, 0)), slopeZeroOne),
                    true);
            zRows[k][a] = combine(new Column[] {vb}, new double[] {1}, plus, 1); // max = b + r_+
            zRows[k][a + 1] = combine(new Column[] {vb}, new double[] {1}, minus, -1); // min = b − r_−
        }
        setDepth(k, inputDepth(k));
    }

    /** The longest chain of operations behind a value of {@code input(k, ·)}. */
    private int inputDepth(int k) {
        if (k == 1 && reduced) {
            return chain.width(0);
        }
        return zRows[k - 1] == null ? 0 : zDepth[k - 1] + 2 + chain.width(k - 1);
    }

    /**
     * Records the depth of {@code Δz_k}'s combinations, and a bound for every column built from
     * them: W_{k+1}'s dot products, and sums of those over a group or pair.
     */
    private void setDepth(int k, int depth) {
        zDepth[k] = depth;
        columnDepth = Math.max(columnDepth, depth + 2 + 2 * chain.width(k));
    }

    /**
     * {@code Σ_i c_i columns_i + unitCoefficient · e_unit} as one column over all coordinates, with
     * its absolute form (for the rounding bound); {@code unit} −1 for none.
     */
    private Column combine(Column[] columns, double[] c, int unit, double unitCoefficient) {
        double[] value = new double[coordinates];
        double[] abs = new double[coordinates];
        for (int i = 0; i < columns.length; i++) {
            if (c[i] == 0) {
                continue;
            }
            Column col = columns[i];
            double[] colAbs = absolute(col);
            for (int p = 0; p < col.index().length; p++) {
                value[col.index()[p]] += c[i] * col.value()[p];
                abs[col.index()[p]] += Math.abs(c[i]) * colAbs[p];
            }
        }
        if (unit >= 0) {
            value[unit] += unitCoefficient;
            abs[unit] += Math.abs(unitCoefficient);
        }
        int count = 0;
        for (double v : abs) {
            count += v != 0 ? 1 : 0;
        }
        int[] index = new int[count];
        double[] v = new double[count];
        double[] av = new double[count];
        for (int i = 0, q = 0; i < coordinates; i++) {
            if (abs[i] != 0) {
                index[q] = i;
                v[q] = value[i];
                av[q++] = abs[i];
            }
        }
        return new Column(index, v, av);
    }

    private void add(Term term, boolean nonneg) {
        terms.add(term);
        nonnegative.add(nonneg);
    }

    private static Column unit(int i) {
        return new Column(new int[] {i}, new double[] {1}, null);
    }

    /** Row j of {@code W_k} in the coordinates of {@code z_{k−1}}: {@code Δv_{k,j}} = its product with them. */
    private Column input(int k, int j) {
        if (k == 1 && reduced) {
            return span(0, gram[j].clone(), gramAbsolute[j].clone());
        }
        if (zRows[k - 1] != null) { // Δz_{k−1} is itself a combination (rewritten, residual or linear layer)
            return combine(zRows[k - 1], chain.weights().get(k - 1)[j], -1, 0);
        }
        return span(offset[k - 1], chain.weights().get(k - 1)[j].clone(), null);
    }

    /** Rows j … j+size−1 of {@code W_k} weighted by e and added ({@code eᵀΔv_j}), like {@link #input}. */
    private Column inputSum(int k, int j, double[] e) {
        int size = e.length;
        if (zRows[k - 1] != null) { // combinations need not share their rows
            Column[] rows = new Column[size];
            for (int i = 0; i < size; i++) {
                rows[i] = input(k, j + i);
            }
            return combine(rows, e, -1, 0);
        }
        Column first = input(k, j);
        double[] v = new double[first.value().length];
        double[] abs = new double[v.length];
        for (int r = j; r < j + size; r++) {
            Column row = input(k, r);
            double[] rowAbs = absolute(row);
            double weight = e[r - j];
            for (int i = 0; i < v.length; i++) {
                v[i] += weight * row.value()[i];
                abs[i] += Math.abs(weight) * rowAbs[i];
            }
        }
        return new Column(first.index(), v, abs);
    }

    private static Column span(int start, double[] values, double[] absolute) {
        int[] index = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            index[i] = start + i;
        }
        return new Column(index, values, absolute);
    }

    /** {@code W Wᵀ}, or {@code |W||W|ᵀ}. */
    private static double[][] gram(double[][] w, boolean absolute) {
        double[][] g = new double[w.length][w.length];
        for (int a = 0; a < w.length; a++) {
            for (int b = 0; b <= a; b++) {
                double s = 0;
                for (int c = 0; c < w[a].length; c++) {
                    s += absolute ? Math.abs(w[a][c] * w[b][c]) : w[a][c] * w[b][c];
                }
                g[a][b] = s;
                g[b][a] = s;
            }
        }
        return g;
    }

    /** Whether G is clearly positive definite (else the reduction would leave directions no ρ can fix). */
    private static boolean positiveDefinite(double[][] g) {
        double max = 0;
        for (int i = 0; i < g.length; i++) {
            max = Math.max(max, g[i][i]);
        }
        double[] shift = new double[g.length];
        java.util.Arrays.fill(shift, 1e-8 * max);
        return max > 0 && Cholesky.factor(g, shift) != null;
    }

    /** @return the dimension of M */
    public int size() {
        return size;
    }

    /** @return the width of the input block */
    public int inputBlock() {
        return reduced ? chain.weights().get(0).length : chain.width(0);
    }

    /** @return the first row that ρ's term touches (0 for ℓ2, the coordinate t for ℓ∞) */
    public int rhoStart() {
        return rhoStart;
    }

    /** @return one past the last row that ρ's term touches */
    public int rhoEnd() {
        return rhoEnd;
    }

    /** @return the output j of an ℓ∞ bound, or −1 for ℓ2 */
    public int output() {
        return output;
    }

    /**
     * Turns a proven ρ into the Lipschitz bound: {@code √ρ} (ℓ2) or ρ (ℓ∞), rounded up.
     *
     * @param rho the proven ρ
     * @return the bound
     */
    public double bound(double rho) {
        return rho == 0 ? 0 : output < 0 ? Math.nextUp(Math.sqrt(rho)) : rho;
    }

    /** @return whether the input block is in the reduced coordinates (see the class comment) */
    public boolean reduced() {
        return reduced;
    }

    /**
     * Assembles ρ's term alone: {@code I} or {@code G} on the input block (ℓ2), 2 at t (ℓ∞).
     *
     * @param absolute the bound matrix instead of the values
     * @return the dense matrix
     */
    public double[][] assembleRhoTerm(boolean absolute) {
        double[][] m = new double[size][size];
        accumulate(m, terms.get(0), 1, absolute);
        return m;
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
        // a column's values can themselves be sums (G's entries, a rewritten layer's combinations),
        // and two of them multiply
        count += 2L * columnDepth + 2;
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
                double scale = coefficient * s;
                if (absolute) {
                    scale = Math.abs(coefficient) * (term.sAbsolute() != null ? term.sAbsolute()[p][q] : Math.abs(s));
                }
                Column a = cols.get(p);
                Column b = cols.get(q);
                double[] av = absolute ? absolute(a) : a.value();
                double[] bv = absolute ? absolute(b) : b.value();
                for (int i = 0; i < a.index().length; i++) {
                    double ai = scale * av[i];
                    double[] mrow = m[a.index()[i]];
                    for (int j = 0; j < b.index().length; j++) {
                        mrow[b.index()[j]] += ai * bv[j];
                    }
                }
            }
        }
    }

    private static double[] absolute(Column c) {
        if (c.absolute() != null) {
            return c.absolute();
        }
        double[] abs = new double[c.value().length];
        for (int i = 0; i < abs.length; i++) {
            abs[i] = Math.abs(c.value()[i]);
        }
        return abs;
    }

    /**
     * Returns a strictly feasible point: every layer's multipliers {@code c_k} (γ = 0; for ℓ∞,
     * τ = c_0, the last layer only its row c, and {@code 2ρ − Στ = 1 + δ}) with
     * {@code c_{L−1} = 2‖W_L‖_F² + δ}, {@code c_{k−1} = 2 c_k ‖W_k‖_F² + δ}, {@code ρ = 2 c_1
     * ‖W_1‖_F² + δ}. Each block's diagonal then beats its coupling to the next by the factor 2
     * (for ReLU the cross terms are split by {@code 2ab ≤ a² + b²}).
     *
     * @return the variables
     */
    public double[] strictlyFeasiblePoint() {
        if (residualRelu || chain.residual().contains(true)) {
            return chargedFeasiblePoint();
        }
        int depth = chain.depth();
        double[] c = new double[depth];
        double next = 1;
        for (int k = depth - 1; k >= 0; k--) {
            double[][] w = chain.weights().get(k);
            double f = frobeniusSquared(k == depth - 1 && output >= 0 ? new double[][] {w[output]} : w);
            c[k] = 2 * next * f + 1e-3 * (1 + next * f);
            next = c[k];
        }
        double[] x = new double[terms.size()];
        if (output < 0) {
            x[0] = c[0];
        } else { // τ_i = c_0; the t diagonal 2ρ − Στ = 1 + δ beats half of c_{L−1} ≥ 2‖c‖²
            int inputs = chain.width(0);
            for (int i = 1; i <= inputs; i++) {
                x[i] = c[0];
            }
            x[0] = (inputs * c[0] + 1 + 1e-3) / 2;
        }
        for (int k = 1; k < depth; k++) {
            int[] range = layerVariables.get(k - 1);
            for (int i = range[0]; i < range[1]; i++) {
                x[i] = nonnegative(i) ? c[k] : 0;
            }
        }
        return x;
    }

    /**
     * A strictly feasible point for chains with residual or rewritten layers, by charging each
     * layer's coupling to the earlier coordinates. With γ = p = 0 and one multiplier {@code c_k}
     * per layer, each layer's terms are at least {@code c_k(q_k − β_k F_k ‖Δz_{k−1}‖²)}, where
     * {@code q_k} is the squared norm of the layer's own coordinates, {@code F_k = ‖W_k‖_F²} bounds
     * {@code ‖Δv_k‖² ≤ F_k‖Δz_{k−1}‖²}, and β is 1 for GroupSort ({@code λ(‖Δw‖² − ‖Δv‖²)}), 2 for
     * ReLU ({@code −2(1+α)wv ≥ −w² − (1+α)²v²}) and 4 for a rewritten pair
     * ({@code −2tΔrΔd ≥ −t(Δr² + Δd²)}, {@code ‖Δd‖² ≤ 4‖Δv‖²}). The state is bounded by
     * {@code ‖Δz_k‖² ≤ Σ_i A[k][i] q_i}: its own coordinates (A = 1), a dense layer without
     * activation ({@code F_k A[k−1]}), a residual layer ({@code ‖Δz + Δw‖² ≤ 2‖Δz‖² + 2‖Δw‖²}), a
     * rewritten pair ({@code (v_b + r_+)² + (v_b − r_−)² ≤ 4v_b² + 2(r_+² + r_−²)}). ℓ∞ splits
     * {@code −2t cᵀΔz ≥ −t² − ‖c‖²‖Δz‖²}. Each {@code c_i} (then ρ, or τ) is chosen from the back to
     * leave a small positive margin on every {@code q_i}.
     */
    private double[] chargedFeasiblePoint() {
        int depth = chain.depth();
        double[] f = new double[depth + 1];
        double[] beta = new double[depth];
        for (int k = 1; k <= depth; k++) {
            double[][] w = chain.weights().get(k - 1);
            f[k] = frobeniusSquared(k == depth && output >= 0 ? new double[][] {w[output]} : w);
            if (k < depth) {
                HiddenActivation a = chain.activations().get(k - 1);
                beta[k] = residualRelu ? 4 : a instanceof HiddenActivation.Relu ? 2
                        : a instanceof HiddenActivation.GroupSort || a instanceof HiddenActivation.Householder ? 1 : 0;
            }
        }
        double[][] a = new double[depth][depth];
        a[0][0] = 1;
        for (int k = 1; k < depth; k++) {
            if (residualRelu) {
                for (int i = 0; i < k; i++) {
                    a[k][i] = 4 * f[k] * a[k - 1][i];
                }
                a[k][k] = 2;
            } else if (chain.isResidual(k - 1)) {
                for (int i = 0; i < k; i++) {
                    a[k][i] = 2 * a[k - 1][i];
                }
                a[k][k] = 2;
            } else if (chain.activations().get(k - 1) instanceof HiddenActivation.Identity) {
                for (int i = 0; i < k; i++) {
                    a[k][i] = f[k] * a[k - 1][i];
                }
            } else {
                a[k][k] = 1;
            }
        }
        double[] c = new double[depth]; // c[0] is ρ's (or τ's) coefficient
        for (int i = depth - 1; i >= 0; i--) {
            double need = f[depth] * a[depth - 1][i];
            for (int k = i + 1; k < depth; k++) {
                need += beta[k] * c[k] * f[k] * a[k - 1][i];
            }
            c[i] = need + 1e-3 * (1 + need);
        }
        double[] x = new double[terms.size()];
        if (output < 0) {
            x[0] = c[0];
        } else {
            int inputs = chain.width(0);
            for (int i = 1; i <= inputs; i++) {
                x[i] = c[0];
            }
            x[0] = (inputs * c[0] + 1 + 1e-3) / 2; // 2ρ − Στ = 1 + δ beats the t² of the split
        }
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
