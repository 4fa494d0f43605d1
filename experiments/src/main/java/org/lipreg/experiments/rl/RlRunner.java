package org.lipreg.experiments.rl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.lipreg.experiments.certify.CertifyOutputs;
import org.lipreg.experiments.config.ConfigLoader;
import org.lipreg.experiments.run.BestEffortPlots;
import org.lipreg.experiments.run.RunExecutor;
import org.lipreg.experiments.run.RunSetupException;
import org.lipreg.rl.env.Environment;
import org.lipreg.rl.env.Environments;
import org.lipreg.rl.mbpo.MbpoTraining;
import org.lipreg.rl.model.LearnedDynamics;
import org.lipreg.rl.sac.AdversarialCriticPenalty;
import org.lipreg.rl.sac.EvaluationPoint;
import org.lipreg.rl.sac.LoopCheckpoints;
import org.lipreg.rl.sac.Mlp;
import org.lipreg.rl.sac.SacAgent;
import org.lipreg.rl.sac.SacTraining;
import org.lipreg.training.internal.AtomicFiles;
import org.lipreg.training.io.RunDirectoryLock;
import org.lipreg.training.io.RunDirectoryLockedException;
import org.lipreg.training.runner.CheckpointStore;

import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.Table;

import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Trains one RL config into a run directory:
 *
 * <pre>
 * config.json    the resolved config
 * returns.csv    one row per evaluation, written as it is made: step, mean and std return,
 *                seconds, α, critic loss, critic Lipschitz product bound and sampled gradient norm
 * checkpoints/   the two newest checkpoints (one per evaluation), for --resume
 * returns.png    the learning curve, redrawn after each evaluation
 * summary.json   status ({@code finished}), final and best return, area under the curve, seconds
 * </pre>
 *
 * A run stopped anywhere continues with {@code resume}, to the same rows as a run that never
 * stopped. The directory must be new or empty (a sweep's own files and the lock file aside), or
 * hold an RL run to resume; it is locked ({@link RunDirectoryLock}) for the whole run.
 */
public final class RlRunner {

    /** The learning-curve file of a run directory. */
    public static final String RETURNS_FILE = "returns.csv";

    /** The columns of {@link #RETURNS_FILE}: the environment step, then the figures of each evaluation. */
    public static final List<String> RETURNS_COLUMNS = List.of("step", "mean_return", "std_return", "seconds", "alpha",
            "critic_loss", "critic_lipschitz_product", "critic_gradient_max");

    /** The checkpoint directory of a run directory. */
    public static final String CHECKPOINTS_DIR = "checkpoints";

    /** Everything a run writes into its directory (and {@link #CHECKPOINTS_DIR}). */
    private static final List<String> OUTPUTS = List.of(RunExecutor.CONFIG_FILE, RETURNS_FILE, "returns.png",
            RunExecutor.SUMMARY_FILE);

    private RlRunner() {}

    /**
     * Runs a validated config into a new or empty directory.
     *
     * @param config the config
     * @param runDir the run directory
     * @param progress receives one line per evaluation
     * @return the learning curve
     * @throws RunSetupException if the directory cannot take the run
     * @throws IOException if writing fails
     */
    public static List<EvaluationPoint> run(RlConfig config, Path runDir, Consumer<String> progress)
            throws RunSetupException, IOException {
        return run(config, runDir, false, progress);
    }

    /**
     * Runs a validated config, or continues the run in {@code runDir} from its newest checkpoint.
     *
     * @param config the config (to resume: the run's own)
     * @param runDir the run directory
     * @param resume continue the run in the directory (a new or empty one starts a run)
     * @param progress receives one line per evaluation
     * @return the learning curve, rows before a resume included
     * @throws RunSetupException if the directory cannot take the run (nothing is written then)
     * @throws RunDirectoryLockedException if another process is using the directory
     * @throws IOException if writing fails
     */
    public static List<EvaluationPoint> run(RlConfig config, Path runDir, boolean resume, Consumer<String> progress)
            throws RunSetupException, IOException {
        ObjectNode resolved = ConfigLoader.toTree(config);
        checkDirectory(runDir, resolved, resume);
        try (RunDirectoryLock lock = RunDirectoryLock.acquire(runDir)) {
            // Again under the lock: another process may have started a run here in between.
            checkDirectory(runDir, resolved, resume);
            removeStaleTemporaryFiles(runDir);
            Path configFile = runDir.resolve(RunExecutor.CONFIG_FILE);
            if (!Files.exists(configFile)) {
                AtomicFiles.writeString(configFile, ConfigLoader.json().writeValueAsString(resolved));
            }
            CheckpointStore checkpoints = new CheckpointStore(runDir.resolve(CHECKPOINTS_DIR), 2);
            List<EvaluationPoint> rows = new ArrayList<>(LoopCheckpoints.newestCurve(checkpoints).orElse(List.of()));
            // Best effort: a plot that cannot be drawn is reported once and never stops the run.
            BestEffortPlots plots = new BestEffortPlots();
            Path plotFile = runDir.resolve("returns.png");
            if (!rows.isEmpty()) {
                // The file may hold rows past the checkpoint (when the newest one was damaged).
                writeReturns(rows, runDir);
                plots.draw(plotFile.toString(), () -> plot(config, rows, plotFile));
                progress.accept("resuming after step " + rows.get(rows.size() - 1).step() + " of " + config.steps);
            }
            List<EvaluationPoint> curve = train(config, progress, checkpoints, p -> {
                rows.add(p);
                writeReturns(rows, runDir);
                plots.draw(plotFile.toString(), () -> plot(config, rows, plotFile));
            });
            writeSummary(config, runDir, curve);
            return curve;
        }
    }

    /** Builds the agent (and model) and runs the loop; {@code row} sees each new row first. */
    private static List<EvaluationPoint> train(RlConfig config, Consumer<String> progress, CheckpointStore checkpoints,
            RowWriter row) throws IOException {
        Environment probe = Environments.create(config.env);
        int[] hidden = config.hidden.stream().mapToInt(Integer::intValue).toArray();
        // "spectral-norm+adversarial" is both, as Zheng et al. train their Lipschitz critic.
        boolean spectral = config.critic.regularizer.startsWith("spectral-norm");
        SacTraining.Settings settings = new SacTraining.Settings(config.steps, config.learningStarts, config.batchSize,
                config.updatesPerStep, config.evalInterval, config.evalEpisodes, config.seed);
        int obs = probe.observationSize();
        int act = probe.actionSpace().actionSize();
        AdversarialCriticPenalty penalty = config.critic.regularizer.endsWith("adversarial")
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
            Consumer<EvaluationPoint> log = p -> {
                try {
                    row.write(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                progress.accept(String.format(java.util.Locale.ROOT,
                        "step %d/%d  return %.1f ± %.1f  alpha %.3f  critic loss %.3f  L_prod %.3g  |grad Q| %.3g  (%.0f s)",
                        p.step(), config.steps, p.meanReturn(), p.stdReturn(), p.alpha(), p.criticLoss(),
                        p.criticLipschitzProduct(), p.criticGradientMax(), p.seconds()));
            };
            try {
                return model == null
                        ? new SacTraining(settings).run(agent, () -> Environments.create(config.env), log, checkpoints)
                        : new MbpoTraining(new MbpoTraining.Settings(settings, config.model.interval,
                                config.rollout.perStep, config.rollout.length, config.rollout.realRatio,
                                config.rollout.retain)).run(agent, model, () -> Environments.create(config.env), log,
                                        checkpoints);
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
        }
    }

    /** Receives each evaluation row as it is made. */
    @FunctionalInterface
    private interface RowWriter {
        void write(EvaluationPoint point) throws IOException;
    }

    /**
     * Refuses, before anything is written, a path that is a file, a directory that holds files
     * but no run, a run without {@code resume}, and a run of another config with it.
     */
    private static void checkDirectory(Path runDir, ObjectNode resolved, boolean resume) throws RunSetupException {
        if (Files.exists(runDir) && !Files.isDirectory(runDir)) {
            throw new RunSetupException(runDir + ": exists and is not a directory", null);
        }
        Path configFile = runDir.resolve(RunExecutor.CONFIG_FILE);
        if (!Files.exists(configFile)) {
            List<String> foreign = foreignEntries(runDir);
            if (foreign.contains(CHECKPOINTS_DIR) && resume) {
                throw new RunSetupException(runDir + ": has checkpoints but no " + RunExecutor.CONFIG_FILE
                        + "; cannot resume", null);
            }
            if (!foreign.isEmpty()) {
                throw new RunSetupException(runDir + ": is not empty (" + String.join(", ", foreign.subList(0,
                        Math.min(3, foreign.size()))) + (foreign.size() > 3 ? ", ..." : "") + ") and holds no "
                        + "lipreg rl run; choose a new or empty --out", null);
            }
            return;
        }
        if (!resume) {
            throw new RunSetupException(runDir + ": already holds a run; pass --resume to continue it, "
                    + "or choose another --out", null);
        }
        JsonNode stored;
        try {
            stored = ConfigLoader.json().readTree(Files.readString(configFile));
        } catch (IOException e) {
            throw new RunSetupException(configFile + ": cannot be read: " + e.getMessage(), e);
        }
        if (!stored.has("agent") || !stored.has("env")) {
            throw new RunSetupException(runDir + ": holds a run that is not an RL run (" + configFile
                    + " has no agent and env); lipreg rl cannot resume it", null);
        }
        String difference = RunExecutor.firstDifference("", stored, resolved);
        if (difference != null) {
            throw new RunSetupException("--resume: the config differs from " + configFile + " at '" + difference
                    + "'; a resumed run must use the same config", null);
        }
    }

    /** The directory's entries that a run did not put there (sorted), or none if it does not exist. */
    private static List<String> foreignEntries(Path dir) throws RunSetupException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.map(p -> p.getFileName().toString())
                    .filter(name -> !RunExecutor.NOT_RUN_CONTENT.contains(name) && !isTemporaryFileOfARun(name)).sorted().toList();
        } catch (IOException e) {
            throw new RunSetupException(dir + ": cannot be listed: " + e.getMessage(), e);
        }
    }

    /** Whether a name is that of an atomic write's temporary file of a run's (or a sweep's) file. */
    private static boolean isTemporaryFileOfARun(String name) {
        if (!name.endsWith(AtomicFiles.TEMP_SUFFIX)) {
            return false;
        }
        return Stream.concat(OUTPUTS.stream(), RunExecutor.NOT_RUN_CONTENT.stream()).anyMatch(file -> name.startsWith("." + file + "."));
    }

    /** Deletes what a killed run left half-written: the temporary files of atomic writes. */
    private static void removeStaleTemporaryFiles(Path runDir) throws IOException {
        for (Path dir : List.of(runDir, runDir.resolve(CHECKPOINTS_DIR))) {
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (Stream<Path> entries = Files.list(dir)) {
                for (Path p : entries.toList()) {
                    String name = p.getFileName().toString();
                    if (name.startsWith(".") && name.endsWith(AtomicFiles.TEMP_SUFFIX) && Files.isRegularFile(p)) {
                        Files.delete(p);
                    }
                }
            }
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

    /** Rewrites returns.csv atomically with all rows so far: a reader never sees half a row. */
    private static void writeReturns(List<EvaluationPoint> curve, Path runDir) throws IOException {
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
    }

    /** The summary of a finished run, written last. */
    private static void writeSummary(RlConfig config, Path runDir, List<EvaluationPoint> curve) throws IOException {
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

    /** The learning curve: mean evaluation return ± std against environment steps. */
    static void plot(RlConfig config, List<EvaluationPoint> curve, Path file) throws IOException {
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
