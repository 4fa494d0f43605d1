package org.lipreg.certify.lipschitz;

/**
 * A certified upper bound on the local ℓ∞ Lipschitz constant, {@code max ‖∇(c_j·f)(x)‖₁} over
 * the box and the Clarke gradients, for each spec row {@code c_j}.
 *
 * @param method how it was computed
 * @param perSpec the bound for each spec row
 * @param seconds wall time
 * @param domains branch-and-bound domains evaluated (1 per spec row otherwise)
 * @param complete true when branch-and-bound closed every domain of every row, so each row's value
 *     is exact up to the relaxation of leaves (always true for the other methods, which have no
 *     budget)
 * @param maxComplete true when the maximum over the rows is settled: no row's bound exceeds the
 *     largest attained value, so {@link #max()} is exact even if some smaller row is not (always
 *     true for the other methods)
 * @param witnesses per spec row, a point inside the activation region where branch-and-bound
 *     found its largest exact leaf, or null: evaluating the gradient there gives a lower bound
 */
public record LipschitzBound(Method method, double[] perSpec, double seconds, long domains, boolean complete,
        boolean maxComplete, double[][] witnesses) {

    /**
     * A bound without witnesses.
     *
     * @param method how it was computed
     * @param perSpec the bound for each spec row
     * @param seconds wall time
     * @param domains domains evaluated
     * @param complete whether branch-and-bound finished
     */
    public LipschitzBound(Method method, double[] perSpec, double seconds, long domains, boolean complete) {
        this(method, perSpec, seconds, domains, complete, complete, new double[perSpec.length][]);
    }

    /**
     * Returns the bound reduced over spec rows.
     *
     * @return {@code max_j perSpec[j]}
     */
    public double max() {
        return java.util.Arrays.stream(perSpec).max().orElse(Double.NEGATIVE_INFINITY);
    }
}
