package org.lipreg.experiments.bench;

import ai.djl.ndarray.types.Shape;

import org.lipreg.experiments.config.ConfigException;
import org.lipreg.experiments.config.ModelConfig;
import org.lipreg.experiments.model.ModelFactory;

import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Training-step time of the same small CNN (conv16-conv32-fc64 on 1×28×28) with each
 * normalization, at each batch size, as a ratio to DJL's {@code BatchNorm}. All variants of a
 * batch size are built first and timed in interleaved rounds, so drift in the machine's speed
 * hits them alike; the figure is the median over rounds.
 */
public final class NormBenchmark {

    /** A normalization setup of the CNN preset. */
    record Variant(String name, String norm, boolean weightStandardization) {}

    static final List<Variant> VARIANTS = List.of(
            new Variant("bn", "bn", false),
            new Variant("gn", "gn", false),
            new Variant("ws+gn", "gn", true),
            new Variant("bcn", "bcn", false),
            new Variant("ws+bcn", "bcn", true));

    /** The transformer section's norms, the first being the baseline of the ratios. */
    static final List<String> TRANSFORMER_NORMS = List.of("ln", "bn", "pn", "pnv");

    /** Vocabulary of the transformer section's random tokens. */
    static final int TRANSFORMER_VOCABULARY = 1000;

    private NormBenchmark() {}

    /**
     * Training-step time of the same small causal transformer language model (2 pre-norm blocks,
     * width 128, 4 heads, feed-forward 512, vocabulary 1000, dropout 0.1) with LN, BN, PN and PN-V,
     * timed in interleaved rounds, as ratios to LN. PN's steps include its hook work (probes, the
     * zero-valued loss term, the ν update), exactly as the runner drives it.
     *
     * @param batch windows per step
     * @param length tokens per window
     * @param rounds timing rounds
     * @param steps steps per variant per round
     * @param out where progress goes
     * @return one row per norm
     */
    public static Table runTransformer(int batch, int length, int rounds, int steps, PrintStream out) {
        Table table = Table.create("training step time by normalization (transformer LM: 2 blocks, width 128, "
                + "4 heads, ff 512, vocabulary " + TRANSFORMER_VOCABULARY + ", batch " + batch + " x " + length + " tokens, "
                + EngineThreads.inEffect() + ")")
                .addColumns(StringColumn.create("norm"), DoubleColumn.create("ms/step"), DoubleColumn.create("ratio to ln"),
                        IntColumn.create("arrays before"), IntColumn.create("arrays after"));
        Map<String, StepTimer> timers = new LinkedHashMap<>();
        try {
            for (String norm : TRANSFORMER_NORMS) {
                ModelConfig config = new ModelConfig();
                config.preset = "transformer";
                config.norm = norm;
                config.blocks = 2;
                config.width = 128;
                config.heads = 4;
                config.ffWidth = 512;
                config.sequenceLength = length;
                config.resolveDefaults();
                timers.put(norm, StepTimer.tokens(norm, ModelFactory.languageModel(config, TRANSFORMER_VOCABULARY),
                        new Shape(batch, length), TRANSFORMER_VOCABULARY, 7));
            }
            InterleavedTiming.Timing timing = InterleavedTiming.run(timers, rounds, steps, out, "transformer");
            Map<String, Double> ms = timing.medians();
            double base = ms.get(TRANSFORMER_NORMS.get(0));
            for (String norm : TRANSFORMER_NORMS) {
                table.stringColumn("norm").append(norm);
                table.doubleColumn("ms/step").append(ms.get(norm));
                table.doubleColumn("ratio to ln").append(ms.get(norm) / base);
                table.intColumn("arrays before").append(timing.arraysAfterWarmup().get(norm));
                table.intColumn("arrays after").append(timers.get(norm).liveArrays());
            }
        } finally {
            timers.values().forEach(StepTimer::close);
        }
        return table;
    }

    /**
     * Runs the benchmark.
     *
     * @param batchSizes the batch sizes
     * @param rounds timing rounds per variant
     * @param examplesPerRound examples per variant per round (steps = examples / batch size)
     * @param out where progress goes
     * @return one row per (batch size, variant)
     * @throws ConfigException never for the built-in variants
     */
    public static Table run(int[] batchSizes, int rounds, int examplesPerRound, PrintStream out) throws ConfigException {
        Table table = Table.create("training step time by normalization (small CNN, 1x28x28, "
                + EngineThreads.inEffect() + ")").addColumns(
                IntColumn.create("batch"), StringColumn.create("norm"), StringColumn.create("bcn mode"),
                DoubleColumn.create("ms/step"), DoubleColumn.create("ratio to bn"),
                IntColumn.create("arrays before"), IntColumn.create("arrays after"));
        for (int batch : batchSizes) {
            Map<String, StepTimer> timers = new LinkedHashMap<>();
            int steps = Math.max(5, examplesPerRound / batch);
            try {
                for (Variant v : VARIANTS) {
                    ModelConfig config = new ModelConfig();
                    config.norm = v.norm();
                    config.weightStandardization = v.weightStandardization();
                    timers.put(v.name(), new StepTimer(v.name(), ModelFactory.build(config, new Shape(1, 28, 28), 10, batch),
                            new Shape(batch, 1, 28, 28), 10, 7, List.of()));
                }
                InterleavedTiming.Timing timing = InterleavedTiming.run(timers, rounds, steps, out, "batch " + batch);
                Map<String, Double> ms = timing.medians();
                double base = ms.get(VARIANTS.get(0).name());
                for (Variant v : VARIANTS) {
                    table.intColumn("batch").append(batch);
                    table.stringColumn("norm").append(v.name());
                    table.stringColumn("bcn mode").append(v.norm().equals("bcn")
                            ? org.lipreg.experiments.config.BcnMode.AUTO.resolve(batch).name().toLowerCase(java.util.Locale.ROOT) : "");
                    table.doubleColumn("ms/step").append(ms.get(v.name()));
                    table.doubleColumn("ratio to bn").append(ms.get(v.name()) / base);
                    table.intColumn("arrays before").append(timing.arraysAfterWarmup().get(v.name()));
                    table.intColumn("arrays after").append(timers.get(v.name()).liveArrays());
                }
            } finally {
                timers.values().forEach(StepTimer::close);
            }
        }
        return table;
    }

}
