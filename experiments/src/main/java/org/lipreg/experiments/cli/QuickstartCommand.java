package org.lipreg.experiments.cli;

import org.lipreg.experiments.config.RunConfigs;
import org.lipreg.experiments.quickstart.Quickstart;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code lipreg quickstart}: the main job on built-in synthetic data, offline. */
@Command(
        name = "quickstart",
        mixinStandardHelpOptions = true,
        description = {
            "Train the small CNN on generated shapes (offline, a few minutes on 2 cores),",
            "evaluate the saved model, and print the results."
        })
final class QuickstartCommand implements Callable<Integer> {

    @Option(names = "--out", paramLabel = "DIR", description = "Run directory (default: runs/quickstart-<timestamp>).")
    Path out;

    @Mixin ConfigOverrides overrides;

    @Override
    public Integer call() throws Exception {
        List<String> all = new ArrayList<>(Quickstart.CONFIG);
        all.addAll(overrides.assignments());
        var config = RunConfigs.load(null, all);
        Path runDir = out != null ? out : RunDirectories.fresh(config.name);
        new Quickstart(System.out).run(config, runDir);
        return ExitCodes.OK;
    }
}
