package org.lipreg.experiments.cli;

import org.lipreg.experiments.bench.RegularizerBenchmark;
import org.lipreg.experiments.run.TableText;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import tech.tablesaw.api.Table;

import java.util.concurrent.Callable;

/** {@code lipreg bench regularizers}: training-step time per regularizer, as ratios to none. */
@Command(
        name = "regularizers",
        mixinStandardHelpOptions = true,
        description = {
            "Training-step time of the same small CNN with no regularizer, the spectral-norm penalty",
            "(reshaped and conv operator), spectral normalization and the adversarial penalty (K=5),",
            "measured side by side, as ratios to the plain step."
        })
final class BenchRegularizersCommand implements Callable<Integer> {

    @Option(names = "--batch-size", defaultValue = "64", description = "Batch size (default 64).")
    int batch;

    @Option(names = "--rounds", defaultValue = "5", description = "Interleaved timing rounds (default 5).")
    int rounds;

    @Option(names = "--steps", defaultValue = "20", description = "Steps per variant per round (default 20).")
    int steps;

    @Override
    public Integer call() throws Exception {
        Table table = RegularizerBenchmark.run(batch, rounds, steps, System.out);
        System.out.println(TableText.forPrinting(table, 4).printAll());
        return ExitCodes.OK;
    }
}
