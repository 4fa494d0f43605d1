package org.lipreg.certify.smoothing;

/** Receives the logits of a batch of noisy copies of one input. */
@FunctionalInterface
public interface LogitsSink {

    /**
     * Takes one batch.
     *
     * @param logits {@code rows × numClasses} values, row-major; only valid during the call
     * @param rows the number of noisy copies in this batch
     */
    void accept(float[] logits, int rows);
}
