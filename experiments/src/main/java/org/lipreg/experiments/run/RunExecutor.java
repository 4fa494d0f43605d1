package org.lipreg.experiments.run;

import ai.djl.Model;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.evaluator.Accuracy;
import ai.djl.training.loss.Loss;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.lipreg.experiments.config.ConfigException;
import org.lipreg.experiments.config.ConfigLoader;
import org.lipreg.experiments.config.RunConfig;
import org.lipreg.experiments.data.Datasets;
import org.lipreg.experiments.data.Standardization;
import org.lipreg.experiments.data.TrainTestData;
import org.lipreg.experiments.model.ModelFactory;
import org.lipreg.experiments.sweep.SweepRunner;
import org.lipreg.experiments.text.Perplexity;
import org.lipreg.experiments.text.TextData;
import org.lipreg.experiments.text.TokenCrossEntropy;
import org.lipreg.experiments.text.Vocabulary;
import org.lipreg.training.internal.AtomicFiles;
import org.lipreg.training.io.RunDirectoryLock;
import org.lipreg.training.regularizer.LipschitzMonitor;
import org.lipreg.training.regularizer.Regularizer;
import org.lipreg.training.runner.EpochMetrics;
import org.lipreg.training.runner.NonFiniteLossException;
import org.lipreg.training.runner.StopRequest;
import org.lipreg.training.runner.TrainingInterruptedException;
import org.lipreg.training.runner.TrainingProgress;
import org.lipreg.training.runner.TrainingResult;
import org.lipreg.training.runner.TrainingRunner;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Runs one training config into a run directory:
 *
 * <pre>
 * config.json      the resolved config (every default filled in)
 * standardization.json  csv data only: feature statistics and label values, for new rows
 * metrics.csv      one row per epoch
 * checkpoints/     the newest checkpoints, for --resume
 * model/           the final parameters in DJL's format (model-NNNN.params)
 * summary.json     status, final and best metrics, time
 * loss.png, accuracy.png   the learning curves, redrawn after every epoch
 * steps.csv        with log.everySteps N: a row every N batches of an epoch
 * .lock            the run-directory lock, held while a process uses the directory
 * </pre>
 *
 * A language model ({@code data.type: text}, {@code model.preset: transformer}) writes {@code
 * vocabulary.txt} (one word a line, line i is id i) instead of {@code standardization.json}, its
 * metrics have {@code train_perplexity} and {@code test_perplexity} instead of the accuracies, and
 * it plots {@code perplexity.png} instead of {@code accuracy.png}.
 *
 * Everything that can be wrong with the user's input (config, data files, an occupied or
 * unwritable directory) is found before the first byte of the run is written; a run that fails
 * before its first epoch ends removes what it wrote. While it runs, the directory is locked.
 */
public final class RunExecutor {

    /** Name of the resolved config file in a run directory. */
    public static final String CONFIG_FILE = "config.json";

    /** Name of the summary file in a run directory. */
    public static final String SUMMARY_FILE = "summary.json";

    /** Directory (inside the run directory) of the final model. */
    public static final String MODEL_DIR = "model";

    /** Name of the model inside {@link #MODEL_DIR}. */
    public static final String MODEL_NAME = "model";

    /**
     * Entries that do not make a directory "occupied": the lock file, and what a sweep keeps
     * beside the run it starts there (runs never write these names).
     */
    public static final Set<String> NOT_RUN_CONTENT = Set.of(RunDirectoryLock.FILE_NAME,
            SweepRunner.RUN_CONFIG_FILE, SweepRunner.LOG_FILE, SweepRunner.FAILURE_FILE);

    private final TrainingProgress progress;
    private final Path baseDir;
    private final StopRequest stopRequest;

    /**
     * Creates an executor.
     *
     * @param progress where training progress goes
     * @param baseDir the directory relative data paths are resolved against
     */
    public RunExecutor(TrainingProgress progress, Path baseDir) {
        this(progress, baseDir, new StopRequest());
    }

    /**
     * Creates an executor whose runs stop when asked (e.g. on Ctrl-C).
     *
     * @param progress where training progress goes
     * @param baseDir the directory relative data paths are resolved against
     * @param stopRequest stops a run before its next batch; the run then throws {@link
     *     TrainingInterruptedException}
     */
    public RunExecutor(TrainingProgress progress, Path baseDir, StopRequest stopRequest) {
        this.progress = progress;
        this.baseDir = baseDir;
        this.stopRequest = stopRequest;
    }

