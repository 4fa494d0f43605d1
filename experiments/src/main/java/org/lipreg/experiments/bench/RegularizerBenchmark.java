package org.lipreg.experiments.bench;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;

import org.lipreg.experiments.config.ConfigException;
import org.lipreg.experiments.config.ModelConfig;
import org.lipreg.experiments.model.ModelFactory;
import org.lipreg.normalization.hook.StepHook;
import org.lipreg.training.regularizer.AdversarialSmoothnessPenalty;
import org.lipreg.training.regularizer.OperatorModel;
import org.lipreg.training.regularizer.SpectralNormPenalty;

import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Training-step time of the same small CNN (conv16-conv32-fc64 on 1×28×28) with no regularizer,
 * the spectral-norm penalty (reshaped and true-convolution operator models), spectral
 * normalization, and the adversarial penalty (K = 5), one power iteration per step, measured
 * side by side as ratios to the plain step.
 */
public final class RegularizerBenchmark {

    private RegularizerBenchmark() {}

    /** A regularizer setup: how to change the model config, and which hooks to add. */
    private record Variant(String name, String spectralNorm, Function<Block, List<StepHook>> hooks) {}

    private static final List<Variant> VARIANTS = List.of(
            new Variant("none", "none", b -> List.of()),
            new Variant("penalty (reshaped)", "none",
                    b -> List.of(SpectralNormPenalty.builder().setModel(b).optLambda(0.01f).build())),
            new Variant("penalty (conv operator)", "none", b -> List.of(SpectralNormPenalty.builder().setModel(b)
                    .optLambda(0.01f).optOperatorModel(OperatorModel.CONV_OPERATOR).build())),
            new Variant("spectral normalization", "reshaped", b -> List.of()),
            new Variant("adversarial (K=5)", "none",
                    b -> List.of(AdversarialSmoothnessPenalty.builder().setModel(b).optSteps(5).build())));

    /**
     * Runs the benchmark.
     *
     * @param batch the batch size
     * @param rounds timing rounds
     * @param steps steps per variant per round
     * @param out where progress goes
     * @return one row per variant
     * @throws ConfigException never for the built-in variants
     */
    public static Table run(int batch, int rounds, int steps, PrintStream out) throws ConfigException {
        Table table = Table.create("training step time by regularizer (small CNN, 1x28x28, batch " + batch + ", "
                + EngineThreads.inEffect() + ")")
                .addColumns(StringColumn.create("regularizer"), DoubleColumn.create("ms/step"),
                        DoubleColumn.create("ratio to none"), IntColumn.create("arrays before"), IntColumn.create("arrays after"));
        Map<String, StepTimer> timers = new LinkedHashMap<>();
        List<AutoCloseable> closeables = new ArrayList<>();
        try {
            for (Variant v : VARIANTS) {
                ModelConfig config = new ModelConfig();
                config.spectralNorm = v.spectralNorm();
                Block block = ModelFactory.build(config, new Shape(1, 28, 28), 10, batch);
                List<StepHook> hooks = v.hooks().apply(block);
                hooks.stream().filter(AutoCloseable.class::isInstance).map(AutoCloseable.class::cast).forEach(closeables::add);
                timers.put(v.name(), new StepTimer(v.name(), block, new Shape(batch, 1, 28, 28), 10, 7, hooks));
            }
            InterleavedTiming.Timing timing = InterleavedTiming.run(timers, rounds, steps, out, "regularizers");
            double base = timing.medians().get("none");
            for (Variant v : VARIANTS) {
                double ms = timing.medians().get(v.name());
                table.stringColumn("regularizer").append(v.name());
                table.doubleColumn("ms/step").append(ms);
                table.doubleColumn("ratio to none").append(ms / base);
                table.intColumn("arrays before").append(timing.arraysAfterWarmup().get(v.name()));
                table.intColumn("arrays after").append(timers.get(v.name()).liveArrays());
            }
        } finally {
            timers.values().forEach(StepTimer::close);
            for (AutoCloseable c : closeables) {
                try {
                    c.close();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return table;
    }
}
