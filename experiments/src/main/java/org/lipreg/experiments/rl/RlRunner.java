package org.lipreg.experiments.rl;

import com.fasterxml.jackson.databind.node.ObjectNode;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.lipreg.experiments.certify.CertifyOutputs;
import org.lipreg.experiments.config.ConfigLoader;
import org.lipreg.experiments.run.RunExecutor;
import org.lipreg.experiments.run.RunSetupException;
import org.lipreg.rl.env.Environment;
import org.lipreg.rl.env.Environments;
import org.lipreg.rl.mbpo.MbpoTraining;
import org.lipreg.rl.model.LearnedDynamics;
import org.lipreg.rl.sac.AdversarialCriticPenalty;
import org.lipreg.rl.sac.EvaluationPoint;
import org.lipreg.rl.sac.Mlp;
import org.lipreg.rl.sac.SacAgent;
import org.lipreg.rl.sac.SacTraining;
import org.lipreg.training.io.AtomicFiles;

import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.Table;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * Trains one RL config into a run directory:
 *
 * <pre>
 * config.json    the resolved config
 * returns.csv    one row per evaluation: step, mean and std return, seconds, α, critic loss,
 *                critic Lipschitz product bound and sampled gradient norm
 * returns.png    the learning curve
 * summary.json   status ({@code finished}), final and best return, area under the curve, seconds
 * </pre>
 *
 * A run keeps no checkpoints: one that was interrupted is {@linkplain #discard discarded} and
 * started over.
 */
public final class RlRunner {

    /** The learning-curve file of a run directory. */
    public static final String RETURNS_FILE = "returns.csv";

    /** The columns of {@link #RETURNS_FILE}: the environment step, then the figures of each evaluation. */
    public static final List<String> RETURNS_COLUMNS = List.of("step", "mean_return", "std_return", "seconds", "alpha",
            "critic_loss", "critic_lipschitz_product", "critic_gradient_max");

    /** Everything a run writes into its directory. */
    private static final List<String> OUTPUTS = List.of(RunExecutor.CONFIG_FILE, RETURNS_FILE, "returns.png",
            RunExecutor.SUMMARY_FILE);

    private RlRunner() {}

    /**
     * Runs a validated config.
     *
     * @param config the config
     * @param runDir the run directory (must not hold a run yet)
     * @param progress receives one line per evaluation
     * @return the learning curve
     * @throws RunSetupException if the directory already holds a run
     * @throws IOException if writing fails
     */
    public static List<EvaluationPoint> run(RlConfig config, Path runDir, Consumer<String> progress)
            throws RunSetupException, IOException {
        if (Files.exists(runDir.resolve(RunExecutor.CONFIG_FILE))) {
            throw new RunSetupException(runDir + ": already holds a run; choose another --out", null);
        }
        ObjectNode resolved = ConfigLoader.toTree(config);
        AtomicFiles.writeString(runDir.resolve(RunExecutor.CONFIG_FILE), ConfigLoader.json().writeValueAsString(resolved));
        Environment probe = Environments.create(config.env);
        int[] hidden = config.hidden.stream().mapToInt(Integer::intValue).toArray();
        boolean spectral = "spectral-norm".equals(config.critic.regularizer);
        SacTraining.Settings settings = new SacTraining.Settings(config.steps, config.learningStarts, config.batchSize,
                config.updatesPerStep, config.evalInterval, config.evalEpisodes, config.seed);
        int obs = probe.observationSize();
        int act = probe.actionSpace().actionSize();
        AdversarialCriticPenalty penalty = "adversarial".equals(config.critic.regularizer)
                ? new AdversarialCriticPenalty(config.critic.epsilon, config.critic.lambda, config.critic.steps) : null;
        try (SacAgent agent = SacAgent.builder()
                .setSizes(obs, act)
                .optHidden(hidden)
                .optCritic(() -> spectral
                        ? Mlp.spectrallyNormalized(hidden, 1, (float) config.critic.spectralNormTarget)
                        : Mlp.of(hidden, 1))
                .optCriticPenalty(penalty)
                .optLearningRate(config.learningRate)
                .optGamma(config.gamma)
                .optTau(config.tau)
                .optSeed(config.seed)
                .build();
                LearnedDynamics model = "mbpo".equals(config.agent) ? dynamics(config, obs, act) : null) {
            Consumer<EvaluationPoint> log = p -> progress.accept(String.format(java.util.Locale.ROOT,
                            "step %d/%d  return %.1f ± %.1f  alpha %.3f  critic loss %.3f  L_prod %.3g  |grad Q| %.3g  (%.0f s)",
                            p.step(), config.steps, p.meanReturn(), p.stdReturn(), p.alpha(), p.criticLoss(),
                            p.criticLipschitzProduct(), p.criticGradientMax(), p.seconds()));
            List<EvaluationPoint> curve = model == null
                    ? new SacTraining(settings).run(agent, () -> Environments.create(config.env), log)
                    : new MbpoTraining(new MbpoTraining.Settings(settings, config.model.interval,
                            config.rollout.perStep, config.rollout.length, config.rollout.realRatio,
                            config.rollout.retain)).run(agent, model, () -> Environments.create(config.env), log);
            write(config, runDir, curve);
            return curve;
        }
    }

    /**
     * Deletes what a run wrote into its directory, so that an interrupted run can start over
     * there; other files (a sweep's log, say) stay.
     *
     * @param runDir the run directory
     * @throws IOException if a file cannot be deleted
     */
    public static void discard(Path runDir) throws IOException {
        for (String file : OUTPUTS) {
            Files.deleteIfExists(runDir.resolve(file));
        }
    }

    private static LearnedDynamics dynamics(RlConfig config, int obs, int act) {
        LearnedDynamics.Builder b = LearnedDynamics.builder().setSizes(obs, act)
                .optHidden(config.model.hidden.stream().mapToInt(Integer::intValue).toArray())
                .optTraining(config.model.trainSteps, config.batchSize)
                .optSeed(config.seed + 17);
        return ("single".equals(config.model.type) ? b.single() : b.ensemble(config.model.members, config.model.elites))
                .build();
    }

    private static void write(RlConfig config, Path runDir, List<EvaluationPoint> curve) throws IOException {
        Table table = Table.create("returns").addColumns(IntColumn.create(RETURNS_COLUMNS.get(0)));
        RETURNS_COLUMNS.subList(1, RETURNS_COLUMNS.size()).forEach(c -> table.addColumns(DoubleColumn.create(c)));
        for (EvaluationPoint p : curve) {
            table.intColumn("step").append(Math.toIntExact(p.step()));
            table.doubleColumn("mean_return").append(p.meanReturn());
            table.doubleColumn("std_return").append(p.stdReturn());
            table.doubleColumn("seconds").append(p.seconds());
            table.doubleColumn("alpha").append(p.alpha());
            table.doubleColumn("critic_loss").append(p.criticLoss());
            table.doubleColumn("critic_lipschitz_product").append(p.criticLipschitzProduct());
            table.doubleColumn("critic_gradient_max").append(p.criticGradientMax());
        }
        CertifyOutputs.csv(table, runDir.resolve(RETURNS_FILE));
        plot(config, curve, runDir.resolve("returns.png"));
        EvaluationPoint last = curve.get(curve.size() - 1);
        ObjectNode summary = ConfigLoader.json().createObjectNode();
        summary.put("name", config.name);
        // The summary is written last: a sweep takes a run whose summary says finished as done.
        summary.put("status", "finished");
        summary.put("env", config.env);
        summary.put("agent", config.agent);
        summary.put("critic", config.critic.regularizer);
        if ("mbpo".equals(config.agent)) {
            summary.put("model", config.model.type);
        }
        summary.put("steps", config.steps);
        summary.put("final_return", last.meanReturn());
        summary.put("best_return", curve.stream().mapToDouble(EvaluationPoint::meanReturn).max().orElseThrow());
        summary.put("mean_return_over_curve", curve.stream().mapToDouble(EvaluationPoint::meanReturn).average()
                .orElseThrow());
        summary.put("critic_lipschitz_product", last.criticLipschitzProduct());
        summary.put("critic_gradient_max", last.criticGradientMax());
        summary.put("seconds", last.seconds());
        AtomicFiles.writeString(runDir.resolve(RunExecutor.SUMMARY_FILE), ConfigLoader.json().writeValueAsString(summary));
    }

    private static void plot(RlConfig config, List<EvaluationPoint> curve, Path file) throws IOException {
        XYChart chart = new XYChartBuilder().width(640).height(420)
                .title(config.env + " — " + config.agent + ("mbpo".equals(config.agent) ? " " + config.model.type : "")
                        + " (critic: " + config.critic.regularizer + ")")
                .xAxisTitle("environment steps").yAxisTitle("mean evaluation return").build();
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setLegendVisible(false);
        double[] x = curve.stream().mapToDouble(EvaluationPoint::step).toArray();
        double[] y = curve.stream().mapToDouble(EvaluationPoint::meanReturn).toArray();
        double[] err = curve.stream().mapToDouble(EvaluationPoint::stdReturn).toArray();
        chart.addSeries("return", x, y, err).setMarker(SeriesMarkers.CIRCLE);
        byte[] png = BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
        AtomicFiles.write(file, out -> out.write(png));
    }
}
