package org.lipreg.training.runner;

/** Receives the runner's progress: a bar on a terminal, log lines elsewhere, nothing in tests. */
public interface TrainingProgress {

    /**
     * An epoch's training pass begins.
     *
     * @param epoch the 1-based epoch
     * @param epochs the total number of epochs
     * @param batches the number of batches in the pass
     */
    default void epochStarted(int epoch, int epochs, int batches) {}

    /**
     * A training batch finished.
     *
     * @param batch the 1-based batch
     * @param loss the batch's loss
     * @param examplesPerSecond throughput over the epoch so far
     */
    default void batchFinished(int batch, float loss, double examplesPerSecond) {}

    /**
     * An epoch finished, evaluation included.
     *
     * @param metrics its metrics
     */
    default void epochFinished(EpochMetrics metrics) {}

    /** Training ended, normally or by an exception mid-epoch: put away anything still drawn. */
    default void fitEnded() {}

    /** Progress that reports nothing. */
    TrainingProgress SILENT = new TrainingProgress() {};

    /**
     * Chooses the progress display for this process: a progress bar when standard output is a
     * terminal, plain log lines otherwise (CI, redirected output).
     *
     * @return the progress display
     */
    static TrainingProgress forConsole() {
        return System.console() != null ? new ProgressBarProgress() : new LogLineProgress();
    }
}
