package org.lipreg.training.runner;

/**
 * Training stopped because a {@link StopRequest} asked it to. The epoch it stopped in is lost;
 * the checkpoints of the finished epochs stay, and a resumed run continues after {@link
 * #lastCheckpointEpoch()} and reaches the same metrics as one that never stopped.
 */
public final class TrainingInterruptedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** The 1-based epoch training stopped in. */
    private final int epoch;
    /** The batches of that epoch that were trained. */
    private final int batchesDone;
    /** The batches an epoch has. */
    private final int batchesInEpoch;
    /** The epoch of the newest checkpoint, 0 if there is none. */
    private final int lastCheckpointEpoch;

    /**
     * Creates the exception.
     *
     * @param epoch the 1-based epoch it stopped in
     * @param batchesDone the batches of that epoch that were trained
     * @param batchesInEpoch the batches an epoch has
     * @param lastCheckpointEpoch the epoch of the newest checkpoint, 0 if there is none
     */
    public TrainingInterruptedException(int epoch, int batchesDone, int batchesInEpoch, int lastCheckpointEpoch) {
        super("training stopped on request in epoch " + epoch + " after " + batchesDone + " of "
                + batchesInEpoch + " batches; "
                + (lastCheckpointEpoch > 0
                        ? "the checkpoint of epoch " + lastCheckpointEpoch + " is kept"
                        : "no epoch had finished, so there is no checkpoint"));
        this.epoch = epoch;
        this.batchesDone = batchesDone;
        this.batchesInEpoch = batchesInEpoch;
        this.lastCheckpointEpoch = lastCheckpointEpoch;
    }

    /**
     * The 1-based epoch training stopped in.
     *
     * @return the epoch
     */
    public int epoch() {
        return epoch;
    }

    /**
     * How many batches of that epoch were trained before the stop.
     *
     * @return the batches trained in that epoch
     */
    public int batchesDone() {
        return batchesDone;
    }

    /**
     * How many batches an epoch has.
     *
     * @return the batches per epoch
     */
    public int batchesInEpoch() {
        return batchesInEpoch;
    }

    /**
     * The epoch of the newest checkpoint (where a resume continues from), 0 if none.
     *
     * @return the epoch, or 0
     */
    public int lastCheckpointEpoch() {
        return lastCheckpointEpoch;
    }
}
