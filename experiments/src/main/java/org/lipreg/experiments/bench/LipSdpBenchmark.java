package org.lipreg.experiments.bench;

import org.lipreg.certify.lipsdp.DenseChain;
import org.lipreg.certify.lipsdp.LipSdp;
import org.lipreg.certify.lipsdp.LipSdpResult;
import org.lipreg.experiments.certify.CertifyTarget;
import org.lipreg.experiments.config.RunConfig;
import org.lipreg.experiments.config.RunConfigs;
import org.lipreg.experiments.run.RunExecutor;
import org.lipreg.training.runner.TrainingProgress;

import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code lipreg bench lipsdp}: the MaxMin MLPs of Pauli et al. (ICLR 2024) — nFC-w is n dense
 * layers, the n − 1 hidden ones w wide, on 784 inputs and 10 outputs — trained briefly, then
 * certified by LipSDP (solver chosen by {@link LipSdp.Solver#AUTO}) beside the product bound and
 * the attained lower bound. The 203k-parameter model 2FC-256 (784→256→10, LipDiff's size) is also
 * solved by the Newton method to many digits, the SDP optimum the first-order bound is held to.
 */
public final class LipSdpBenchmark {

    /** The models: name → hidden widths. */
    static final Map<String, List<Integer>> MODELS = new LinkedHashMap<>();

    /** The model of the speed target. */
    public static final String TARGET_MODEL = "2fc-256";

    static {
        for (int w : new int[] {16, 32, 64, 128}) {
            MODELS.put("2fc-" + w, List.of(w));
        }
        for (int w : new int[] {32, 64}) {
            MODELS.put("5fc-" + w, Collections.nCopies(4, w));
        }
        for (int w : new int[] {32, 64, 128, 256}) {
            MODELS.put("8fc-" + w, Collections.nCopies(7, w));
        }
        MODELS.put(TARGET_MODEL, List.of(256));
    }

    /** The model names. */
    public static final java.util.Set<String> MODEL_NAMES = MODELS.keySet();

    private LipSdpBenchmark() {}

    /**
     * What the benchmark measured.
     *
     * @param bounds one row per model
     * @param targets the target rows
     * @param conditions engine threads and machine load
     */
    public record Result(Table bounds, Table targets, String conditions) {}

    /**
     * Runs the benchmark.
     *
     * @param data the data overrides (e.g. an IDX directory)
     * @param models which of {@link #MODELS}
     * @param epochs training epochs
     * @param points test points for the lower bound
     * @param reference whether to solve the target model by Newton too
     * @param outDir where runs go
     * @param out progress
     * @return the tables
     * @throws Exception if training or reading fails
     */
    public static Result run(List<String> data, List<String> models, int epochs, int points, boolean reference,
            Path outDir, PrintStream out) throws Exception {
        Files.createDirectories(outDir);
        String conditions = EngineThreads.inEffect() + "; solver threads 1; load average at start "
                + String.format(Locale.ROOT, "%.2f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage())
                + " on " + Runtime.getRuntime().availableProcessors() + " cores";
        Table bounds = Table.create("lipsdp").addColumns(StringColumn.create("model"), IntColumn.create("parameters"),
                StringColumn.create("solver"), DoubleColumn.create("product_bound"), DoubleColumn.create("lipsdp_bound"),
                DoubleColumn.create("lower_bound"), DoubleColumn.create("bound_over_product"),
                DoubleColumn.create("bound_over_lower"), DoubleColumn.create("seconds"));
        Table targets = Table.create("targets").addColumns(StringColumn.create("target"), StringColumn.create("model"),
                DoubleColumn.create("value"), StringColumn.create("goal"), StringColumn.create("met"));
        for (String name : models) {
            List<String> overrides = new ArrayList<>(data);
            overrides.add("name=" + name);
            overrides.add("epochs=" + epochs);
            overrides.add("optimizer.name=adam");
            overrides.add("optimizer.learningRate=0.002");
            overrides.add("model.preset=mlp");
            overrides.add("model.activation=maxmin");
            overrides.add("model.hidden=" + MODELS.get(name));
            RunConfig config = RunConfigs.load(null, overrides);
            Path runDir = outDir.resolve(name);
            if (!Files.isRegularFile(runDir.resolve("summary.json"))) {
                out.println("== training " + name);
                new RunExecutor(TrainingProgress.SILENT, Path.of("")).run(config, runDir, false);
            }
            try (CertifyTarget target = CertifyTarget.fromRun(runDir, points, Path.of(""), null)) {
                DenseChain chain = DenseChain.of(target.network());
                out.println("== certifying " + name);
                LipSdpResult r = LipSdp.certify(chain, target.points());
                bounds.stringColumn("model").append(name);
                bounds.intColumn("parameters").append(parameters(chain));
                bounds.stringColumn("solver").append(r.solver().name().toLowerCase(Locale.ROOT).replace('_', '-'));
                bounds.doubleColumn("product_bound").append(r.productBound());
                bounds.doubleColumn("lipsdp_bound").append(r.verifiedBound());
                bounds.doubleColumn("lower_bound").append(r.lowerBound());
                bounds.doubleColumn("bound_over_product").append(r.verifiedBound() / r.productBound());
                bounds.doubleColumn("bound_over_lower").append(r.verifiedBound() / r.lowerBound());
                bounds.doubleColumn("seconds").append(r.seconds());
                if (name.equals(TARGET_MODEL)) {
                    add(targets, "first-order seconds (solver and check)", name, r.seconds(), "≤ 10", r.seconds() <= 10);
                    if (reference) {
                        out.println("== solving " + name + " by Newton for the reference optimum");
                        LipSdpResult newton = LipSdp.certify(chain, new double[0][], LipSdp.Solver.NEWTON);
                        double ratio = r.verifiedBound() / newton.optimizerBound();
                        add(targets, "first-order bound / SDP optimum (Newton, " + String.format(Locale.ROOT, "%.0f s", newton.seconds())
                                + ")", name, ratio, "≤ 1.03", ratio <= 1.03);
                    }
                }
            }
        }
        return new Result(bounds, targets, conditions);
    }

    private static int parameters(DenseChain chain) {
        int count = 0;
        for (double[][] w : chain.weights()) {
            count += w.length * (w[0].length + 1);
        }
        return count;
    }

    private static void add(Table t, String target, String model, double value, String goal, boolean met) {
        t.stringColumn("target").append(target);
        t.stringColumn("model").append(model);
        t.doubleColumn("value").append(value);
        t.stringColumn("goal").append(goal);
        t.stringColumn("met").append(met ? "yes" : "no");
    }
}
