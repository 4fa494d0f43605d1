package org.lipreg.experiments.cli;

import org.lipreg.experiments.rl.RlConfig;
import org.lipreg.experiments.rl.RlConfigs;
import org.lipreg.experiments.rl.RlRunner;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code lipreg rl}: trains an agent on a control task into a run directory. */
@Command(
        name = "rl",
        mixinStandardHelpOptions = true,
        description = {
            "Trains an RL agent (SAC) on a Gymnasium classic-control task; writes returns.csv (a row per",
            "evaluation, as it is made), checkpoints/, returns.png and summary.json into the run directory.",
            "Example: lipreg rl --config experiments/configs/pendulum-sac.yaml --set seed=2"
        },
        footer = {
            "",
            "Exit codes: 0 done, 1 failure, 2 bad config or directory (nothing written).",
            "A stopped run continues with the same --config and --out plus --resume."
        })
final class RlCommand implements Callable<Integer> {

    private static final String THREADS = "ai.djl.pytorch.num_threads";

    @Option(names = "--config", paramLabel = "FILE", description = "RL config (JSON or YAML); default: all defaults.")
    Path config;

    @Mixin ConfigOverrides overrides;

    @Mixin RunDirectoryOptions output;

    @Override
    public Integer call() throws Exception {
        // RL networks are small: one intra-op thread is faster than two fighting over a loaded
        // machine, and it keeps a seeded run bit-for-bit reproducible. Set before the engine starts.
        if (System.getProperty(THREADS) == null) {
            System.setProperty(THREADS, "1");
        }
        RlConfig rl = RlConfigs.load(config, overrides.assignments());
        Path runDir = output.runDirectory(rl.name);
        RlRunner.run(rl, runDir, output.resume(), System.out::println);
        System.out.println("Run directory: " + runDir.toAbsolutePath().normalize());
        return ExitCodes.OK;
    }
}
