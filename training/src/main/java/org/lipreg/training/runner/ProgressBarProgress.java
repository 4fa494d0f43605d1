package org.lipreg.training.runner;

import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

import java.util.Locale;

/** A progress bar per epoch on the terminal: batches done, loss, examples per second. */
final class ProgressBarProgress implements TrainingProgress {

    private ProgressBar bar;

    @Override
    public void epochStarted(int epoch, int epochs, int batches) {
        bar =
                new ProgressBarBuilder()
                        .setTaskName(String.format(Locale.ROOT, "epoch %d/%d", epoch, epochs))
                        .setInitialMax(batches)
                        .setStyle(ProgressBarStyle.ASCII)
                        .setUpdateIntervalMillis(250)
                        .continuousUpdate()
                        .build();
    }

    @Override
    public void batchFinished(int batch, float loss, double examplesPerSecond) {
        bar.stepTo(batch);
        bar.setExtraMessage(
                String.format(Locale.ROOT, "loss %.4f  %.0f ex/s", loss, examplesPerSecond));
    }

    @Override
    public void epochFinished(EpochMetrics metrics) {
        closeBar();
        System.out.println(LogLineProgress.describe(metrics));
    }

    @Override
    public void fitEnded() {
        // A bar left open mid-epoch keeps redrawing itself over whatever is printed next.
        closeBar();
    }

    private void closeBar() {
        if (bar != null) {
            bar.close();
            bar = null;
        }
    }
}
