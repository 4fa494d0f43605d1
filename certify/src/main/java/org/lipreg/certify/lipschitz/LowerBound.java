package org.lipreg.certify.lipschitz;

/**
 * The best {@code ‖∇(c_j·f)(x)‖₁} found in the box per spec row: a lower bound on the local
 * Lipschitz constant, to sandwich the certified upper bound.
 *
 * @param perSpec the largest gradient norm found per row
 * @param points per row, a point of the box where that norm is attained
 * @param seconds wall time
 * @param evaluations gradients evaluated
 */
public record LowerBound(double[] perSpec, double[][] points, double seconds, long evaluations) {

    /**
     * Returns the bound reduced over spec rows.
     *
     * @return the maximum
     */
    public double max() {
        return java.util.Arrays.stream(perSpec).max().orElse(Double.NEGATIVE_INFINITY);
    }
}
