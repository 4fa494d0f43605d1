package org.lipreg.experiments.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lipreg.experiments.config.ConfigLoader;
import org.lipreg.experiments.config.RunConfig;
import org.lipreg.experiments.config.RunConfigs;
import org.lipreg.training.runner.EpochMetrics;
import org.lipreg.training.runner.StopRequest;
import org.lipreg.training.runner.StepsCsv;
import org.lipreg.training.runner.TrainingInterruptedException;
import org.lipreg.training.runner.TrainingProgress;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

/**
 * The files a training run keeps current while it runs, so that a stopped or killed run has them:
 * the learning curves, redrawn after every epoch, and {@code steps.csv} when asked for.
 */
class LiveRunFilesTest {

    @TempDir Path dir;

    /** 300 examples in batches of 50: 6 batches an epoch, well under a second. */
    private static final List<String> TINY_IMAGE = List.of("name=tiny", "epochs=2", "data.type=synthetic",
            "data.trainSize=300", "data.testSize=100", "data.batchSize=50", "model.preset=mlp", "model.hidden=[16]");

    /** Records each finished epoch's metrics, and can ask the run to stop when an epoch starts. */
    private static final class Recorder implements TrainingProgress {
        final List<EpochMetrics> epochs = new ArrayList<>();
        final StopRequest stop = new StopRequest();
        final int stopAtEpoch;

        Recorder(int stopAtEpoch) {
            this.stopAtEpoch = stopAtEpoch;
        }

        @Override
        public void epochStarted(int epoch, int total, int batches) {
            if (epoch == stopAtEpoch) {
                stop.request();
            }
        }

        @Override
        public void epochFinished(EpochMetrics metrics) {
            epochs.add(metrics);
        }
    }

    /**
     * The plots of a run as lipreg drew them at the end of a finished run before they were drawn
     * every epoch: the same charts, from the given epochs.
     */
    private static List<String> expectedPlots(List<EpochMetrics> history, boolean languageModel, Path out)
            throws IOException {
        if (languageModel) {
            Plots.curves(history, "Loss", "cross-entropy (nats per token)", List.of("train_loss", "test_loss"),
                    out.resolve("loss.png"));
            Plots.curves(history, "Perplexity", "perplexity", List.of("train_perplexity", "test_perplexity"),
                    out.resolve("perplexity.png"));
            return List.of("loss.png", "perplexity.png");
        }
        Plots.curves(history, "Loss", "cross-entropy", List.of("train_loss", "test_loss"), out.resolve("loss.png"));
        Plots.curves(history, "Accuracy", "accuracy", List.of("train_accuracy", "test_accuracy"),
                out.resolve("accuracy.png"));
        return List.of("accuracy.png", "loss.png");
    }

    /** Asserts that a run directory holds exactly the expected PNGs, byte for byte. */
    private void assertPlots(Path runDir, List<EpochMetrics> history, boolean languageModel) throws IOException {
        Path reference = Files.createTempDirectory(dir, "expected");
        List<String> names = expectedPlots(history, languageModel, reference);
        assertEquals(names.stream().sorted().toList(), pngs(runDir));
        for (String name : names) {
            assertArrayEquals(Files.readAllBytes(reference.resolve(name)), Files.readAllBytes(runDir.resolve(name)),
                    runDir.getFileName() + "/" + name + " shows epochs 1.." + history.size());
        }
    }

