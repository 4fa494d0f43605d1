package org.lipreg.certify.lipschitz;

/**
 * Input gradients of {@code c·f} at given points: all the sampled lower bounds need, so that
 * they run on any model, including those the IR cannot represent.
 */
public interface GradientOracle {

    /**
     * Returns the input length.
     *
     * @return n0
     */
    int inputSize();

    /**
     * Returns the output length.
     *
     * @return the number of outputs
     */
    int outputSize();

    /**
     * Returns {@code ∇(spec[r]·f)(x[r])} for each row r.
     *
     * @param x points, flat
     * @param spec one spec row per point
     * @return the gradients, flat
     */
    double[][] gradients(double[][] x, double[][] spec);

    /**
     * Returns the outputs {@code f(x[r])}.
     *
     * @param x points, flat
     * @return the outputs
     */
    double[][] outputs(double[][] x);
}
