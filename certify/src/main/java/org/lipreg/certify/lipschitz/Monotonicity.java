package org.lipreg.certify.lipschitz;

/** What a derivative's bounds prove about the sign of {@code ∂f_j/∂x_i} over a box. */
public enum Monotonicity {
    /** The lower bound is ≥ 0: f_j does not decrease along x_i anywhere in the box. */
    INCREASING,
    /** The upper bound is ≤ 0: f_j does not increase along x_i. */
    DECREASING,
    /** The bounds straddle 0: nothing is proven. */
    UNPROVEN;

    /**
     * Classifies derivative bounds.
     *
     * @param lower the lower bound on the derivative over the box
     * @param upper the upper bound
     * @return the verdict (both when the derivative is identically 0: increasing)
     */
    public static Monotonicity of(double lower, double upper) {
        if (lower >= 0) {
            return INCREASING;
        }
        if (upper <= 0) {
            return DECREASING;
        }
        return UNPROVEN;
    }

    @Override
    public String toString() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
