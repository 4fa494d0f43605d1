package org.lipreg.experiments.bench;

import org.lipreg.certify.lipschitz.BabSettings;
import org.lipreg.certify.lipschitz.LowerBoundSearch;
import org.lipreg.certify.lipschitz.Method;
import org.lipreg.experiments.certify.CertifyOutputs;
import org.lipreg.experiments.certify.CertifyTarget;
import org.lipreg.experiments.certify.LipschitzJob;
import org.lipreg.experiments.config.RunConfig;
import org.lipreg.experiments.config.RunConfigs;
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
 * {@code lipreg bench lipschitz}: trains the reference models (MNIST MLP 784→20→20→10 and a small
 * stride-2 CNN, each plain and with a spectral-norm penalty), then certifies each at test points
 * for every ε with every method beside the sampled lower bound: upper/lower ratios and seconds
 * per point, and the targets as their own rows.
 */
public final class LipschitzBenchmark {

    /** The models: name → config overrides on top of the data settings. */
    static final Map<String, List<String>> MODELS = new LinkedHashMap<>();

    static {
        List<String> mlp = List.of("model.preset=mlp", "model.hidden=[20, 20]");
        List<String> cnn = List.of("model.preset=custom", "model.layers=[{type: conv, channels: 4, kernel: 4, stride: 2, padding: 1},"
                + " {type: relu}, {type: conv, channels: 8, kernel: 4, stride: 2, padding: 1}, {type: relu},"
                + " {type: flatten}, {type: linear, units: 10}]");
        String penalty = "regularizers=[{type: spectral-penalty, lambda: 0.01}]";
        MODELS.put("mlp", mlp);
        MODELS.put("mlp-penalty", concat(mlp, penalty));
        MODELS.put("cnn", cnn);
        MODELS.put("cnn-penalty", concat(cnn, penalty));
    }

    /** The model names. */
    public static final java.util.Set<String> MODELS_NAMES = MODELS.keySet();

    private LipschitzBenchmark() {}

    private static List<String> concat(List<String> a, String b) {
        List<String> out = new ArrayList<>(a);
        out.add(b);
        return out;
    }

    /**
     * Runs the benchmark.
     *
     * @param data the data overrides (e.g. an IDX directory)
     * @param models which of {@link #MODELS}
     * @param epochs training epochs
     * @param epsilons box radii
     * @param points test points per model
     * @param methods the methods
     * @param timeout branch-and-bound budget per point and ε
     * @param outDir where runs and tables go
     * @param out progress
     * @return the summary table (model, ε, method, ratios, seconds) with target rows
     * @throws Exception if training or reading fails
     */
    public static Table run(List<String> data, List<String> models, int epochs, List<Double> epsilons, int points,
            List<Method> methods, double timeout, Path outDir, PrintStream out) throws Exception {
        Table all = null;
        Files.createDirectories(outDir);
        for (String name : models) {
            List<String> overrides = new ArrayList<>(data);
            overrides.add("name=" + name);
            overrides.add("epochs=" + epochs);
            overrides.add("optimizer.name=adam");
            overrides.add("optimizer.learningRate=0.002");
            overrides.addAll(MODELS.get(name));
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
                LipschitzJob.Result result = job.run(target);
                CertifyOutputs.writeLipschitz(result, runDir.resolve("certify"));
                Table summary = result.summary();
                StringColumn model = StringColumn.create("model");
                for (int r = 0; r < summary.rowCount(); r++) {
                    model.append(name);
                }
                summary.insertColumn(0, model);
                all = all == null ? summary : all.append(summary);
            }
        }
        return withTargets(all);
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
                }
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
