package org.lipreg.experiments.cli;

import org.lipreg.experiments.config.RunConfig;
import org.lipreg.experiments.config.RunConfigs;
import org.lipreg.experiments.run.MetricsTables;
import org.lipreg.experiments.run.RunExecutor;
import org.lipreg.experiments.run.RunResult;
import org.lipreg.training.runner.TrainingProgress;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code lipreg train}: one run from a config file. */
@Command(
        name = "train",
        mixinStandardHelpOptions = true,
        description = "Train a model from a JSON or YAML config into a run directory.",
        footer = {
            "",
            "Exit codes: 0 done, 1 failure, 2 bad config/data/directory (nothing written), 3 diverged.",
            "Example: lipreg train --config experiments/configs/mnist-cnn.yaml --set epochs=5"
        })
final class TrainCommand implements Callable<Integer> {

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "Run config (JSON or YAML).")
    Path config;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "Override a config key, e.g. --set optimizer.learningRate=0.01 (repeatable).")
    List<String> overrides = new ArrayList<>();

    @Option(names = "--out", paramLabel = "DIR",
            description = "Run directory (default: runs/<name>-<timestamp>).")
    Path out;

    @Option(names = "--resume", description = "Continue the run in --out from its newest checkpoint.")
    boolean resume;

    @Override
    public Integer call() throws Exception {
        RunConfig runConfig = RunConfigs.load(config, overrides);
        if (resume && out == null) {
            throw new org.lipreg.experiments.run.RunSetupException("--resume needs --out DIR (the run to continue)", null);
        }
        Path runDir = out != null ? out : RunDirectories.fresh(runConfig.name);
        RunResult result = new RunExecutor(TrainingProgress.forConsole(), Path.of("")).run(runConfig, runDir, resume);
        System.out.println(MetricsTables.fromHistory(runConfig.name, result.training().history()).print());
        System.out.println("Run directory: " + runDir.toAbsolutePath().normalize());
        return ExitCodes.OK;
    }
}
