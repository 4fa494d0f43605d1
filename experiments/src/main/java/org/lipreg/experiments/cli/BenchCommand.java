package org.lipreg.experiments.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code lipreg bench}: benchmarks; each subcommand measures one thing side by side. */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = "Benchmarks, reported as tables (and ratios where there is a baseline).",
        subcommands = {BenchMemoryCommand.class, BenchNormsCommand.class, BenchRegularizersCommand.class, BenchLipschitzCommand.class,
            BenchSmoothingCommand.class, BenchSparkSmoothingCommand.class, BenchRlCommand.class,
            BenchLipSdpCommand.class, BenchOnnxCommand.class})
final class BenchCommand implements Runnable {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
