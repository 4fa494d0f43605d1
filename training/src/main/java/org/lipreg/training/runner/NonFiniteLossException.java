package org.lipreg.training.runner;

/** Thrown when a loss becomes NaN or infinite; training stops and earlier checkpoints stay. */
public final class NonFiniteLossException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** The 1-based epoch of the non-finite loss. */
    private final int epoch;
    /** The 1-based batch within the epoch, or 0 for an epoch-level value. */
    private final int batch;

    /**
     * Creates the exception.
     *
     * @param what which loss ("training loss", "test loss")
     * @param value the offending value
     * @param epoch the 1-based epoch
     * @param batch the 1-based batch within the epoch, or 0 for an epoch-level value
     */
    public NonFiniteLossException(String what, float value, int epoch, int batch) {
        super(
                "non-finite "
                        + what
                        + " ("
                        + value
                        + ") at epoch "
                        + epoch
                        + (batch > 0 ? ", batch " + batch : "")
                        + "; training stopped. Lower the learning rate or check the data.");
        this.epoch = epoch;
        this.batch = batch;
    }

    /**
     * Returns the 1-based epoch in which the loss became non-finite.
     *
     * @return the epoch
     */
    public int getEpoch() {
        return epoch;
    }

    /**
     * Returns the 1-based batch, or 0 when the value was an epoch-level evaluation.
     *
     * @return the batch
     */
    public int getBatch() {
        return batch;
    }
}