    /**
     * Trains, holding the run directory's lock for the whole run (see {@link LockedRunDirectory}:
     * which directories are accepted, and what a run that fails before its first epoch leaves,
     * which is nothing).
     *
     * @param config a validated config
     * @param runDir the run directory
     * @param resume continue the run in {@code runDir} from its newest checkpoint
     * @return the result
     * @throws ConfigException if the model does not fit the data
     * @throws RunSetupException if the directory or the data cannot be used
     * @throws org.lipreg.training.io.RunDirectoryLockedException if another process uses the directory
     * @throws IOException if writing the run fails
     * @throws NonFiniteLossException if training diverges (summary.json says so)
     * @throws TrainingInterruptedException if the stop request stopped it (after its first epoch,
     *     summary.json says so and the run can be resumed)
     */
    public RunResult run(RunConfig config, Path runDir, boolean resume)
            throws ConfigException, RunSetupException, IOException {
        if (config.model != null) {
            config.model.resolveDefaults();
        }
        ObjectNode resolved = ConfigLoader.toTree(config);
        try (LockedRunDirectory locked = LockedRunDirectory.open(runDir, resolved, resume)) {
            try {
                return "text".equals(config.data.type)
                        ? runLanguageModel(config, runDir, resume, resolved)
                        : runClassifier(config, runDir, resume, resolved);
            } catch (NonFiniteLossException e) {
                // A diverged run is a result, even in its first epoch: summary.json records it
                // (sweeps report it and do not rerun it).
                throw e;
            } catch (Throwable t) {
                locked.failed(t);
                throw t;
            }
        }
    }

    /** An image or tabular classifier: cross-entropy, accuracy. */
    private RunResult runClassifier(RunConfig config, Path runDir, boolean resume, ObjectNode resolved)
            throws ConfigException, RunSetupException, IOException {
        TrainTestData data;
        try {
            data = Datasets.load(config.data, config.seed, baseDir);
        } catch (IOException e) {
            throw new RunSetupException(e.getMessage(), e);
        }
        Shape example = data.train().exampleShape();
        Block block = ModelFactory.build(config.model, example, data.numClasses(), config.data.batchSize);

        AtomicFiles.writeString(runDir.resolve(CONFIG_FILE), ConfigLoader.json().writeValueAsString(resolved));
        if (data.standardization() != null) {
            data.standardization().write(runDir.resolve(Standardization.FILE));
        }
        int batch = config.data.batchSize;
        int stepsPerEpoch = (data.train().size() + batch - 1) / batch;
        List<Regularizer> regularizers = Regularizers.build(config.regularizers, block, config.seed);
        RunPlots plots = RunPlots.classifier(runDir);
        try (Model model = Model.newInstance(MODEL_NAME);
                NDManager dataManager = NDManager.newBaseManager()) {
            model.setBlock(block);
            TrainingRunner.Builder builder = TrainingRunner.builder()
                    .setModel(model)
                    .setData(data.train().toDataset(dataManager, batch), data.test().toDataset(dataManager, batch))
                    .setLoss(Loss.softmaxCrossEntropyLoss())
                    .addEvaluator(new Accuracy())
                    .setOptimizer(OptimizerFactory.build(config.optimizer, config.schedule, stepsPerEpoch, config.epochs))
                    .setEpochs(config.epochs)
                    .setBatchSize(batch)
                    .optSeed(config.seed)
                    .optInputNoise(config.data.trainingNoise)
                    .setInputShape(new Shape(batch).addAll(example))
                    .setRunDirectory(runDir)
                    .optProgress(progress)
                    .optStopRequest(stopRequest)
                    .addEpochListener(plots)
                    .addEpochMetrics(new LipschitzMonitor());
            logSteps(builder, config);
            regularizers.forEach(builder::addHook);
            TrainingRunner runner = builder.build();
            TrainingResult result;
            try {
                result = runner.fit(resume);
            } catch (NonFiniteLossException e) {
                writeSummary(runDir, config, imageFields(data), null, "diverged", e.getMessage(), "test_accuracy", true);
                throw e;
            } catch (TrainingInterruptedException e) {
                writeInterruptedSummary(runDir, config, imageFields(data), e);
                throw e;
            }
            saveModel(model, runDir, config.epochs);
            writeSummary(runDir, config, imageFields(data), result, "finished", null, "test_accuracy", true);
            drawIfNoEpochRan(plots, result);
            return new RunResult(runDir, result, data, null);
        } finally {
            Regularizers.close(regularizers);
        }
    }

