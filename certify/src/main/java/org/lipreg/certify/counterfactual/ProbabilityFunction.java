package org.lipreg.certify.counterfactual;

/**
 * A batch of points to probabilities: what {@link Stability} needs of a model, so that it runs on
 * a DJL model ({@link ClassProbability}) as well as on a closed form in tests.
 */
@FunctionalInterface
public interface ProbabilityFunction {

    /**
     * Evaluates m at points.
     *
     * @param x the points, flat
     * @return m at each
     */
    double[] at(double[][] x);
}
