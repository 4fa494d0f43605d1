package org.lipreg.experiments.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lipreg.experiments.config.ConfigLoader;

import tech.tablesaw.api.Table;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;

/** Runs real child processes: two tiny runs and one that fails. */
class SweepRunnerTest {

    @TempDir Path dir;

    @Test
    void failedRunDoesNotStopOthersAndRerunResumesOnlyWhatIsUnfinished() throws Exception {
        // A directory with no IDX files in it: there, so the sweep starts, but its runs fail.
        Path noIdx = Files.createDirectories(dir.resolve("no-idx-files"));
        Path file = dir.resolve("sweep.yaml");
        Files.writeString(file, """
                name: t
                base:
                  epochs: 2
                  data: {type: synthetic, trainSize: 200, testSize: 100, batchSize: 50}
                  model: {preset: mlp, hidden: [8]}
                grid: {seed: [1, 2]}
                variants:
                  - {name: ok}
                  - {name: broken, set: {data.type: idx, data.path: %s}}
                """.formatted(noIdx));
        SweepPlan plan = SweepPlan.load(file);
        Path out = dir.resolve("out");
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        SweepRunner runner = new SweepRunner(new PrintStream(log, true, StandardCharsets.UTF_8));

        SweepRunner.Outcome first = runner.run(plan, out, 2);
        assertEquals(new SweepRunner.Outcome(2, 0, 2), first, log.toString(StandardCharsets.UTF_8));
        assertTrue(SweepRunner.isFinished(out.resolve("ok_seed-1")));
        assertTrue(SweepRunner.isFinished(out.resolve("ok_seed-2")));
        String failure = Files.readString(out.resolve("broken_seed-1/failure.txt"));
        assertTrue(failure.startsWith("exit code 2: lipreg: " + noIdx + ": no IDX image/label file pair found"), failure);

        // Simulate a killed run: epoch 1's checkpoint is there, the summary is not.
        Path killed = out.resolve("ok_seed-1");
        Files.delete(killed.resolve("summary.json"));
        Files.delete(killed.resolve("checkpoints/checkpoint-0002.ckpt"));
        FileTime untouched = Files.getLastModifiedTime(out.resolve("ok_seed-2/summary.json"));

        SweepRunner.Outcome second = runner.run(plan, out, 1);
        assertEquals(new SweepRunner.Outcome(1, 1, 2), second, log.toString(StandardCharsets.UTF_8));
        JsonNode summary = ConfigLoader.json().readTree(killed.resolve("summary.json").toFile());
        assertEquals("finished", summary.get("status").asText());
        assertEquals(1, summary.get("resumedFromEpoch").asInt(), "continued from the checkpoint of epoch 1");
        assertEquals(untouched, Files.getLastModifiedTime(out.resolve("ok_seed-2/summary.json")),
                "a finished run is skipped");

        // Editing a run's settings without renaming it must not silently keep the old result.
        Path edited = dir.resolve("edited.yaml");
        Files.writeString(edited, Files.readString(file).replace("epochs: 2", "epochs: 3"));
        SweepRunner.Outcome third = runner.run(SweepPlan.load(edited), out, 1);
        assertEquals(0, third.skipped(), log.toString(StandardCharsets.UTF_8));
        assertTrue(Files.readString(out.resolve("ok_seed-2/failure.txt")).contains("changed for this run (at 'epochs')"));
        Files.delete(out.resolve("ok_seed-1/failure.txt"));
        Files.delete(out.resolve("ok_seed-2/failure.txt"));

        SweepReport report = SweepReport.read(out);
        assertEquals(4, report.runs().rowCount());
        assertEquals(2, report.runs().where(report.runs().stringColumn("status").isEqualTo("failed")).rowCount());
        assertFalse(Files.exists(out.resolve("summary.md")));
        report.write(out);
        assertTrue(Files.exists(out.resolve("summary.md")));
        assertTrue(Files.exists(out.resolve("curve_test_accuracy.png")));
    }

    @Test
    void aGridOverEpochsIsReportedWithTheAxisAndTheEpochsDoneApart() throws Exception {
        Path file = dir.resolve("epochs.yaml");
        Files.writeString(file, """
                name: e
                base:
                  data: {type: synthetic, trainSize: 100, testSize: 50, batchSize: 50}
                  model: {preset: mlp, hidden: [4]}
                grid: {epochs: [1, 2]}
                """);
        Path out = dir.resolve("out");
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        SweepRunner.Outcome outcome = new SweepRunner(new PrintStream(log, true, StandardCharsets.UTF_8))
                .run(SweepPlan.load(file), out, 2);
        assertEquals(new SweepRunner.Outcome(2, 0, 0), outcome, log.toString(StandardCharsets.UTF_8));
        // Simulate the 2-epoch run stopped after its first epoch: the axis says 2, the run got to 1.
        Path stopped = out.resolve("epochs-2");
        List<String> rows = Files.readAllLines(stopped.resolve("metrics.csv"));
        Files.write(stopped.resolve("metrics.csv"), rows.subList(0, 2));
        Files.delete(stopped.resolve("summary.json"));

        SweepReport report = SweepReport.read(out);
        Table runs = report.runs();
        assertEquals(List.of("1", "2"), runs.stringColumn("epochs").asList(), "the axis keeps the key's name");
        // Epochs done, counted from each run's metrics.csv (header + one line per epoch).
        assertEquals(List.of(Files.readAllLines(out.resolve("epochs-1/metrics.csv")).size() - 1, 1),
                runs.intColumn("epochs_done").asList());
        assertEquals(List.of("1", "2"), report.summary().stringColumn("epochs").asList());
        assertEquals(List.of(1, 0), report.summary().intColumn("n").asList(), "finished runs only");
        report.write(out);
        assertTrue(Files.readString(out.resolve("runs.csv")).startsWith("run,epochs,status,"));
        assertTrue(Files.readString(out.resolve("summary.md")).startsWith("| epochs | test_accuracy | test_loss | n |\n"));
    }
}
