package org.lipreg.experiments.cli;

import org.lipreg.experiments.bench.NormBenchmark;
import org.lipreg.experiments.run.TableText;

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
            "WS+BCN at each batch size, measured side by side, as ratios to BatchNorm; then the",
            "same small causal transformer language model with LN, BN, PN and PN-V, as ratios to LN."
        })
final class BenchNormsCommand implements Callable<Integer> {

    @Option(names = "--batch-sizes", split = ",", defaultValue = "2,64", description = "Batch sizes (default 2,64).")
    int[] batchSizes;

    @Option(names = "--rounds", defaultValue = "5", description = "Interleaved timing rounds (default 5).")
    int rounds;

    @Option(names = "--examples", defaultValue = "1280", description = "Examples per variant per round (default 1280).")
    int examples;

    @Option(names = "--sections", split = ",", defaultValue = "cnn,transformer",
            description = "Which sections to run: cnn, transformer (default both).")
    java.util.List<String> sections;

    @Option(names = "--lm-batch", defaultValue = "16", description = "Transformer section: windows per step (default 16).")
    int lmBatch;

    @Option(names = "--lm-length", defaultValue = "35", description = "Transformer section: tokens per window (default 35).")
    int lmLength;

    @Option(names = "--lm-steps", defaultValue = "8", description = "Transformer section: steps per norm per round (default 8).")
    int lmSteps;

    @Override
    public Integer call() throws Exception {
        for (String s : sections) {
            if (!s.equals("cnn") && !s.equals("transformer")) {
                System.err.println("--sections: '" + s + "' is not one of cnn, transformer");
                return ExitCodes.BAD_INPUT;
            }
        }
        if (sections.contains("cnn")) {
            Table table = NormBenchmark.run(batchSizes, rounds, examples, System.out);
            System.out.println(TableText.forPrinting(table, 4).printAll());
        }
        if (sections.contains("transformer")) {
            Table lm = NormBenchmark.runTransformer(lmBatch, lmLength, rounds, lmSteps, System.out);
            System.out.println(TableText.forPrinting(lm, 4).printAll());
        }
        return ExitCodes.OK;
    }
}
