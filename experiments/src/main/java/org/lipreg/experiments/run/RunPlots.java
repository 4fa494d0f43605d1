package org.lipreg.experiments.run;

import org.lipreg.training.runner.EpochListener;
import org.lipreg.training.runner.EpochMetrics;

import java.nio.file.Path;
import java.util.List;

/**
 * The learning curves of a training run, redrawn after every epoch so that a run stopped or
 * killed later has them: {@code loss.png} and {@code accuracy.png}, or for a language model
 * {@code loss.png} and {@code perplexity.png}. Each is written atomically; a failure to draw one
 * is reported once and never fails the run ({@link BestEffortPlots}).
 */
final class RunPlots implements EpochListener {

    /** One PNG: its file name, title, y-axis label and the metric columns it draws. */
    private record Curve(String file, String title, String yLabel, List<String> columns) {}

    private static final List<Curve> CLASSIFIER = List.of(
            new Curve("loss.png", "Loss", "cross-entropy", List.of("train_loss", "test_loss")),
            new Curve("accuracy.png", "Accuracy", "accuracy", List.of("train_accuracy", "test_accuracy")));

    private static final List<Curve> LANGUAGE_MODEL = List.of(
            new Curve("loss.png", "Loss", "cross-entropy (nats per token)", List.of("train_loss", "test_loss")),
            new Curve("perplexity.png", "Perplexity", "perplexity", List.of("train_perplexity", "test_perplexity")));

    private final Path runDir;
    private final List<Curve> curves;
    private final BestEffortPlots plots = new BestEffortPlots();

    private RunPlots(Path runDir, List<Curve> curves) {
        this.runDir = runDir;
        this.curves = curves;
    }

    /** The plots of an image or tabular classifier: loss and accuracy. */
    static RunPlots classifier(Path runDir) {
        return new RunPlots(runDir, CLASSIFIER);
    }

    /** The plots of a language model: loss (nats per token) and perplexity. */
    static RunPlots languageModel(Path runDir) {
        return new RunPlots(runDir, LANGUAGE_MODEL);
    }

    @Override
    public void epochWritten(List<EpochMetrics> history) {
        for (Curve c : curves) {
            Path file = runDir.resolve(c.file());
            plots.draw(file.toString(), () -> Plots.curves(history, c.title(), c.yLabel(), c.columns(), file));
        }
    }
}
