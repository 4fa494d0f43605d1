package org.lipreg.experiments.cli;

import org.lipreg.experiments.bench.SmoothingBenchmark;
import org.lipreg.experiments.run.TableText;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import tech.tablesaw.api.Table;

import java.util.concurrent.Callable;

/** {@code lipreg bench smoothing}: CERTIFY's noise samples per second against plain forward passes. */
@Command(
        name = "smoothing",
        mixinStandardHelpOptions = true,
        description = {
            "Noisy samples per second of randomized-smoothing CERTIFY (Cohen; Cohen and soft together)",
            "against plain batched forward passes of the same MNIST CNN on as many inputs, side by side."
        })
final class BenchSmoothingCommand implements Callable<Integer> {

    @Option(names = "--samples", defaultValue = "10000", description = "Samples per CERTIFY call (default ${DEFAULT-VALUE}).")
    int samples;

    @Option(names = "--batch", defaultValue = "1000", description = "Inputs per forward pass (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--rounds", defaultValue = "5", description = "Interleaved timing rounds (default ${DEFAULT-VALUE}).")
    int rounds;

    @Override
    public Integer call() throws Exception {
        if (samples < 102 || batch < 1 || rounds < 1) {
            System.err.println("lipreg: --samples must be at least 102, --batch and --rounds positive");
            return ExitCodes.BAD_INPUT;
        }
        Table table = SmoothingBenchmark.run(samples, batch, rounds, System.out);
        System.out.println(TableText.forPrinting(table, 4).printAll());
        return ExitCodes.OK;
    }
}
