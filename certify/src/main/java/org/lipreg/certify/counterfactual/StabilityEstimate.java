package org.lipreg.certify.counterfactual;

/**
 * R̂ at a point and its Lipschitz form, computed with the same samples.
 *
 * @param sampled the Monte-Carlo R̂
 * @param lipschitz {@code (1/K) Σ [m(X_i) − γ ‖x − X_i‖₂]}, NaN when no γ was given
 * @param gamma the constant used, or null
 * @param center m(x)
 * @param samples m(X_i) for each sample
 */
public record StabilityEstimate(double sampled, double lipschitz, LocalConstant gamma, double center,
        double[] samples) {

    /** @return "certified", "sampled", or "none" when no γ was given */
    public String lipschitzKind() {
        return gamma == null ? "none" : gamma.kind();
    }
}
