package org.lipreg.certify.lipschitz;

/**
 * The certified ℓ∞ robustness radius from margins and local Lipschitz constants (DESIGN §4.3.7).
 * For the predicted class y and every other class j, the margin {@code m_j = f_y(x0) − f_j(x0)}
 * can drop by at most {@code L_j ‖δ‖∞} inside the box, where {@code L_j} bounds
 * {@code ‖∇(f_y − f_j)‖₁} over the box; so the prediction cannot change within
 * {@code r = min(ε, min_j m_j / L_j)} (perturbations that stay inside the data domain).
 */
public final class RobustnessRadius {

    private RobustnessRadius() {}

    /**
     * Computes the radius.
     *
     * @param margins {@code m_j} for every {@code j ≠ y}, in the order of
     *     {@link LipschitzCertifier#marginSpecs}
     * @param constants the certified {@code L_j}, same order
     * @param epsilon the box radius the constants hold on
     * @return the certified radius, 0 when some margin is not positive
     */
    public static double of(double[] margins, double[] constants, double epsilon) {
        double r = epsilon;
        for (int j = 0; j < margins.length; j++) {
            if (!(margins[j] > 0)) {
                return 0;
            }
            if (constants[j] > 0) {
                // Rounded down, so the radius is strictly inside what the quotient certifies.
                r = Math.min(r, Math.nextDown(margins[j] / constants[j]));
            }
        }
        return r;
    }
}
