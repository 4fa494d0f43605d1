package org.lipreg.experiments.cli;

import org.lipreg.experiments.bench.NormBenchmark;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import tech.tablesaw.api.Table;

import java.util.concurrent.Callable;

/** {@code lipreg bench norms}: training-step time per normalization, as ratios to BatchNorm. */
@Command(
        name = "norms",
        mixinStandardHelpOptions = true,
        description = {
            "Training-step time of the same small CNN with DJL BatchNorm, GroupNorm, WS+GN and",
            "WS+BCN at each batch size, measured side by side, as ratios to BatchNorm."
        })
final class BenchNormsCommand implements Callable<Integer> {

    @Option(names = "--batch-sizes", split = ",", defaultValue = "2,64", description = "Batch sizes (default 2,64).")
    int[] batchSizes;

    @Option(names = "--rounds", defaultValue = "5", description = "Interleaved timing rounds (default 5).")
    int rounds;

    @Option(names = "--examples", defaultValue = "1280", description = "Examples per variant per round (default 1280).")
    int examples;

    @Override
    public Integer call() throws Exception {
        Table table = NormBenchmark.run(batchSizes, rounds, examples, System.out);
        table.doubleColumn("ms/step").setPrintFormatter(tech.tablesaw.columns.numbers.NumberColumnFormatter.fixedWithGrouping(3));
        table.doubleColumn("ratio to bn").setPrintFormatter(tech.tablesaw.columns.numbers.NumberColumnFormatter.fixedWithGrouping(2));
        System.out.println(table.printAll());
        return ExitCodes.OK;
    }
}
