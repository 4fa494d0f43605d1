package org.lipreg.training.runner;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.evaluator.Accuracy;
import ai.djl.training.loss.Loss;
import ai.djl.training.tracker.Tracker;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lipreg.normalization.hook.StepContext;
import org.lipreg.normalization.hook.StepHook;
import org.lipreg.training.optimizer.AdamOptimizer;
import org.lipreg.training.optimizer.CheckpointableOptimizer;
import org.lipreg.training.optimizer.SgdOptimizer;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

class TrainingRunnerTest {

    private static final int FEATURES = 8;
    private static final int CLASSES = 4;
    private static final int BATCH = 16;

    private static NDManager manager;
    private static ArrayDataset train;
    private static ArrayDataset test;

    @TempDir Path dir;

    @BeforeAll
    static void data() {
        manager = NDManager.newBaseManager();
        train = blobs(400, 1);
        test = blobs(100, 2);
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    /** Four Gaussian blobs in 8 dimensions, one class each. */
    private static ArrayDataset blobs(int n, long seed) {
        Random random = new Random(seed);
        float[] x = new float[n * FEATURES];
        float[] y = new float[n];
        for (int i = 0; i < n; i++) {
            int label = i % CLASSES;
            y[i] = label;
            for (int f = 0; f < FEATURES; f++) {
                x[i * FEATURES + f] = (float) (random.nextGaussian() + (f % CLASSES == label ? 2.0 : 0.0));
            }
        }
        return new ArrayDataset.Builder()
                .setData(manager.create(x, new Shape(n, FEATURES)))
                .optLabels(manager.create(y, new Shape(n)))
                .setSampling(BATCH, false)
                .build();
    }

    private static Model mlp() {
        SequentialBlock block = new SequentialBlock()
                .add(Linear.builder().setUnits(32).build())
                .add(Activation.reluBlock())
                .add(Dropout.builder().optRate(0.2f).build())
                .add(Linear.builder().setUnits(CLASSES).build());
        Model model = Model.newInstance("mlp");
        model.setBlock(block);
        return model;
    }

    private TrainingRunner runner(Model model, Path runDir, int epochs, CheckpointableOptimizer optimizer,
            StepHook hook) {
        return runner(model, runDir, epochs, optimizer, hook, new StopRequest());
    }

    private TrainingRunner runner(Model model, Path runDir, int epochs, CheckpointableOptimizer optimizer,
            StepHook hook, StopRequest stop) {
        TrainingRunner.Builder b = TrainingRunner.builder()
                .optStopRequest(stop)
                .setModel(model)
                .setData(train, test)
                .setLoss(Loss.softmaxCrossEntropyLoss())
                .addEvaluator(new Accuracy())
                .setOptimizer(optimizer)
                .setEpochs(epochs)
                .setBatchSize(BATCH)
                .optSeed(11)
                .setInputShape(new Shape(BATCH, FEATURES))
                .setRunDirectory(runDir);
        if (hook != null) {
            b.addHook(hook);
        }
        return b.build();
    }

    private static AdamOptimizer adam() {
        return AdamOptimizer.builder().setLearningRateTracker(Tracker.fixed(0.01f)).build();
    }

    /** A hook with state that is not a parameter: it counts the steps it has seen. */
    static class CountingHook implements StepHook {
        long steps;
        final List<String> events = new ArrayList<>();

        @Override
        public void beforeForward(StepContext step) {
            assertEquals(steps, step.globalStep(), "global step seen by hooks");
            events.add("before");
        }

        @Override
        public NDArray auxiliaryLoss(StepContext step) {
            events.add("aux");
            return null;
        }

        @Override
        public void afterBackward(StepContext step) {
            events.add("after");
            steps++;
        }

        @Override
        public void saveState(DataOutputStream out) throws IOException {
            out.writeLong(steps);
        }

        @Override
        public void loadState(DataInputStream in) throws IOException {
            steps = in.readLong();
        }
    }

    @Test
    void trainsAndWritesMetrics() throws IOException {
        try (Model model = mlp()) {
            TrainingResult result = runner(model, dir, 3, adam(), null).fit(false);
            assertEquals(3, result.history().size());
            assertTrue(result.last().get("test_accuracy") > 0.8, "blobs are learnable: " + result.last());
            assertTrue(result.last().get("train_loss") < result.history().get(0).get("train_loss"));
            List<String> csv = Files.readAllLines(dir.resolve("metrics.csv"));
            assertEquals(
                    "epoch,train_loss,train_accuracy,test_loss,test_accuracy,learning_rate,seconds,rss_mb,heap_mb,ndarrays",
                    csv.get(0));
            assertEquals(4, csv.size());
            assertFalse(Files.exists(dir.resolve(StepsCsv.FILE)), "steps.csv only when asked for");
            // No array created in a step outlives it.
            assertEquals(result.history().get(0).get("ndarrays"), result.last().get("ndarrays"));
        }
    }

    @Test
    void resumeGivesTheSameMetricsAsAnUninterruptedRun() throws IOException {
        Path straight = dir.resolve("straight");
        Path resumed = dir.resolve("resumed");
        CountingHook straightHook = new CountingHook();
        List<EpochMetrics> expected;
        try (Model model = mlp()) {
            expected = runner(model, straight, 2, adam(), straightHook).fit(false).history();
        }
        try (Model model = mlp()) {
            runner(model, resumed, 1, adam(), new CountingHook()).fit(false);
        }
        CountingHook resumedHook = new CountingHook();
        TrainingResult result;
        try (Model model = mlp()) {
            result = runner(model, resumed, 2, adam(), resumedHook).fit(true);
        }
        assertEquals(1, result.resumedFromEpoch());
        assertEquals(straightHook.steps, resumedHook.steps, "hook state restored from the checkpoint");
        List<EpochMetrics> actual = result.history();
        assertEquals(expected.size(), actual.size());
        for (int e = 0; e < expected.size(); e++) {
            for (Map.Entry<String, Double> col : expected.get(e).values().entrySet()) {
                if (List.of("seconds", "rss_mb", "heap_mb").contains(col.getKey())) {
                    continue;
                }
                assertEquals(col.getValue(), actual.get(e).get(col.getKey()), 1e-6,
                        "epoch " + (e + 1) + " " + col.getKey());
            }
        }
    }

    @Test
    void hooksRunInStepOrder() throws IOException {
        CountingHook hook = new CountingHook();
        try (Model model = mlp()) {
            runner(model, dir, 1, adam(), hook).fit(false);
        }
        int steps = 400 / BATCH;
        assertEquals(steps, hook.steps);
        for (int s = 0; s < steps; s++) {
            assertEquals(List.of("before", "aux", "after"), hook.events.subList(3 * s, 3 * s + 3));
        }
    }

    @Test
    void divergingLearningRateStopsWithNamedMessageAndKeepsLastGoodCheckpoint() throws IOException {
        int stepsPerEpoch = 400 / BATCH;
        // Fine for the first epoch, then a learning rate that blows the weights up.
        Tracker diverging = t -> t <= stepsPerEpoch ? 0.05f : 1e30f;
        SgdOptimizer sgd = SgdOptimizer.builder().setLearningRateTracker(diverging).build();
        NonFiniteLossException e;
        try (Model model = mlp()) {
            e = assertThrows(NonFiniteLossException.class, () -> runner(model, dir, 3, sgd, null).fit(false));
        }
        assertEquals(2, e.getEpoch());
        assertTrue(e.getMessage().startsWith("non-finite training loss"), e.getMessage());
        assertTrue(e.getMessage().contains("at epoch 2, batch " + e.getBatch()), e.getMessage());
        CheckpointStore.Loaded last = TrainingRunner.checkpointsOf(dir).loadLatest().orElseThrow();
        assertEquals(1, last.epoch());
        assertEquals(2, Files.readAllLines(dir.resolve("metrics.csv")).size(), "header and epoch 1");
    }

    @Test
    void resumeWithoutCheckpointStartsFresh() throws IOException {
        try (Model model = mlp()) {
            TrainingResult result = runner(model, dir, 1, adam(), null).fit(true);
            assertEquals(0, result.resumedFromEpoch());
            assertEquals(1, result.history().size());
        }
    }

    @Test
    void fitWithoutResumeRefusesADirectoryThatHoldsARun() throws IOException {
        try (Model model = mlp()) {
            runner(model, dir, 1, adam(), null).fit(false);
        }
        byte[] metrics = Files.readAllBytes(dir.resolve("metrics.csv"));
        byte[] checkpoint = Files.readAllBytes(TrainingRunner.checkpointsOf(dir).fileFor(1));
        FileAlreadyExistsException e;
        try (Model model = mlp()) {
            TrainingRunner second = runner(model, dir, 1, adam(), null);
            e = assertThrows(FileAlreadyExistsException.class, () -> second.fit(false));
        }
        assertTrue(e.getMessage().contains(dir.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("already holds a run"), e.getMessage());
        assertArrayEquals(metrics, Files.readAllBytes(dir.resolve("metrics.csv")), "metrics.csv untouched");
        assertArrayEquals(checkpoint, Files.readAllBytes(TrainingRunner.checkpointsOf(dir).fileFor(1)));
    }

    /** A hook that owns native memory, as {@code SpectralNormPenalty} does. */
    static final class NativeMemoryHook extends CountingHook implements AutoCloseable {
        final NDManager own = NDManager.newBaseManager();
        final NDArray state = own.zeros(new Shape(1000));

        @Override
        public void close() {
            own.close();
        }
    }

    @Test
    void fitClosesTheHooksItWasGivenAndTheirMemoryIsReleased() throws IOException {
        NativeMemoryHook hook = new NativeMemoryHook();
        try (Model model = mlp()) {
            runner(model, dir.resolve("ok"), 1, adam(), hook).fit(false);
        }
        assertTrue(hook.steps > 0, "the hook ran");
        assertFalse(hook.own.isOpen(), "the hook's manager is closed when fit returns");
        assertTrue(hook.state.isReleased(), "its arrays are freed");

        // Also when fit ends with an exception.
        NativeMemoryHook failing = new NativeMemoryHook();
        Tracker diverging = t -> 1e30f;
        try (Model model = mlp()) {
            TrainingRunner runner = runner(model, dir.resolve("diverges"), 1,
                    SgdOptimizer.builder().setLearningRateTracker(diverging).build(), failing);
            assertThrows(NonFiniteLossException.class, () -> runner.fit(false));
        }
        assertFalse(failing.own.isOpen());
        assertTrue(failing.state.isReleased());
    }

    /** Requests a stop right after a given batch of a given epoch. */
    static final class StopAfter extends CountingHook {
        final StopRequest stop;
        final int epoch;
        final int batch;

        StopAfter(StopRequest stop, int epoch, int batch) {
            this.stop = stop;
            this.epoch = epoch;
            this.batch = batch;
        }

        @Override
        public void afterBackward(StepContext step) {
            super.afterBackward(step);
            if (step.epoch() + 1 == epoch && step.batch() + 1 == batch) {
                stop.request();
            }
        }
    }

    @Test
    void stopRequestEndsAtTheNextBatchKeepsTheCheckpointsAndResumesToTheSameMetrics() throws IOException {
        List<EpochMetrics> expected;
        try (Model model = mlp()) {
            expected = runner(model, dir.resolve("straight"), 2, adam(), new CountingHook()).fit(false).history();
        }
        Path stopped = dir.resolve("stopped");
        StopRequest stop = new StopRequest();
        TrainingInterruptedException e;
        try (Model model = mlp()) {
            TrainingRunner runner = runner(model, stopped, 2, adam(), new StopAfter(stop, 2, 3), stop);
            e = assertThrows(TrainingInterruptedException.class, () -> runner.fit(false));
        }
        int batches = (400 + BATCH - 1) / BATCH;
        assertEquals(2, e.epoch());
        assertEquals(3, e.batchesDone());
        assertEquals(batches, e.batchesInEpoch());
        assertEquals(1, e.lastCheckpointEpoch());
        assertTrue(e.getMessage().contains("in epoch 2 after 3 of " + batches + " batches"), e.getMessage());
        assertEquals(1, TrainingRunner.checkpointsOf(stopped).loadLatest().orElseThrow().epoch());
        assertEquals(2, Files.readAllLines(stopped.resolve("metrics.csv")).size(), "header and epoch 1");

        List<EpochMetrics> actual;
        try (Model model = mlp()) {
            actual = runner(model, stopped, 2, adam(), new CountingHook()).fit(true).history();
        }
        assertEquals(expected.size(), actual.size());
        for (int i = 0; i < expected.size(); i++) {
            for (String column : List.of("train_loss", "train_accuracy", "test_loss", "test_accuracy")) {
                assertEquals(expected.get(i).get(column), actual.get(i).get(column), 1e-6,
                        "epoch " + (i + 1) + " " + column);
            }
        }
    }

    // ---- steps.csv: a row every N batches ------------------------------------------------

    /** A learning rate that changes at every update, so that each row's rate can be checked. */
    private static final Tracker SAWTOOTH = t -> 0.001f * (1 + t % 5);

    /** Records every batch's loss, per epoch, as the runner reports it. */
    static final class LossRecorder implements TrainingProgress {
        final List<List<Float>> losses = new ArrayList<>();

        @Override
        public void epochStarted(int epoch, int epochs, int batches) {
            losses.add(new ArrayList<>());
        }

        @Override
        public void batchFinished(int batch, float loss, double examplesPerSecond) {
            losses.get(losses.size() - 1).add(loss);
        }
    }

    private TrainingRunner stepsRunner(Model model, Path runDir, int everySteps, TrainingProgress progress,
            StepHook hook, StopRequest stop) {
        return TrainingRunner.builder()
                .optStopRequest(stop)
                .setModel(model)
                .setData(train, test)
                .setLoss(Loss.softmaxCrossEntropyLoss())
                .addEvaluator(new Accuracy())
                .setOptimizer(AdamOptimizer.builder().setLearningRateTracker(SAWTOOTH).build())
                .setEpochs(2)
                .setBatchSize(BATCH)
                .optSeed(11)
                .setInputShape(new Shape(BATCH, FEATURES))
                .setRunDirectory(runDir)
                .optProgress(progress)
                .optLogEverySteps(everySteps)
                .addHook(hook)
                .build();
    }

    /** The rows of steps.csv without their seconds column (the one thing a resume may change). */
    private static List<String> withoutSeconds(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file);
        int seconds = List.of(lines.get(0).split(",")).indexOf("seconds");
        List<String> out = new ArrayList<>();
        for (String line : lines) {
            List<String> cells = new ArrayList<>(List.of(line.split(",")));
            cells.remove(seconds);
            out.add(String.join(",", cells));
        }
        return out;
    }

    /**
     * Asserts that a CSV cell holds a value as metrics.csv writes it: to 9 significant digits, or,
     * for a value that is exactly a float, as that float's shortest text.
     */
    private static void assertWrittenAs(double expected, String cell, String what) {
        if ((double) (float) expected == expected) {
            assertEquals((float) expected, Float.parseFloat(cell), what);
        } else {
            assertEquals(expected, Double.parseDouble(cell), 5e-9 * Math.abs(expected), what);
        }
    }

    @Test
    void stepsCsvHasARowEveryNBatchesWithTheMeanLossOfThoseBatches() throws IOException {
        int every = 4;
        LossRecorder recorder = new LossRecorder();
        try (Model model = mlp()) {
            stepsRunner(model, dir, every, recorder, new CountingHook(), new StopRequest()).fit(false);
        }
        List<String> lines = Files.readAllLines(dir.resolve(StepsCsv.FILE));
        assertEquals("epoch,step,train_loss,learning_rate,seconds", lines.get(0));

        int batches = (400 + BATCH - 1) / BATCH; // 25: six windows of 4 an epoch, one batch left over
        List<String[]> rows = lines.subList(1, lines.size()).stream().map(l -> l.split(",")).toList();
        assertEquals(2 * (batches / every), rows.size());
        int r = 0;
        for (int epoch = 1; epoch <= 2; epoch++) {
            List<Float> losses = recorder.losses.get(epoch - 1);
            assertEquals(batches, losses.size());
            double previousSeconds = 0;
            for (int end = every; end <= batches; end += every) {
                String[] row = rows.get(r++);
                long step = (long) (epoch - 1) * batches + end;
                double mean = 0;
                for (int b = end - every; b < end; b++) {
                    mean += losses.get(b);
                }
                mean /= every;
                assertEquals(epoch, Integer.parseInt(row[0]), "row " + r);
                assertEquals(step, Long.parseLong(row[1]), "row " + r);
                assertWrittenAs(mean, row[2], "row " + r + " train_loss");
                assertEquals(SAWTOOTH.getNewValue((int) step), Float.parseFloat(row[3]), "row " + r + " learning_rate");
                double seconds = Double.parseDouble(row[4]);
                assertTrue(seconds >= previousSeconds, "seconds since the epoch began grow: row " + r);
                previousSeconds = seconds;
            }
        }
    }

    @Test
    void stepsCsvIsWrittenAsTheRunGoesAndAResumeRewritesItToThatOfAnUninterruptedRun() throws IOException {
        int every = 4;
        Path straight = dir.resolve("straight");
        try (Model model = mlp()) {
            stepsRunner(model, straight, every, TrainingProgress.SILENT, new CountingHook(), new StopRequest())
                    .fit(false);
        }
        // Stopped after batch 10 of epoch 2: epoch 2's rows for batches 4 and 8 are on disk, and lie
        // after the checkpoint the run resumes from (epoch 1).
        Path stopped = dir.resolve("stopped");
        StopRequest stop = new StopRequest();
        try (Model model = mlp()) {
            TrainingRunner runner = stepsRunner(model, stopped, every, TrainingProgress.SILENT,
                    new StopAfter(stop, 2, 10), stop);
            assertThrows(TrainingInterruptedException.class, () -> runner.fit(false));
        }
        List<String> partial = withoutSeconds(stopped.resolve(StepsCsv.FILE));
        assertEquals(withoutSeconds(straight.resolve(StepsCsv.FILE)).subList(0, 1 + 6 + 2), partial,
                "rows are on disk as soon as they are made");

        try (Model model = mlp()) {
            stepsRunner(model, stopped, every, TrainingProgress.SILENT, new CountingHook(), new StopRequest())
                    .fit(true);
        }
        assertEquals(withoutSeconds(straight.resolve(StepsCsv.FILE)), withoutSeconds(stopped.resolve(StepsCsv.FILE)));
    }

    @Test
    void logEveryStepsMustBePositive() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TrainingRunner.builder().optLogEverySteps(0));
        assertEquals("logEverySteps must be at least 1, got 0", e.getMessage());
    }
}
