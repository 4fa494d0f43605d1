package org.lipreg.experiments.quickstart;

import org.lipreg.experiments.run.MetricsTables;
import org.lipreg.experiments.run.RunExecutor;
import org.lipreg.experiments.run.RunResult;
import org.lipreg.training.runner.EpochMetrics;
import org.lipreg.training.runner.TrainingProgress;

import java.nio.file.Path;

/** Trains the configured model and records its final metrics. */
final class TrainStage implements QuickstartStage {

    @Override
    public String name() {
        return "train";
    }

    @Override
    public void run(QuickstartContext context) throws Exception {
        RunResult result = new RunExecutor(TrainingProgress.forConsole(), Path.of(""))
                .run(context.config(), context.runDirectory(), false);
        context.setTraining(result);
        context.out().println(MetricsTables.fromHistory("epochs", result.training().history()).print());
        EpochMetrics last = result.training().last();
        context.record(name(), "test accuracy", last.get("test_accuracy"));
        context.record(name(), "test loss", last.get("test_loss"));
        context.record(name(), "seconds", result.training().history().stream().mapToDouble(m -> m.get("seconds")).sum());
    }
}
