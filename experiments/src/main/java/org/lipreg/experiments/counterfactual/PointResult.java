package org.lipreg.experiments.counterfactual;

import org.lipreg.certify.counterfactual.StabilityEstimate;

/**
 * One counterfactual of one point, evaluated.
 *
 * @param point the counterfactual (standardized features), or null if none was found
 * @param costL2 ℓ2 distance from the original point (standardized units)
 * @param costL1 ℓ1 distance from the original point
 * @param valid true if the model gives the target class
 * @param stability R̂ and its Lipschitz form (evaluation noise, independent of the search's)
 * @param retrainedValidity fraction of the retrained models that give the target class (NaN without)
 */
public record PointResult(double[] point, double costL2, double costL1, boolean valid, StabilityEstimate stability,
        double retrainedValidity) {

    /**
     * The row of a point for which no counterfactual was found.
     *
     * @return a result with NaN numbers
     */
    public static PointResult missing() {
        return new PointResult(null, Double.NaN, Double.NaN, false, null, Double.NaN);
    }

    /**
     * The same result with the retrained validity filled in.
     *
     * @param fraction the fraction of retrained models giving the target class
     * @return the new result
     */
    public PointResult withRetrainedValidity(double fraction) {
        return new PointResult(point, costL2, costL1, valid, stability, fraction);
    }
}
