package org.lipreg.certify.lipschitz;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import org.lipreg.normalization.engine.Scalars;

import java.util.List;

/**
 * A branch-and-bound domain's splits as linear constraints on the input, and CROWN bounds that
 * use them (the β of β-CROWN, Wang et al. 2021).
 *
 * <p>A split neuron k of an earlier activation with linear bounds {@code L_k(x) ≤ z_k(x) ≤ U_k(x)}
 * on the box gives a constraint that every point of the domain satisfies: active ({@code z_k ≥ 0})
 * {@code U_k(x) ≥ 0}, inactive ({@code z_k ≤ 0}) {@code −L_k(x) ≥ 0}; for the first layer both
 * are the exact half-space. Written {@code g(x) = G x + g0 ≥ 0}, any {@code β ≥ 0} gives
 * {@code max_{x ∈ domain} a·x + c ≤ max_{x ∈ box} (a + βG)·x + c + β·g0}, a bound that is sound
 * for every β; projected Adam steps on β lower it and the smallest value seen is kept, so the
 * result is never looser than plain CROWN on the same relaxations (β = 0). (Later layers' relaxations
 * then change with the tighter bounds, and CROWN is not monotone in them, so a later bound can come
 * out looser; branch-and-bound keeps each domain's bound no larger than its parent's anyway.)
 * Without this, a domain's splits only fix
 * their own neurons' relaxations, and the neurons after them keep the bounds of the whole box.
 *
 * <p>Arrays are created in the current {@code NDScope}.
 */
final class SplitConstraints {

    /** Adam's step on β (in units of each row's ℓ1 norm): 0.3 beat 0.03, 0.1 and 1 on the bench MLP. */
    private static final double LEARNING_RATE = 0.3;
    private static final double BETA1 = 0.9;
    private static final double BETA2 = 0.999;

    /** Constraint rows {@code (D, m, inputs)}, each scaled to unit ℓ1 norm (the set is unchanged). */
    private final NDArray rows;
    /** Constraint constants {@code (D, m)}, scaled with their rows. */
    private final NDArray constants;
    private final int steps;

    private SplitConstraints(NDArray rows, NDArray constants, int steps) {
        this.rows = rows;
        this.constants = constants;
        this.steps = steps;
    }

    /**
     * The linear bounds of one activation's pre-activation z over the box, as CROWN found them.
     *
     * @param node the activation node
     * @param coefficients {@code (D or 1, 2n, inputs)}: rows 0…n−1 bound z above, rows n…2n−1
     *     bound −z above
     * @param constant {@code (D or 1, 2n)}
     */
    record Linear(int node, NDArray coefficients, NDArray constant) {}

    /**
     * Gathers the constraints of the splits at the given earlier activations.
     *
     * @param earlier the earlier activations' linear bounds
     * @param splits per activation node, the domains' splits {@code (D, n)} as +1, −1, 0, read
     *     into Java arrays
     * @param domains D
     * @param steps the number of steps on β
     * @param manager the manager for new arrays
     * @return the constraints, or null when no domain has a split among them
     */
    static SplitConstraints gather(List<Linear> earlier, java.util.Map<Integer, double[]> splits, int domains,
            int steps, NDManager manager) {
        if (steps == 0) {
            return null;
        }
        // Per earlier activation and domain, the rows of its linear bounds that are constraints:
        // row j (U_j ≥ 0) for an active split, row n + j (−L_j ≥ 0) for an inactive one.
        int[][][] picked = new int[earlier.size()][domains][];
        int[] count = new int[domains];
        for (int k = 0; k < earlier.size(); k++) {
            double[] split = splits.get(earlier.get(k).node());
            int n = split == null ? 0 : split.length / domains;
            for (int d = 0; d < domains; d++) {
                int base = d * n;
                picked[k][d] = java.util.stream.IntStream.range(0, n).filter(j -> split[base + j] != 0)
                        .map(j -> split[base + j] > 0 ? j : n + j).toArray();
                count[d] += picked[k][d].length;
            }
        }
        int m = java.util.Arrays.stream(count).max().orElse(0);
        if (m == 0) {
            return null;
        }
        NDArray rows = null;
        NDArray constants = null;
        int[] filled = new int[domains];
        for (int k = 0; k < earlier.size(); k++) {
            Linear linear = earlier.get(k);
            long width = linear.constant().getShape().get(1); // 2n
            // A one-hot selection (D, m, 2n) picks each domain's constraint rows; padding rows
            // stay zero, the constraint 0 ≥ 0.
            double[] select = new double[(int) (domains * m * width)];
            boolean any = false;
            for (int d = 0; d < domains; d++) {
                for (int row : picked[k][d]) {
                    select[(int) ((d * m + filled[d]++) * width + row)] = 1;
                    any = true;
                }
            }
            if (!any) {
                continue;
            }
            NDArray selection = manager.create(select, new Shape(domains, m, width));
            NDArray r = selection.matMul(linear.coefficients());
            NDArray c = selection.matMul(linear.constant().expandDims(2)).squeeze(2);
            rows = rows == null ? r : rows.add(r);
            constants = constants == null ? c : constants.add(c);
        }
        NDArray scale = rows.abs().sum(new int[] {2}).add(1e-30);
        return new SplitConstraints(rows.div(scale.expandDims(2)), constants.div(scale), steps);
    }

