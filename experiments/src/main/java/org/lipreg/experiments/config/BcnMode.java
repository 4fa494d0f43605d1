package org.lipreg.experiments.config;

import org.lipreg.normalization.groupnorm.BatchChannelNorm;

/** {@code model.bcnMode} and a {@code bcn} layer's {@code mode}: BCN's first step. */
public enum BcnMode implements Choice {

    /** Micro-batch at small batch sizes, batch norm otherwise. */
    AUTO("auto", "micro when data.batchSize is at most " + BcnMode.MICRO_BATCH_LIMIT + ", else large"),

    /** Estimated statistics. */
    MICRO("micro", "estimated statistics updated with moving speed max(r, 1/t), no gradient through them"),

    /** Batch norm. */
    LARGE("large", "ordinary batch norm first");

    /** Batch sizes up to this use micro-batch BCN in {@code auto} mode. */
    public static final int MICRO_BATCH_LIMIT = 8;

    private final String id;
    private final String meaning;

    BcnMode(String id, String meaning) {
        this.id = id;
        this.meaning = meaning;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String meaning() {
        return meaning;
    }

    /**
     * Returns the layer's mode at a batch size.
     *
     * @param batchSize the training batch size
     * @return the mode
     */
    public BatchChannelNorm.Mode resolve(int batchSize) {
        return switch (this) {
            case MICRO -> BatchChannelNorm.Mode.MICRO_BATCH;
            case LARGE -> BatchChannelNorm.Mode.LARGE_BATCH;
            case AUTO -> batchSize <= MICRO_BATCH_LIMIT ? BatchChannelNorm.Mode.MICRO_BATCH : BatchChannelNorm.Mode.LARGE_BATCH;
        };
    }
}
