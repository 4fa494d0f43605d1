package org.lipreg.experiments.bench;

import org.lipreg.certify.lipschitz.BabSettings;
import org.lipreg.certify.lipschitz.LowerBoundSearch;
import org.lipreg.certify.lipschitz.Method;
import org.lipreg.experiments.certify.CertifyOutputs;
import org.lipreg.experiments.certify.CertifyTarget;
import org.lipreg.experiments.certify.LipschitzJob;
import org.lipreg.experiments.config.RunConfig;
import org.lipreg.experiments.config.RunConfigs;
import org.lipreg.experiments.quickstart.Quickstart;
import org.lipreg.experiments.run.RunExecutor;
import org.lipreg.training.runner.TrainingProgress;

import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code lipreg bench lipschitz}: trains the reference models, then certifies each at test
 * points for every ε with every method beside the attained lower bound: upper/lower ratios,
 * seconds per point, the process's peak resident memory while certifying, and the issue's
 * targets as their own rows. The models: the MNIST MLP 784→20→20→10 and a small stride-2 CNN,
 * each plain and with a spectral-norm penalty; the Local-Lipschitz-Constants benchmark shapes
 * (Shi et al. 2022, {@code models/vision.py}): {@code mnist_cnn_4layer} on MNIST and the CIFAR
 * {@code cnn_4layer} on generated 3×32×32 colour shapes; and the quickstart's WS+BCN CNN on the
 * generated shapes it trains on.
 */
public final class LipschitzBenchmark {

    /** Where a model's data comes from. */
    enum Data {
        /** The {@code --data} option: the MNIST IDX directory, or the generated shapes. */
        OPTION,
        /** The generated 28×28 shapes (the quickstart's data). */
        SHAPES,
        /** The generated 3×32×32 colour shapes (CIFAR-10's shape). */
        RGB_SHAPES
    }

    /** A benchmark model: its data and its config overrides. */
    record Model(Data data, List<String> overrides) {}

    /** The models by name. */
    static final Map<String, Model> MODELS = new LinkedHashMap<>();

    static {
        List<String> mlp = List.of("model.preset=mlp", "model.hidden=[20, 20]");
        List<String> cnn = List.of("model.preset=custom", "model.layers=[{type: conv, channels: 4, kernel: 4, stride: 2, padding: 1},"
                + " {type: relu}, {type: conv, channels: 8, kernel: 4, stride: 2, padding: 1}, {type: relu},"
                + " {type: flatten}, {type: linear, units: 10}]");
        String penalty = "regularizers=[{type: spectral-penalty, lambda: 0.01}]";
        MODELS.put("mlp", new Model(Data.OPTION, mlp));
        MODELS.put("mlp-penalty", new Model(Data.OPTION, concat(mlp, penalty)));
        MODELS.put("cnn", new Model(Data.OPTION, cnn));
        MODELS.put("cnn-penalty", new Model(Data.OPTION, concat(cnn, penalty)));
        // models/vision.py: mnist_cnn_4layer, 8·25·25 + 8·22·22 + 100 = 8,972 ReLUs.
        MODELS.put("mnist-cnn-4layer", new Model(Data.OPTION, List.of("model.preset=custom",
                "model.layers=[{type: conv, channels: 8, kernel: 4, stride: 1, padding: 0}, {type: relu},"
                + " {type: conv, channels: 8, kernel: 4, stride: 1, padding: 0}, {type: relu}, {type: flatten},"
                + " {type: linear, units: 100}, {type: relu}, {type: linear, units: 10}]")));
        // models/vision.py: cnn_4layer (CIFAR), 32·30·30 + 32·28·28 + 256 = 54,144 ReLUs.
        MODELS.put("cifar-cnn-4layer", new Model(Data.RGB_SHAPES, List.of("model.preset=custom",
                "model.layers=[{type: conv, channels: 32, kernel: 3, stride: 1, padding: 0}, {type: relu},"
                + " {type: conv, channels: 32, kernel: 3, stride: 1, padding: 0}, {type: relu}, {type: flatten},"
                + " {type: linear, units: 256}, {type: relu}, {type: linear, units: 10}]",
                "data.trainSize=2000", "data.testSize=500")));
        List<String> quickstart = new ArrayList<>();
        for (String o : Quickstart.CONFIG) {
            if (o.startsWith("model.") || o.startsWith("regularizers=")) {
                quickstart.add(o);
            }
        }
        MODELS.put("quickstart-cnn", new Model(Data.SHAPES, quickstart));
    }