    /** The transformer language model on text: next-token cross-entropy, perplexity. */
    private RunResult runLanguageModel(RunConfig config, Path runDir, boolean resume, ObjectNode resolved)
            throws IOException, RunSetupException {
        int length = config.model.sequenceLength;
        TextData data;
        try {
            data = TextData.load(config.data, length, baseDir);
        } catch (IOException e) {
            throw new RunSetupException(e.getMessage(), e);
        }
        Block block = ModelFactory.languageModel(config.model, data.vocabulary().size());
        AtomicFiles.writeString(runDir.resolve(CONFIG_FILE), ConfigLoader.json().writeValueAsString(resolved));
        data.vocabulary().write(runDir.resolve(Vocabulary.FILE));
        int batch = config.data.batchSize;
        int stepsPerEpoch = (data.train().windows() + batch - 1) / batch;
        java.util.function.Consumer<ObjectNode> fields = summary -> {
            summary.put("data", data.description());
            summary.put("trainExamples", data.train().windows());
            summary.put("testExamples", data.test().windows());
            summary.put("vocabulary", data.vocabulary().size());
            summary.put("trainTokens", data.trainTokens());
            summary.put("testTokens", data.testTokens());
            summary.put("testTargetsScored", data.test().targets());
            summary.put("testUnknownTokens", data.testUnknown());
        };
        RunPlots plots = RunPlots.languageModel(runDir);
        try (Model model = Model.newInstance(MODEL_NAME);
                NDManager dataManager = NDManager.newBaseManager()) {
            model.setBlock(block);
            TrainingRunner.Builder builder = TrainingRunner.builder()
                    .setModel(model)
                    .setData(data.train().toDataset(dataManager, batch), data.test().toDataset(dataManager, batch))
                    .setLoss(new TokenCrossEntropy())
                    .addEvaluator(new Perplexity())
                    .setOptimizer(OptimizerFactory.build(config.optimizer, config.schedule, stepsPerEpoch, config.epochs))
                    .setEpochs(config.epochs)
                    .setBatchSize(batch)
                    .optSeed(config.seed)
                    .setInputShape(new Shape(batch, length))
                    .setRunDirectory(runDir)
                    .optProgress(progress)
                    .optStopRequest(stopRequest)
                    .addEpochListener(plots);
            logSteps(builder, config);
            TrainingRunner runner = builder.build();
            TrainingResult result;
            try {
                result = runner.fit(resume);
            } catch (NonFiniteLossException e) {
                writeSummary(runDir, config, fields, null, "diverged", e.getMessage(), "test_perplexity", false);
                throw e;
            } catch (TrainingInterruptedException e) {
                writeInterruptedSummary(runDir, config, fields, e);
                throw e;
            }
            saveModel(model, runDir, config.epochs);
            writeSummary(runDir, config, fields, result, "finished", null, "test_perplexity", false);
            drawIfNoEpochRan(plots, result);
            return new RunResult(runDir, result, null, data);
        }
    }

    private static java.util.function.Consumer<ObjectNode> imageFields(TrainTestData data) {
        return summary -> {
            summary.put("data", data.description());
            summary.put("trainExamples", data.train().size());
            summary.put("testExamples", data.test().size());
        };
    }

