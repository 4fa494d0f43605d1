package org.lipreg.training.runner;

import org.lipreg.training.io.NumberText;

import java.util.Locale;
import java.util.Map;

/**
 * Progress as plain lines on standard output, for logs and CI: about ten lines per epoch and one
 * summary line at its end.
 */
final class LogLineProgress implements TrainingProgress {

    private int epoch;
    private int epochs;
    private int batches;
    private int nextReport;

    @Override
    public void epochStarted(int epoch, int epochs, int batches) {
        this.epoch = epoch;
        this.epochs = epochs;
        this.batches = batches;
        this.nextReport = Math.max(1, batches / 10);
    }

    @Override
    public void batchFinished(int batch, float loss, double examplesPerSecond) {
        if (batch >= nextReport || batch == batches) {
            System.out.printf(
                    Locale.ROOT,
                    "epoch %d/%d  batch %d/%d  loss %.4f  %.0f ex/s%n",
                    epoch,
                    epochs,
                    batch,
                    batches,
                    loss,
                    examplesPerSecond);
            nextReport = batch + Math.max(1, batches / 10);
        }
    }

    @Override
    public void epochFinished(EpochMetrics metrics) {
        System.out.println(describe(metrics));
    }

    static String describe(EpochMetrics metrics) {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, Double> e : metrics.values().entrySet()) {
            if (sb.length() > 0) {
                sb.append("  ");
            }
            sb.append(e.getKey()).append(' ').append(NumberText.display(e.getKey(), e.getValue(), 4));
        }
        return sb.toString();
    }
}