    /** The model names. */
    public static final java.util.Set<String> MODELS_NAMES = MODELS.keySet();

    private LipschitzBenchmark() {}

    private static List<String> concat(List<String> a, String b) {
        List<String> out = new ArrayList<>(a);
        out.add(b);
        return out;
    }

    private static List<String> data(Model model, List<String> option) {
        return switch (model.data()) {
            case OPTION -> option;
            case SHAPES -> List.of("data.type=synthetic");
            case RGB_SHAPES -> List.of("data.type=synthetic-rgb");
        };
    }

    /**
     * Runs the benchmark.
     *
     * @param data the data overrides of the models that take {@code --data} (e.g. an IDX directory)
     * @param models which of {@link #MODELS}
     * @param epochs training epochs
     * @param epsilons box radii
     * @param points test points per model
     * @param methods the methods
     * @param timeout branch-and-bound budget per point and ε
     * @param outDir where runs and tables go
     * @param out progress
     * @return the targets table; the summary (model, ε, method, ratios, seconds, peak memory) is
     *     written to {@code summary.csv} in the output directory
     * @throws Exception if training or reading fails
     */
    public static Table run(List<String> data, List<String> models, int epochs, List<Double> epsilons, int points,
            List<Method> methods, double timeout, Path outDir, PrintStream out) throws Exception {
        Table all = null;
        Files.createDirectories(outDir);
        for (String name : models) {
            Model model = MODELS.get(name);
            List<String> overrides = new ArrayList<>(data(model, data));
            overrides.add("name=" + name);
            overrides.add("epochs=" + epochs);
            overrides.add("optimizer.name=adam");
            overrides.add("optimizer.learningRate=0.002");
            overrides.addAll(model.overrides());
            RunConfig config = RunConfigs.load(null, overrides);
            Path runDir = outDir.resolve(name);
            if (!Files.isRegularFile(runDir.resolve("summary.json"))) {
                out.println("== training " + name);
                new RunExecutor(TrainingProgress.SILENT, Path.of("")).run(config, runDir, false);
            }
            out.println("== certifying " + name);
            LipschitzJob job = new LipschitzJob(methods, epsilons, LipschitzJob.Spec.OUTPUT,
                    new BabSettings(timeout, 200_000, 32), new LowerBoundSearch(64, 4, 40, 0), out::println);
            try (CertifyTarget target = CertifyTarget.fromRun(runDir, points, Path.of(""), null)) {
                System.gc(); // what training left on the heap is not the certifier's
                boolean reset = PeakMemory.reset();
                LipschitzJob.Result result = job.run(target);
                double peak = reset ? PeakMemory.peakMib() : Double.NaN;
                CertifyOutputs.writeLipschitz(result, runDir.resolve("certify"));
                Table summary = result.summary();
                StringColumn modelColumn = StringColumn.create("model");
                DoubleColumn peakColumn = DoubleColumn.create("peak_rss_mib");
                for (int r = 0; r < summary.rowCount(); r++) {
                    modelColumn.append(name);
                    peakColumn.append(peak);
                }
                summary.insertColumn(0, modelColumn);
                summary.addColumns(peakColumn);
                out.printf(java.util.Locale.ROOT, "peak resident memory while certifying %s: %.0f MiB%n", name, peak);
                all = all == null ? summary : all.append(summary);
            }
        }
        CertifyOutputs.csv(all, outDir.resolve("summary.csv"));
        return withTargets(all);
    }

