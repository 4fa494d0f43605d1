package org.lipreg.experiments.quickstart;

import org.lipreg.certify.lipschitz.BabSettings;
import org.lipreg.certify.lipschitz.LowerBoundSearch;
import org.lipreg.certify.lipschitz.Method;
import org.lipreg.experiments.certify.CertifyOutputs;
import org.lipreg.experiments.certify.CertifyTarget;
import org.lipreg.experiments.certify.LipschitzJob;
import org.lipreg.experiments.certify.MarkdownTables;
import org.lipreg.experiments.config.RunConfig;
import org.lipreg.experiments.config.RunConfigs;
import org.lipreg.experiments.run.RunExecutor;
import org.lipreg.training.runner.TrainingProgress;

import tech.tablesaw.api.Table;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Certifies local Lipschitz constants. The main CNN normalizes with batch-channel norm, which
 * divides by per-sample statistics even at inference, so bound propagation does not apply to it
 * (and its 12 544 first-layer neurons are beyond dense bound propagation on a CPU in seconds);
 * this stage therefore trains a certifiable companion on the same data — an MLP 784→32→32→10
 * with the same spectral-norm penalty — and certifies its margins at a few test points:
 * lower bound (sampled, then the region walk), naive product, CROWN and branch-and-bound, and
 * the certified ℓ∞ radius.
 */
final class CertifyStage implements QuickstartStage {

    /** The companion's config, as overrides on top of the main config. */
    static final List<String> COMPANION = List.of(
            "name=quickstart-certifiable",
            "epochs=2",
            "model.preset=mlp",
            "model.hidden=[32, 32]",
            "model.norm=none",
            "model.weightStandardization=false",
            "regularizers=[{type: spectral-penalty, lambda: 0.01}]");

    static final double EPSILON = 0.01;
    static final int POINTS = 3;

    @Override
    public String name() {
        return "certify";
    }

    @Override
    public void run(QuickstartContext context) throws Exception {
        RunConfig main = context.config();
        List<String> overrides = new ArrayList<>(List.of(
                "seed=" + main.seed,
                "data.type=" + main.data.type,
                "data.trainSize=" + main.data.trainSize,
                "data.testSize=" + main.data.testSize));
        overrides.addAll(COMPANION);
        RunConfig config = RunConfigs.load(null, overrides);
        Path dir = context.runDirectory().resolve("certifiable");
        var training = new RunExecutor(TrainingProgress.SILENT, Path.of("")).run(config, dir, false);
        context.record(name(), "companion MLP test accuracy", training.training().last().get("test_accuracy"));
        LipschitzJob job = new LipschitzJob(List.of(Method.NAIVE, Method.CROWN, Method.BAB), List.of(EPSILON),
                LipschitzJob.Spec.MARGIN, new BabSettings(1, 20_000, 32), new LowerBoundSearch(64, 4, 40, main.seed),
                line -> context.out().println("  " + line));
        try (CertifyTarget target = CertifyTarget.fromRun(dir, POINTS, Path.of(""), null)) {
            LipschitzJob.Result result = job.run(target);
            CertifyOutputs.writeLipschitz(result, dir.resolve("certify"));
            CertifyOutputs.writeCertificate(result.summary(), dir.resolve(CertifyOutputs.CERTIFICATE_FILE));
            context.out().print(MarkdownTables.of(result.summary()));
            Table s = result.summary();
            for (int r = 0; r < s.rowCount(); r++) {
                String method = s.stringColumn("method").get(r);
                context.record(name(), method + " margin Lipschitz bound (mean, eps " + EPSILON + ")",
                        s.doubleColumn("mean_upper").getDouble(r));
                context.record(name(), method + " upper / lower bound (mean)", s.doubleColumn("mean_ratio").getDouble(r));
                if (!"naive".equals(method)) {
                    context.record(name(), method + " certified l-inf radius (mean)", s.doubleColumn("mean_radius").getDouble(r));
                }
            }
            context.record(name(), "lower bound, sampled and walked (mean)", s.doubleColumn("mean_lower").getDouble(0));
        }
    }
}
