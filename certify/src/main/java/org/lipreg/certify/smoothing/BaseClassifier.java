package org.lipreg.certify.smoothing;

/**
 * The classifier being smoothed, seen only through its logits on noisy copies of an input.
 * Noise is added to the raw input (before any normalization the model does itself), as the
 * certificate's radius is measured in that space.
 */
public interface BaseClassifier {

    /**
     * Returns the number of classes.
     *
     * @return K
     */
    int numClasses();

    /**
     * Returns the number of input values of one example.
     *
     * @return the flattened input size
     */
    int inputSize();

    /**
     * Evaluates the model on {@code count} copies of {@code x + N(0, σ² I)}, fresh noise each.
     *
     * @param x the input, flattened
     * @param sigma the noise level σ &gt; 0
     * @param count the number of copies
     * @param sink receives the logits batch by batch
     */
    void sample(float[] x, double sigma, int count, LogitsSink sink);

    /**
     * Makes the following noise reproducible.
     *
     * @param seed the seed
     */
    void seed(long seed);
}
