package org.lipreg.experiments.cli;

import org.lipreg.experiments.config.RunConfig;
import org.lipreg.experiments.config.RunConfigs;
import org.lipreg.experiments.run.MetricsTables;
import org.lipreg.experiments.run.RunExecutor;
import org.lipreg.experiments.run.RunResult;
import org.lipreg.training.runner.StopRequest;
import org.lipreg.training.runner.TrainingInterruptedException;
import org.lipreg.training.runner.TrainingProgress;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;

/** {@code lipreg train}: one run from a config file. */
@Command(
        name = "train",
        mixinStandardHelpOptions = true,
        description = "Train a model from a JSON or YAML config into a run directory.",
        footer = {
            "",
            "Exit codes: 0 done, 1 failure, 2 bad config/data/directory (nothing written), 3 diverged,",
            "130/143 stopped by Ctrl-C/SIGTERM (at the next batch; prints the command that resumes it).",
            "Example: lipreg train --config experiments/configs/mnist-cnn.yaml --set epochs=5"
        })
final class TrainCommand implements Callable<Integer> {

    /** Arguments that a shell passes on as they are. */
    private static final Pattern SHELL_SAFE = Pattern.compile("[A-Za-z0-9_./=:,+@%-]+");

    @Spec CommandSpec spec;

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "Run config (JSON or YAML).")
    Path config;

    @Mixin ConfigOverrides overrides;

    @Mixin RunDirectoryOptions output;

    @Override
    public Integer call() throws Exception {
        RunConfig runConfig = RunConfigs.load(config, overrides.assignments());
        Path runDir = output.runDirectory(runConfig.name);
        StopRequest stop = new StopRequest();
        try (StopOnSignal signals = StopOnSignal.install(stop)) {
            RunResult result;
            try {
                result = new RunExecutor(TrainingProgress.forConsole(), Path.of(""), stop).run(runConfig, runDir, output.resume());
            } catch (TrainingInterruptedException e) {
                // Said before the hook lets the JVM go.
                reportInterruption(e, runDir);
                return ExitCodes.INTERRUPTED;
            }
            System.out.println(MetricsTables.fromHistory(runConfig.name, result.training().history()).print());
            System.out.println("Run directory: " + runDir.toAbsolutePath().normalize());
            return ExitCodes.OK;
        }
    }

    private void reportInterruption(TrainingInterruptedException e, Path runDir) {
        PrintWriter err = spec.commandLine().getErr();
        String where = "lipreg: interrupted in epoch " + e.epoch() + " after " + e.batchesDone() + " of "
                + e.batchesInEpoch() + " batches";
        if (e.lastCheckpointEpoch() > 0) {
            err.println(where + "; the checkpoint of epoch " + e.lastCheckpointEpoch() + " is kept ("
                    + RunExecutor.SUMMARY_FILE + ": status interrupted).");
            err.println("Resume with:");
            err.println("  " + command(runDir, true));
        } else {
            err.println(where + ", before any epoch finished: nothing was kept.");
            err.println("Start again with:");
            err.println("  " + command(runDir, output.resume()));
        }
        err.flush();
    }

    /** This command as the user can type it again (absolute paths, so any directory will do). */
    private String command(Path runDir, boolean withResume) {
        List<String> words = new ArrayList<>(List.of(System.getProperty("lipreg.launcher", "lipreg"), "train",
                "--config", config.toAbsolutePath().normalize().toString()));
        for (String assignment : overrides.assignments()) {
            words.add("--set");
            words.add(assignment);
        }
        words.add("--out");
        words.add(runDir.toAbsolutePath().normalize().toString());
        if (withResume) {
            words.add("--resume");
        }
        return String.join(" ", words.stream().map(TrainCommand::shellQuoted).toList());
    }

    private static String shellQuoted(String word) {
        return SHELL_SAFE.matcher(word).matches() ? word : "'" + word.replace("'", "'\\''") + "'";
    }
}