    private static List<String> pngs(Path runDir) throws IOException {
        try (Stream<Path> files = Files.list(runDir)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".png")).sorted().toList();
        }
    }

    /** A corpus of lines of five words of a cyclic pattern: 45 training lines, 15 test lines. */
    private List<String> textRun() throws IOException {
        Random r = new Random(1);
        String[] words = {"a", "b", "c", "d", "e", "f"};
        StringBuilder train = new StringBuilder();
        StringBuilder test = new StringBuilder();
        for (int line = 0; line < 60; line++) {
            StringBuilder s = new StringBuilder();
            int start = r.nextInt(words.length);
            for (int i = 0; i < 5; i++) {
                s.append(' ').append(words[(start + i) % words.length]);
            }
            (line < 45 ? train : test).append(s).append('\n');
        }
        Files.writeString(dir.resolve("train.txt"), train);
        Files.writeString(dir.resolve("test.txt"), test);
        return List.of("name=lm", "epochs=2", "seed=3", "data.type=text", "data.path=" + dir,
                "data.trainFile=train.txt", "data.testFile=test.txt", "data.batchSize=8", "model.preset=transformer",
                "model.norm=ln", "model.blocks=1", "model.width=16", "model.heads=2", "model.ffWidth=32",
                "model.sequenceLength=6");
    }

    @Test
    void aRunStoppedAfterItsFirstEpochHasThatEpochsPlots() throws Exception {
        for (boolean languageModel : new boolean[] {false, true}) {
            RunConfig config = RunConfigs.load(null, languageModel ? textRun() : TINY_IMAGE);
            Path run = dir.resolve(languageModel ? "lm" : "image");
            Recorder recorder = new Recorder(2);
            assertThrows(TrainingInterruptedException.class,
                    () -> new RunExecutor(recorder, Path.of(""), recorder.stop).run(config, run, false));
            JsonNode summary = ConfigLoader.json().readTree(run.resolve(RunExecutor.SUMMARY_FILE).toFile());
            assertEquals("interrupted", summary.get("status").asText());
            assertEquals(1, recorder.epochs.size());
            assertPlots(run, recorder.epochs, languageModel);
        }
    }

    @Test
    void aFinishedRunHasThePlotsOfItsWholeHistoryAsBefore() throws Exception {
        RunConfig config = RunConfigs.load(null, TINY_IMAGE);
        Path run = dir.resolve("run");
        RunResult result = new RunExecutor(TrainingProgress.SILENT, Path.of("")).run(config, run, false);
        assertEquals(2, result.training().history().size());
        assertPlots(run, result.training().history(), false);
    }

    @Test
    void aResumeWithNoEpochLeftToTrainStillDrawsThePlots() throws Exception {
        // A run killed after its last checkpoint, before its plots were drawn.
        RunConfig config = RunConfigs.load(null, TINY_IMAGE);
        Path run = dir.resolve("run");
        RunResult first = new RunExecutor(TrainingProgress.SILENT, Path.of("")).run(config, run, false);
        Files.delete(run.resolve("loss.png"));
        Files.delete(run.resolve("accuracy.png"));
        RunResult resumed = new RunExecutor(TrainingProgress.SILENT, Path.of("")).run(config, run, true);
        assertEquals(2, resumed.training().resumedFromEpoch());
        assertPlots(run, first.training().history(), false);
    }

    @Test
    void aPlotThatCannotBeWrittenDoesNotFailTheRun() throws Exception {
        RunConfig config = RunConfigs.load(null, TINY_IMAGE);
        Path run = dir.resolve("run");
        // A non-empty directory where loss.png goes: no file can be renamed onto it.
        TrainingProgress blocker = new TrainingProgress() {
            @Override
            public void epochStarted(int epoch, int epochs, int batches) {
                try {
                    Files.createDirectories(run.resolve("loss.png/in-the-way"));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        };
        RunResult result = new RunExecutor(blocker, Path.of("")).run(config, run, false);
        JsonNode summary = ConfigLoader.json().readTree(run.resolve(RunExecutor.SUMMARY_FILE).toFile());
        assertEquals("finished", summary.get("status").asText());
        assertTrue(Files.isDirectory(run.resolve("loss.png")));
        Path reference = Files.createTempDirectory(dir, "expected");
        expectedPlots(result.training().history(), false, reference);
        assertArrayEquals(Files.readAllBytes(reference.resolve("accuracy.png")),
                Files.readAllBytes(run.resolve("accuracy.png")), "the other plot is drawn");
    }

    @Test
    void logEveryStepsWritesStepsCsv() throws Exception {
        List<String> overrides = new ArrayList<>(TINY_IMAGE);
        overrides.add("log.everySteps=2");
        RunConfig config = RunConfigs.load(null, overrides);
        Path run = dir.resolve("run");
        new RunExecutor(TrainingProgress.SILENT, Path.of("")).run(config, run, false);
        List<String> lines = Files.readAllLines(run.resolve(StepsCsv.FILE));
        // 6 batches an epoch: rows after batches 2, 4 and 6 of each of the 2 epochs.
        assertEquals(1 + 2 * 3, lines.size(), lines.toString());
        assertEquals(List.of("1,2", "1,4", "1,6", "2,8", "2,10", "2,12"),
                lines.subList(1, lines.size()).stream().map(l -> l.substring(0, l.indexOf(',', 2))).toList());
    }
}
