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

    private NormBenchmark() {}

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
        Table table = Table.create("training step time by normalization (small CNN, 1x28x28)").addColumns(
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
                            ? ModelFactory.bcnMode("auto", batch).name().toLowerCase(java.util.Locale.ROOT) : "");
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
