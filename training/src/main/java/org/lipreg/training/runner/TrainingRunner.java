package org.lipreg.training.runner;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.ParameterList;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.BatchSampler;
import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.dataset.SequenceSampler;
import ai.djl.training.evaluator.Evaluator;
import ai.djl.training.loss.Loss;
import ai.djl.translate.TranslateException;
import ai.djl.util.Pair;

import org.lipreg.normalization.hook.StepContext;
import org.lipreg.normalization.hook.StepHook;
import org.lipreg.normalization.hook.StepHooks;
import org.lipreg.training.data.GaussianInputNoise;
import org.lipreg.training.data.SeededShuffleSampler;
import org.lipreg.training.optimizer.CheckpointableOptimizer;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Trains a DJL model epoch by epoch with checkpoints, metrics and progress.
 *
 * <p>One step (DESIGN §3.5): hooks' {@code beforeForward} → forward → data loss + hooks'
 * auxiliary terms → backward → hooks' {@code afterBackward} → optimizer step. The hooks are every
 * {@link StepHook} block in the model plus any added with {@link Builder#addHook}.
 *
 * <p>Reproducibility: the engine's generator is seeded from (seed, epoch) at the start of every
 * epoch and the data order is a pure function of (seed, epoch), so a run resumed from the
 * checkpoint of epoch e gives the same metrics as one that never stopped.
 *
 * <p>After every epoch the runner writes {@code checkpoints/checkpoint-NNNN.ckpt} (model
 * parameters, optimizer state, hook state, metrics so far; atomically) and rewrites {@code
 * metrics.csv}; with {@link Builder#optLogEverySteps} it appends a row to {@code steps.csv} every N
 * batches ({@link StepsCsv}). A non-finite loss throws {@link NonFiniteLossException} before the bad step
 * changes anything on disk. A {@link StopRequest} (e.g. from a Ctrl-C handler) stops training
 * before the next batch with {@link TrainingInterruptedException}.
 *
 * <p>Ownership: hooks added with {@link Builder#addHook} belong to the runner once {@link #fit}
 * is called; fit closes those that are {@link AutoCloseable} (e.g. {@code SpectralNormPenalty},
 * which holds native vectors) when it ends, normally or not. A runner therefore fits once. Hooks
 * that are blocks of the model belong to the model.
 */
public final class TrainingRunner {

    private static final int PAYLOAD_VERSION = 1;

    /** Name of the per-epoch metrics file in the run directory. */
    public static final String METRICS_FILE = "metrics.csv";

    private final Model model;
    private final RandomAccessDataset trainData;
    private final RandomAccessDataset testData;
    private final Loss loss;
    private final List<Evaluator> evaluators;
    private final CheckpointableOptimizer optimizer;
    private final int epochs;
    private final int batchSize;
    private final long seed;
    private final Shape inputShape;
    private final Path runDirectory;
    private final List<StepHook> extraHooks;
    private final TrainingProgress progress;
    private final int keepCheckpoints;
    private final List<EpochMetricsSource> epochSources;
    private final GaussianInputNoise inputNoise;
    private final StopRequest stopRequest;
    private final int logEverySteps;
    private final List<EpochListener> epochListeners;
    private StepsCsv steps;
    private boolean fitted;

    private TrainingRunner(Builder b) {
        this.model = Objects.requireNonNull(b.model, "model");
        this.trainData = Objects.requireNonNull(b.trainData, "trainData");
        this.testData = Objects.requireNonNull(b.testData, "testData");
        this.loss = Objects.requireNonNull(b.loss, "loss");
        this.evaluators = List.copyOf(b.evaluators);
        this.optimizer = Objects.requireNonNull(b.optimizer, "optimizer");
        this.inputShape = Objects.requireNonNull(b.inputShape, "inputShape");
        this.runDirectory = Objects.requireNonNull(b.runDirectory, "runDirectory");
        this.extraHooks = List.copyOf(b.extraHooks);
        this.progress = b.progress;
        this.epochs = b.epochs;
        this.batchSize = b.batchSize;
        this.seed = b.seed;
        this.keepCheckpoints = b.keepCheckpoints;
        this.epochSources = List.copyOf(b.epochSources);
        this.inputNoise = b.inputNoise;
        this.stopRequest = b.stopRequest;
        this.logEverySteps = b.logEverySteps;
        this.epochListeners = List.copyOf(b.epochListeners);
    }

    /**
     * Creates a builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns the checkpoint store of a run directory.
     *
     * @param runDirectory the run directory
     * @return its checkpoint store
     */
    public static CheckpointStore checkpointsOf(Path runDirectory) {
        return new CheckpointStore(runDirectory.resolve("checkpoints"), 2);
    }

    /**
     * Trains for the configured number of epochs, then closes the {@link AutoCloseable} hooks
     * added with {@link Builder#addHook} (also when it throws). Call it once per runner.
     *
     * @param resume continue from the newest intact checkpoint in the run directory, if any;
     *     without it the directory must not hold a run (metrics or checkpoints)
     * @return the metrics of all epochs
     * @throws FileAlreadyExistsException if {@code resume} is false and the run directory
     *     already holds a run; nothing in it is touched
     * @throws IOException if reading data or writing the run directory fails
     * @throws NonFiniteLossException if the loss becomes NaN or infinite
     * @throws TrainingInterruptedException if the {@link StopRequest} asked training to stop
     * @throws IllegalStateException if this runner has fitted before
     */
    public TrainingResult fit(boolean resume) throws IOException {
        if (fitted) {
            throw new IllegalStateException("this TrainingRunner has fitted already (it closed its hooks); build a new one");
        }
        fitted = true;
        try {
            return train(resume);
        } finally {
            progress.fitEnded();
            closeSteps();
            closeHooks();
        }
    }

    /**
     * Tells whether a directory holds a run of this runner: {@code metrics.csv} or a checkpoint.
     *
     * @param runDirectory the directory
     * @return true if {@code fit(false)} would overwrite a run there
     * @throws IOException if the directory cannot be listed
     */
    public static boolean holdsRun(Path runDirectory) throws IOException {
        return Files.exists(runDirectory.resolve(METRICS_FILE)) || checkpointsOf(runDirectory).hasCheckpoints();
    }

    private TrainingResult train(boolean resume) throws IOException {
        long started = System.nanoTime();
        if (!resume && holdsRun(runDirectory)) {
            throw new FileAlreadyExistsException(runDirectory.toString(), null,
                    "already holds a run (" + METRICS_FILE + " or checkpoints); fit(true) continues it, "
                            + "or choose another directory");
        }
        Files.createDirectories(runDirectory);
        CheckpointStore store = new CheckpointStore(runDirectory.resolve("checkpoints"), keepCheckpoints);
        Path metricsFile = runDirectory.resolve(METRICS_FILE);

        // Parameter initialization draws from the engine's generator: seed it first.
        Engine.getInstance().setRandomSeed(seedFor(-1));
        DefaultTrainingConfig config = new DefaultTrainingConfig(loss).optOptimizer(optimizer);
        try (Trainer trainer = model.newTrainer(config)) {
            trainer.initialize(inputShape);
            List<Pair<String, StepHook>> hooks = new ArrayList<>(StepHooks.collect(model.getBlock()));
            for (int i = 0; i < extraHooks.size(); i++) {
                hooks.add(new Pair<>("extra/" + i, extraHooks.get(i)));
            }

            List<EpochMetrics> history = new ArrayList<>();
            long globalStep = 0;
            int startEpoch = 0;
            Path lastCheckpoint = null;
            if (resume) {
                Optional<CheckpointStore.Loaded> loaded = store.loadLatest();
                if (loaded.isPresent()) {
                    globalStep = restore(loaded.get(), hooks, history);
                    startEpoch = loaded.get().epoch();
                    lastCheckpoint = loaded.get().file();
                }
            }

            SeededShuffleSampler order = new SeededShuffleSampler(seed);
            // Closed when fit ends, as the hooks are.
            steps = logEverySteps > 0 ? StepsCsv.open(runDirectory.resolve(StepsCsv.FILE), logEverySteps, startEpoch)
                    : null;
            for (int epoch = startEpoch + 1; epoch <= epochs; epoch++) {
                long epochStart = System.nanoTime();
                Engine.getInstance().setRandomSeed(seedFor(epoch));
                order.setEpoch(epoch);
                Map<String, Double> train = new LinkedHashMap<>();
                globalStep = trainEpoch(trainer, hooks, order, epoch, globalStep, train);
                Map<String, Double> test = evaluate(trainer, epoch);

                Map<String, Double> row = new LinkedHashMap<>();
                row.put("epoch", (double) epoch);
                train.forEach((k, v) -> row.put("train_" + k, v));
                test.forEach((k, v) -> row.put("test_" + k, v));
                for (EpochMetricsSource source : epochSources) {
                    row.putAll(source.epochMetrics(model));
                }
                row.put("learning_rate", (double) optimizer.currentLearningRate());
                row.put("seconds", (System.nanoTime() - epochStart) / 1e9);
                row.put("rss_mb", ProcessMemory.residentMegabytes());
                row.put("heap_mb", ProcessMemory.committedHeapMegabytes());
                // Arrays alive under the model's manager: constant from epoch to epoch unless
                // something in the step leaks.
                row.put("ndarrays", (double) model.getNDManager().getManagedArrays().size());
                EpochMetrics metrics = new EpochMetrics(epoch, row);
                history.add(metrics);

                long stepsSoFar = globalStep;
                int finished = epoch;
                lastCheckpoint =
                        store.write(
                                epoch, out -> writePayload(out, finished, stepsSoFar, hooks, history));
                MetricsCsv.write(history, metricsFile);
                for (EpochListener listener : epochListeners) {
                    listener.epochWritten(List.copyOf(history));
                }
                progress.epochFinished(metrics);
            }
            if (history.isEmpty()) {
                throw new IllegalStateException("no epoch was trained (epochs = " + epochs + ")");
            }
            return new TrainingResult(
                    List.copyOf(history), startEpoch, lastCheckpoint, (System.nanoTime() - started) / 1e9);
        } catch (TranslateException e) {
            throw new IOException("failed to read a batch: " + e.getMessage(), e);
        }
    }

    private long trainEpoch(
            Trainer trainer,
            List<Pair<String, StepHook>> hooks,
            SeededShuffleSampler order,
            int epoch,
            long globalStep,
            Map<String, Double> out)
            throws IOException, TranslateException {
        int batches = Math.toIntExact((trainData.size() + batchSize - 1) / batchSize);
        progress.epochStarted(epoch, epochs, batches);
        for (Evaluator e : evaluators) {
            e.addAccumulator("train");
            e.resetAccumulator("train");
        }
        double lossSum = 0;
        long examples = 0;
        int batchIndex = 0;
        long start = System.nanoTime();
        NDManager epochManager = trainer.getManager();
        TrainingStep trainingStep = new TrainingStep(trainer, loss, hooks.stream().map(Pair::getValue).toList());
        if (steps != null) {
            steps.epochStarted();
        }
        for (Batch batch : trainData.getData(epochManager, new BatchSampler(order, batchSize, false))) {
            if (stopRequest.isRequested()) {
                batch.close();
                // Every epoch before this one ended with a checkpoint.
                throw new TrainingInterruptedException(epoch, batchIndex, batches, epoch - 1);
            }
            batchIndex++;
            try (Batch b = batch;
                    NDManager stepManager = epochManager.newSubManager()) {
                NDList inputs = inputNoise == null ? b.getData() : inputNoise.apply(b.getData(), stepManager);
                StepContext step = new StepContext(stepManager, epoch - 1, batchIndex - 1, globalStep, inputs);
                float batchLoss = trainingStep.run(inputs, b.getLabels(), step, (labels, predictions) -> {
                    for (Evaluator e : evaluators) {
                        e.updateAccumulator("train", labels, predictions);
                    }
                });
                globalStep++;
                if (steps != null) {
                    steps.batchFinished(epoch, globalStep, batchLoss, optimizer.currentLearningRate());
                }
                long n = b.getSize();
                lossSum += (double) batchLoss * n;
                examples += n;
                double seconds = (System.nanoTime() - start) / 1e9;
                progress.batchFinished(batchIndex, batchLoss, examples / Math.max(seconds, 1e-9));
            }
        }
        out.put("loss", lossSum / examples);
        for (Evaluator e : evaluators) {
            out.put(e.getName().toLowerCase(java.util.Locale.ROOT), (double) e.getAccumulator("train"));
        }
        return globalStep;
    }

    private Map<String, Double> evaluate(Trainer trainer, int epoch)
            throws IOException, TranslateException {
        for (Evaluator e : evaluators) {
            e.addAccumulator("test");
            e.resetAccumulator("test");
        }
        double lossSum = 0;
        long examples = 0;
        NDManager manager = trainer.getManager();
        for (Batch batch : testData.getData(manager, new BatchSampler(new SequenceSampler(), batchSize, false))) {
            try (Batch b = batch) {
                NDList predictions = trainer.evaluate(b.getData());
                lossSum += (double) loss.evaluate(b.getLabels(), predictions).getFloat() * b.getSize();
                examples += b.getSize();
                for (Evaluator e : evaluators) {
                    e.updateAccumulator("test", b.getLabels(), predictions);
                }
            }
        }
        Map<String, Double> out = new LinkedHashMap<>();
        double meanLoss = lossSum / examples;
        if (!Double.isFinite(meanLoss)) {
            throw new NonFiniteLossException("test loss", (float) meanLoss, epoch, 0);
        }
        out.put("loss", meanLoss);
        for (Evaluator e : evaluators) {
            out.put(e.getName().toLowerCase(java.util.Locale.ROOT), (double) e.getAccumulator("test"));
        }
        return out;
    }

    /** Closes steps.csv; its rows are written already, so a failure to close loses nothing. */
    private void closeSteps() {
        if (steps == null) {
            return;
        }
        try {
            steps.close();
        } catch (IOException e) {
            // Not thrown: it would hide why fit ended, and the file is complete.
        }
    }

    /** Closes the hooks the runner owns (see the class comment); the first failure is thrown. */
    private void closeHooks() {
        RuntimeException failure = null;
        for (StepHook hook : extraHooks) {
            if (hook instanceof AutoCloseable closeable) {
                try {
                    closeable.close();
                } catch (Exception e) {
                    if (failure == null) {
                        failure = new IllegalStateException("closing hook " + hook + ": " + e.getMessage(), e);
                    }
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    private int seedFor(int epoch) {
        long mixed = seed * 0x9E3779B97F4A7C15L + (epoch + 1) * 0xBF58476D1CE4E5B9L;
        return (int) (mixed ^ (mixed >>> 32)) & Integer.MAX_VALUE;
    }

    // ---- checkpoint payload -------------------------------------------------------------

    private void writePayload(
            DataOutputStream out,
            int epoch,
            long globalStep,
            List<Pair<String, StepHook>> hooks,
            List<EpochMetrics> history)
            throws IOException {
        out.writeInt(PAYLOAD_VERSION);
        out.writeInt(epoch);
        out.writeLong(globalStep);
        out.writeLong(seed);

        out.writeInt(history.size());
        for (EpochMetrics m : history) {
            out.writeInt(m.values().size());
            for (Map.Entry<String, Double> e : m.values().entrySet()) {
                out.writeUTF(e.getKey());
                out.writeDouble(e.getValue());
            }
        }

        ParameterList parameters = model.getBlock().getParameters();
        out.writeInt(parameters.size());
        for (Pair<String, Parameter> p : parameters) {
            out.writeUTF(p.getKey());
            byte[] bytes = p.getValue().getArray().encode();
            out.writeInt(bytes.length);
            out.write(bytes);
        }

        Map<String, String> nameById = new HashMap<>();
        parameters.forEach(p -> nameById.put(p.getValue().getId(), p.getKey()));
        optimizer.saveState(out, id -> Objects.requireNonNull(nameById.get(id), id));

        out.writeInt(hooks.size());
        for (Pair<String, StepHook> hook : hooks) {
            ByteArrayOutputStream state = new ByteArrayOutputStream();
            try (DataOutputStream stateOut = new DataOutputStream(state)) {
                hook.getValue().saveState(stateOut);
            }
            out.writeUTF(hook.getKey());
            out.writeInt(state.size());
            state.writeTo(out);
        }
    }

    /** Restores model, optimizer and hooks from a verified payload; returns the global step. */
    private long restore(
            CheckpointStore.Loaded loaded,
            List<Pair<String, StepHook>> hooks,
            List<EpochMetrics> history)
            throws IOException {
        String where = "checkpoint " + loaded.file();
        try (DataInputStream in = loaded.open()) {
            int version = in.readInt();
            if (version != PAYLOAD_VERSION) {
                throw new IOException(where + ": payload version " + version + " is not supported");
            }
            int epoch = in.readInt();
            long globalStep = in.readLong();
            long savedSeed = in.readLong();
            if (savedSeed != seed) {
                throw new IOException(
                        where + " was written with seed " + savedSeed + ", this run uses " + seed);
            }
            if (epoch > epochs) {
                throw new IOException(
                        where + " holds " + epoch + " epochs, more than the " + epochs + " configured");
            }

            int rows = in.readInt();
            for (int r = 0; r < rows; r++) {
                int cols = in.readInt();
                Map<String, Double> values = new LinkedHashMap<>();
                for (int c = 0; c < cols; c++) {
                    values.put(in.readUTF(), in.readDouble());
                }
                history.add(new EpochMetrics(r + 1, values));
            }

            ParameterList parameters = model.getBlock().getParameters();
            int count = in.readInt();
            if (count != parameters.size()) {
                throw new IOException(
                        where + " has " + count + " parameters, the model has " + parameters.size());
            }
            NDManager manager = model.getNDManager();
            Map<String, String> idByName = new HashMap<>();
            for (Pair<String, Parameter> p : parameters) {
                String name = in.readUTF();
                if (!name.equals(p.getKey())) {
                    throw new IOException(
                            where + ": parameter " + name + " where the model has " + p.getKey());
                }
                byte[] bytes = new byte[in.readInt()];
                in.readFully(bytes);
                NDArray target = p.getValue().getArray();
                try (NDArray saved = manager.decode(bytes)) {
                    if (!saved.getShape().equals(target.getShape())) {
                        throw new IOException(
                                where + ": parameter " + name + " has shape " + saved.getShape()
                                        + ", the model expects " + target.getShape());
                    }
                    // Copy into the existing array: the trainer's parameter store holds it.
                    target.set(new NDIndex("..."), saved);
                }
                idByName.put(name, p.getValue().getId());
            }
            optimizer.loadState(in, idByName::get, manager);

            int hookCount = in.readInt();
            if (hookCount != hooks.size()) {
                throw new IOException(
                        where + " has state for " + hookCount + " hooks, the run has " + hooks.size());
            }
            for (Pair<String, StepHook> hook : hooks) {
                String path = in.readUTF();
                if (!path.equals(hook.getKey())) {
                    throw new IOException(
                            where + ": state for hook " + path + " where the run has " + hook.getKey());
                }
                byte[] state = new byte[in.readInt()];
                in.readFully(state);
                try (DataInputStream stateIn =
                        new DataInputStream(new java.io.ByteArrayInputStream(state))) {
                    hook.getValue().loadState(stateIn);
                }
            }
            return globalStep;
        }
    }

    /** Builds a {@link TrainingRunner}. */
    public static final class Builder {

        private Model model;
        private RandomAccessDataset trainData;
        private RandomAccessDataset testData;
        private Loss loss;
        private final List<Evaluator> evaluators = new ArrayList<>();
        private CheckpointableOptimizer optimizer;
        private int epochs = 1;
        private int batchSize = 32;
        private long seed = 42;
        private Shape inputShape;
        private Path runDirectory;
        private final List<StepHook> extraHooks = new ArrayList<>();
        private TrainingProgress progress = TrainingProgress.SILENT;
        private int keepCheckpoints = 2;
        private final List<EpochMetricsSource> epochSources = new ArrayList<>();
        private GaussianInputNoise inputNoise;
        private StopRequest stopRequest = new StopRequest();
        private int logEverySteps;
        private final List<EpochListener> epochListeners = new ArrayList<>();

        Builder() {}

        /**
         * Adds a listener told after each epoch's checkpoint and metrics row are written (e.g. one
         * that redraws the learning curves).
         *
         * @param listener the listener
         * @return this builder
         */
        public Builder addEpochListener(EpochListener listener) {
            this.epochListeners.add(Objects.requireNonNull(listener));
            return this;
        }

        /**
         * Writes {@link StepsCsv#FILE} in the run directory: a row after every {@code steps}
         * batches of an epoch, for epochs too long to wait for (default: no such file).
         *
         * @param steps the batches per row, at least 1
         * @return this builder
         */
        public Builder optLogEverySteps(int steps) {
            if (steps < 1) {
                throw new IllegalArgumentException("logEverySteps must be at least 1, got " + steps);
            }
            this.logEverySteps = steps;
            return this;
        }

        /**
         * Sets the request another thread can use to stop training at the next batch (e.g. on
         * Ctrl-C); {@link #fit} then throws {@link TrainingInterruptedException}.
         *
         * @param stopRequest the request
         * @return this builder
         */
        public Builder optStopRequest(StopRequest stopRequest) {
            this.stopRequest = Objects.requireNonNull(stopRequest);
            return this;
        }

        /**
         * Adds Gaussian noise to every training input (not to test inputs), e.g. to train a base
         * classifier for randomized smoothing.
         *
         * @param sigma the noise standard deviation; 0 turns it off
         * @return this builder
         */
        public Builder optInputNoise(double sigma) {
            this.inputNoise = sigma == 0 ? null : new GaussianInputNoise(sigma);
            return this;
        }

        /**
         * Adds columns computed at the end of each epoch (e.g. a {@code LipschitzMonitor}).
         *
         * @param source the source
         * @return this builder
         */
        public Builder addEpochMetrics(EpochMetricsSource source) {
            this.epochSources.add(Objects.requireNonNull(source));
            return this;
        }

        /**
         * Sets the model to train; its block must be set, and is initialized by the runner.
         *
         * @param model the model
         * @return this builder
         */
        public Builder setModel(Model model) {
            this.model = model;
            return this;
        }

        /**
         * Sets the training and test datasets.
         *
         * @param train visited in a seeded random order each epoch
         * @param test visited in order after each epoch, in inference mode
         * @return this builder
         */
        public Builder setData(RandomAccessDataset train, RandomAccessDataset test) {
            this.trainData = train;
            this.testData = test;
            return this;
        }

        /**
         * Sets the data loss.
         *
         * @param loss a DJL loss
         * @return this builder
         */
        public Builder setLoss(Loss loss) {
            this.loss = loss;
            return this;
        }

        /**
         * Adds an evaluator (e.g. DJL's {@code Accuracy}) reported for train and test.
         *
         * @param evaluator the evaluator
         * @return this builder
         */
        public Builder addEvaluator(Evaluator evaluator) {
            this.evaluators.add(evaluator);
            return this;
        }

        /**
         * Sets the optimizer; it must be checkpointable so that runs can resume.
         *
         * @param optimizer the optimizer
         * @return this builder
         */
        public Builder setOptimizer(CheckpointableOptimizer optimizer) {
            this.optimizer = optimizer;
            return this;
        }

        /**
         * Sets the number of epochs (the total, counting any before a resume).
         *
         * @param epochs at least 1
         * @return this builder
         */
        public Builder setEpochs(int epochs) {
            if (epochs < 1) {
                throw new IllegalArgumentException("epochs must be at least 1, got " + epochs);
            }
            this.epochs = epochs;
            return this;
        }

        /**
         * Sets the batch size.
         *
         * @param batchSize at least 1
         * @return this builder
         */
        public Builder setBatchSize(int batchSize) {
            if (batchSize < 1) {
                throw new IllegalArgumentException("batchSize must be at least 1, got " + batchSize);
            }
            this.batchSize = batchSize;
            return this;
        }

        /**
         * Sets the seed for initialization, data order and the engine's generator.
         *
         * @param seed the seed
         * @return this builder
         */
        public Builder optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * Sets the shape of one input batch used to initialize the model, e.g. (1, 1, 28, 28).
         *
         * @param inputShape the input shape
         * @return this builder
         */
        public Builder setInputShape(Shape inputShape) {
            this.inputShape = inputShape;
            return this;
        }

        /**
         * Sets the run directory for checkpoints and {@code metrics.csv}.
         *
         * @param runDirectory the directory (created if missing)
         * @return this builder
         */
        public Builder setRunDirectory(Path runDirectory) {
            this.runDirectory = runDirectory;
            return this;
        }

        /**
         * Adds a hook that is not a block of the model (e.g. a regularizer).
         *
         * @param hook the hook
         * @return this builder
         */
        public Builder addHook(StepHook hook) {
            this.extraHooks.add(hook);
            return this;
        }

        /**
         * Sets where progress goes (default: nowhere).
         *
         * @param progress the progress display
         * @return this builder
         */
        public Builder optProgress(TrainingProgress progress) {
            this.progress = Objects.requireNonNull(progress);
            return this;
        }

        /**
         * Sets how many of the newest checkpoints to keep (default 2).
         *
         * @param keep at least 1
         * @return this builder
         */
        public Builder optKeepCheckpoints(int keep) {
            if (keep < 1) {
                throw new IllegalArgumentException("keepCheckpoints must be at least 1, got " + keep);
            }
            this.keepCheckpoints = keep;
            return this;
        }

        /**
         * Builds the runner.
         *
         * @return the runner
         */
        public TrainingRunner build() {
            return new TrainingRunner(this);
        }
    }
}