    /**
     * Returns the first key path where two config trees differ, or null if they are equal.
     *
     * @param path the path of the two trees ("" at the root)
     * @param a one tree
     * @param b the other
     * @return the first differing key path, or null
     */
    public static String firstDifference(String path, JsonNode a, JsonNode b) {
        if (a.isObject() && b.isObject()) {
            java.util.TreeSet<String> keys = new java.util.TreeSet<>();
            a.fieldNames().forEachRemaining(keys::add);
            b.fieldNames().forEachRemaining(keys::add);
            for (String key : keys) {
                JsonNode x = a.get(key);
                JsonNode y = b.get(key);
                String p = path.isEmpty() ? key : path + "." + key;
                if (x == null || y == null) {
                    return p;
                }
                String d = firstDifference(p, x, y);
                if (d != null) {
                    return d;
                }
            }
            return null;
        }
        if (a.isArray() && b.isArray()) {
            if (a.size() != b.size()) {
                return path;
            }
            Iterator<JsonNode> i = a.elements();
            Iterator<JsonNode> j = b.elements();
            int k = 0;
            while (i.hasNext()) {
                String d = firstDifference(path + "[" + k++ + "]", i.next(), j.next());
                if (d != null) {
                    return d;
                }
            }
            return null;
        }
        if (a.isNumber() && b.isNumber()) {
            return a.asDouble() == b.asDouble() ? null : path;
        }
        return a.equals(b) ? null : path;
    }

    private static void saveModel(Model model, Path runDir, int epochs) throws IOException {
        Path target = runDir.resolve(MODEL_DIR);
        Path temp = AtomicFiles.newTemporaryDirectory(target);
        try {
            model.setProperty("Epoch", String.valueOf(epochs));
            model.save(temp, MODEL_NAME);
            deleteTree(target);
            Files.move(temp, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } finally {
            deleteTree(temp);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static void writeSummary(
            Path runDir, RunConfig config, java.util.function.Consumer<ObjectNode> dataFields, TrainingResult result,
            String status, String error, String bestBy, boolean higherIsBetter)
            throws IOException {
        ObjectNode summary = ConfigLoader.json().createObjectNode();
        summary.put("name", config.name);
        summary.put("status", status);
        if (error != null) {
            summary.put("error", error);
        }
        dataFields.accept(summary);
        summary.put("epochs", config.epochs);
        if (result != null) {
            List<EpochMetrics> history = result.history();
            summary.put("resumedFromEpoch", result.resumedFromEpoch());
            summary.put("seconds", history.stream().mapToDouble(m -> m.get("seconds")).sum());
            ObjectNode last = summary.putObject("final");
            for (Map.Entry<String, Double> e : result.last().values().entrySet()) {
                last.put(e.getKey(), e.getValue());
            }
            Comparator<EpochMetrics> order = Comparator.comparingDouble(m -> m.get(bestBy));
            EpochMetrics best = history.stream()
                    .max(higherIsBetter ? order : order.reversed())
                    .orElseThrow();
            ObjectNode bestNode = summary.putObject("best");
            bestNode.put("epoch", best.epoch());
            bestNode.put(bestBy, best.get(bestBy));
            bestNode.put("test_loss", history.stream().mapToDouble(m -> m.get("test_loss")).min().orElseThrow());
        }
        AtomicFiles.writeString(runDir.resolve(SUMMARY_FILE), ConfigLoader.json().writeValueAsString(summary));
    }

    /**
     * Records where an interrupted run stopped. Before its first checkpoint there is nothing to
     * resume and the run leaves nothing at all, so no summary is written then.
     */
    private static void writeInterruptedSummary(
            Path runDir, RunConfig config, java.util.function.Consumer<ObjectNode> dataFields,
            TrainingInterruptedException e)
            throws IOException {
        if (e.lastCheckpointEpoch() == 0) {
            return;
        }
        java.util.function.Consumer<ObjectNode> where = summary -> {
            summary.put("stoppedInEpoch", e.epoch());
            summary.put("stoppedAfterBatches", e.batchesDone());
            summary.put("resumesAfterEpoch", e.lastCheckpointEpoch());
        };
        writeSummary(runDir, config, dataFields.andThen(where), null, "interrupted", e.getMessage(), null, true);
    }

    /** {@code log.everySteps}: steps.csv. */
    private static void logSteps(TrainingRunner.Builder builder, RunConfig config) {
        if (config.log != null && config.log.everySteps != null) {
            builder.optLogEverySteps(config.log.everySteps);
        }
    }

    /**
     * The plots are drawn after each epoch; a resumed run that had trained all its epochs (killed
     * after its last checkpoint) trains none, so it draws them here.
     */
    private static void drawIfNoEpochRan(RunPlots plots, TrainingResult result) {
        if (result.resumedFromEpoch() == result.history().size()) {
            plots.epochWritten(result.history());
        }
    }
}
