package org.lipreg.training.runner;

import java.nio.file.Path;
import java.util.List;

/**
 * What a finished run produced.
 *
 * @param history the metrics of every epoch, oldest first (including epochs before a resume)
 * @param resumedFromEpoch the number of epochs restored from a checkpoint (0 for a fresh run)
 * @param lastCheckpoint the newest checkpoint file
 * @param seconds wall time of this invocation
 */
public record TrainingResult(
        List<EpochMetrics> history, int resumedFromEpoch, Path lastCheckpoint, double seconds) {

    /**
     * Returns the last epoch's metrics.
     *
     * @return the final metrics
     */
    public EpochMetrics last() {
        return history.get(history.size() - 1);
    }
}