    /**
     * Describes what the timings depend on: the engine's threads and the machine's load.
     *
     * @return e.g. {@code "engine threads: intra-op 1, …; load average (1 min) 3.2 on 2 cores"}
     */
    public static String conditions() {
        java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        return String.format(java.util.Locale.ROOT, "%s; load average (1 min) %.2f on %d cores", EngineThreads.inEffect(),
                os.getSystemLoadAverage(), os.getAvailableProcessors());
    }

    /** Adds the targets as rows: metric, model, value, target, met. */
    static Table withTargets(Table summary) {
        Table targets = Table.create("targets").addColumns(StringColumn.create("target"), StringColumn.create("model"),
                DoubleColumn.create("value"), StringColumn.create("goal"), StringColumn.create("met"));
        for (String model : summary.stringColumn("model").unique()) {
            Table m = summary.where(summary.stringColumn("model").isEqualTo(model));
            double eps = m.doubleColumn("eps").min();
            double naive = value(m, eps, "naive", "mean_upper");
            double crown = value(m, eps, "crown", "mean_upper");
            if (!Double.isNaN(naive) && !Double.isNaN(crown)) {
                add(targets, "naive / crown at the smallest eps (" + eps + ")", model, naive / crown, "≥ 10", naive / crown >= 10);
            }
            double crownSeconds = value(m, eps, "crown", "mean_seconds");
            if (!Double.isNaN(crownSeconds) && model.startsWith("mlp")) {
                add(targets, "crown seconds per point", model, crownSeconds, "< 1", crownSeconds < 1);
            }
            for (double e : m.doubleColumn("eps").unique()) {
                double bab = value(m, e, "bab", "max_ratio");
                if (!Double.isNaN(bab) && model.startsWith("mlp")) {
                    add(targets, "bab upper / lower, worst point, eps " + e, model, bab, "≤ 1.2", bab <= 1.2);
                    double exact = value(m, e, "bab", "max_complete_fraction");
                    add(targets, "bab maximum proven exact, fraction of points, eps " + e, model, exact, "= 1", exact == 1);
                }
            }
            // Issue #18's targets for the Local-Lipschitz shapes and the quickstart CNN (ε = 0.01).
            double crownAt = value(m, 0.01, "crown", "mean_seconds");
            double peak = m.doubleColumn("peak_rss_mib").getDouble(0);
            if (model.equals("mnist-cnn-4layer") && !Double.isNaN(crownAt)) {
                add(targets, "crown seconds per point, eps 0.01", model, crownAt, "≤ 5", crownAt <= 5);
            }
            if (model.equals("cifar-cnn-4layer") && !Double.isNaN(crownAt)) {
                add(targets, "crown seconds per point, eps 0.01", model, crownAt, "≤ 120", crownAt <= 120);
                add(targets, "peak resident MiB while certifying", model, peak, "≤ 8192", peak <= 8192);
            }
            double crownRatio = value(m, 0.01, "crown", "mean_ratio");
            if (model.equals("quickstart-cnn") && !Double.isNaN(crownRatio)) {
                add(targets, "crown upper / attained lower, eps 0.01", model, crownRatio, "a finite certificate",
                        Double.isFinite(crownRatio));
            }
        }
        return targets;
    }

    private static void add(Table t, String target, String model, double value, String goal, boolean met) {
        t.stringColumn("target").append(target);
        t.stringColumn("model").append(model);
        t.doubleColumn("value").append(value);
        t.stringColumn("goal").append(goal);
        t.stringColumn("met").append(met ? "yes" : "no");
    }

    private static double value(Table m, double eps, String method, String column) {
        Table row = m.where(m.doubleColumn("eps").isEqualTo(eps).and(m.stringColumn("method").isEqualTo(method)));
        return row.rowCount() == 0 ? Double.NaN : row.doubleColumn(column).getDouble(0);
    }
}
