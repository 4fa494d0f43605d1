package org.lipreg.experiments.bench;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;

import org.lipreg.certify.smoothing.BlockClassifier;
import org.lipreg.certify.smoothing.SmoothedClassifier;
import org.lipreg.certify.smoothing.SmoothingMethod;
import org.lipreg.experiments.config.ModelConfig;
import org.lipreg.experiments.model.ModelFactory;

import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.io.PrintStream;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.DoubleSupplier;

/**
 * Throughput of randomized-smoothing CERTIFY against plain batched forward passes of the same
 * model (the MNIST CNN preset) on the same number of inputs, timed in interleaved rounds. Plain
 * passes read distinct inputs already in memory and copy the logits out, as CERTIFY must; CERTIFY
 * also draws the noise, adds it, and accumulates votes (and soft statistics).
 */
public final class SmoothingBenchmark {

    private SmoothingBenchmark() {}

    /**
     * Runs the benchmark.
     *
     * @param samples noisy samples per CERTIFY call (n0 = 100 of them select, the rest certify)
     * @param batch inputs per forward pass
     * @param rounds timing rounds
     * @param out where progress goes
     * @return one row per variant: samples per second and the ratio to plain forward passes
     * @throws org.lipreg.experiments.config.ConfigException never for the built-in model
     */
    public static Table run(int samples, int batch, int rounds, PrintStream out)
            throws org.lipreg.experiments.config.ConfigException {
        Shape example = new Shape(1, 28, 28);
        Engine.getInstance().setRandomSeed(1);
        Block block = ModelFactory.build(new ModelConfig(), example, 10, batch);
        try (Model model = Model.newInstance("bench-smoothing");
                NDManager manager = NDManager.newBaseManager()) {
            model.setBlock(block);
            block.initialize(model.getNDManager(), DataType.FLOAT32, new Shape(batch).addAll(example));
            Random random = new Random(2);
            float[] pixels = new float[Math.toIntExact(samples * example.size())];
            for (int i = 0; i < pixels.length; i++) {
                pixels[i] = random.nextFloat();
            }
            NDArray inputs = manager.create(pixels, new Shape(samples).addAll(example));
            float[] x = new float[Math.toIntExact(example.size())];
            System.arraycopy(pixels, 0, x, 0, x.length);
            BlockClassifier base = BlockClassifier.builder().setBlock(block).setExampleShape(example).setNumClasses(10)
                    .setManager(manager).optBatchSize(batch).build();
            Map<String, DoubleSupplier> variants = new LinkedHashMap<>();
            variants.put("plain forward", () -> plain(block, inputs, batch, manager));
            variants.put("certify cohen", certify(base, EnumSet.of(SmoothingMethod.COHEN), samples, x));
            variants.put("certify cohen+soft", certify(base, EnumSet.allOf(SmoothingMethod.class), samples, x));
            Map<String, double[]> seconds = new LinkedHashMap<>();
            variants.forEach((name, v) -> {
                v.getAsDouble(); // warm-up
                seconds.put(name, new double[rounds]);
            });
            for (int r = 0; r < rounds; r++) {
                for (Map.Entry<String, DoubleSupplier> e : variants.entrySet()) {
                    seconds.get(e.getKey())[r] = e.getValue().getAsDouble();
                }
                out.printf("bench smoothing: round %d/%d done%n", r + 1, rounds);
            }
            Table table = Table.create("smoothing throughput").addColumns(StringColumn.create("variant"),
                    DoubleColumn.create("samples/s"), DoubleColumn.create("ratio to plain"));
            double plain = samples / InterleavedTiming.median(seconds.get("plain forward"));
            seconds.forEach((name, s) -> {
                double rate = samples / InterleavedTiming.median(s);
                table.stringColumn("variant").append(name);
                table.doubleColumn("samples/s").append(rate);
                table.doubleColumn("ratio to plain").append(rate / plain);
            });
            return table;
        }
    }

    private static double plain(Block block, NDArray inputs, int batch, NDManager manager) {
        long start = System.nanoTime();
        long total = inputs.getShape().get(0);
        try (NDManager m = manager.newSubManager()) {
            ParameterStore store = new ParameterStore(m, false);
            for (long done = 0; done < total; done += batch) {
                try (NDManager step = m.newSubManager()) {
                    NDArray slice = inputs.get(done + ":" + Math.min(total, done + batch));
                    slice.attach(step);
                    NDArray logits = block.forward(store, new NDList(slice), false).singletonOrThrow();
                    logits.toFloatArray();
                }
            }
        }
        return (System.nanoTime() - start) / 1e9;
    }

    private static DoubleSupplier certify(BlockClassifier base, Set<SmoothingMethod> methods, int samples, float[] x) {
        SmoothedClassifier smoothed = SmoothedClassifier.builder().setBaseClassifier(base).setSigma(0.25)
                .optSelectionSamples(100).optSamples(samples - 100).optMethods(methods).build();
        return () -> {
            long start = System.nanoTime();
            smoothed.certify(x, 7);
            return (System.nanoTime() - start) / 1e9;
        };
    }
}