    /**
     * Upper bounds of {@code λ·x + c} over each domain's points: rows of {@code λ} bound
     * different quantities, each gets its own β.
     *
     * @param lambda the coefficients {@code (D, r, inputs)}
     * @param constant the constants {@code (D, r)}
     * @param xl the box's lower corner {@code (1, inputs)}
     * @param xu the box's upper corner {@code (1, inputs)}
     * @param deadline checked before each step on β
     * @return the bounds {@code (D, r)}, each no larger than without the constraints
     * @throws Deadline.Passed when the deadline passes before the steps are done
     */
    NDArray upperBounds(NDArray lambda, NDArray constant, NDArray xl, NDArray xu, Deadline deadline) {
        NDArray lo = xl.expandDims(1);
        NDArray width = xu.sub(xl).expandDims(1);
        // β in units of its row's ℓ1 norm, so that one step size suits every row.
        NDArray rowScale = lambda.abs().sum(new int[] {2}).expandDims(2);
        NDArray rowsT = rows.transpose(0, 2, 1);
        long[] shape = {Math.max(lambda.getShape().get(0), rows.getShape().get(0)), lambda.getShape().get(1),
            rows.getShape().get(1)};
        NDArray beta = lambda.getManager().zeros(new Shape(shape), DataType.FLOAT64);
        NDArray first = beta.zerosLike();
        NDArray second = beta.zerosLike();
        NDArray best = null;
        for (int t = 0; t <= steps; t++) {
            deadline.check();
            NDArray scaled = beta.mul(rowScale);
            NDArray coefficients = t == 0 ? lambda : lambda.add(scaled.matMul(rows));
            NDArray corner = coefficients.gt(0).toType(DataType.FLOAT64, false);
            NDArray x = lo.add(corner.mul(width));
            NDArray value = constant.add(coefficients.mul(x).sum(new int[] {2}));
            if (t > 0) {
                value = value.add(scaled.mul(constants.expandDims(1)).sum(new int[] {2}));
            }
            best = best == null ? value : best.minimum(value);
            if (t == steps) {
                break;
            }
            // ∂/∂β of the bound: the constraints' values at the maximizing corner.
            NDArray gradient = x.matMul(rowsT).add(constants.expandDims(1));
            first = Scalars.mul(first, BETA1).add(Scalars.mul(gradient, 1 - BETA1));
            second = Scalars.mul(second, BETA2).add(Scalars.mul(gradient.square(), 1 - BETA2));
            double stepSize = LEARNING_RATE * Math.sqrt(1 - Math.pow(BETA2, t + 1)) / (1 - Math.pow(BETA1, t + 1));
            NDArray step = first.div(second.sqrt().add(1e-12));
            beta = Scalars.maximum(beta.sub(Scalars.mul(step, stepSize)), 0);
        }
        return best;
    }
}
