package org.lipreg.experiments.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lipreg.experiments.config.ConfigLoader;
import org.lipreg.experiments.config.RunConfig;
import org.lipreg.experiments.config.RunConfigs;
import org.lipreg.experiments.run.ChildJvm;
import org.lipreg.experiments.run.RunExecutor;
import org.lipreg.training.io.RunDirectoryLock;
import org.lipreg.training.runner.StopRequest;
import org.lipreg.training.runner.TrainingInterruptedException;
import org.lipreg.training.runner.TrainingProgress;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The life of a {@code lipreg train} run directory: which directories it may use, its lock, what a
 * failed or interrupted start leaves, stale temporaries, permissions.
 */
class TrainRunDirectoryTest {

    @TempDir Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    /** 300 examples in batches of 50: 6 batches an epoch, well under a second. */
    private static final String TINY = """
            name: tiny
            epochs: 1
            data: {type: synthetic, trainSize: 300, testSize: 100, batchSize: 50}
            model: {preset: mlp, hidden: [16]}
            """;

    private int run(String... args) {
        return LipregCli.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
    }

    private Path config(String yaml) throws IOException {
        Path file = dir.resolve("run.yaml");
        Files.writeString(file, yaml);
        return file;
    }

    /** Every file under a directory (relative path → content; directories end with '/'). */
    private static Map<String, String> snapshot(Path root) throws IOException {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.filter(p -> !p.equals(root)).toList()) {
                String name = root.relativize(p).toString();
                files.put(Files.isDirectory(p) ? name + "/" : name, Files.isDirectory(p) ? "" : Files.readString(p,
                        java.nio.charset.StandardCharsets.ISO_8859_1));
            }
        }
        return files;
    }

    private static List<String> names(Path d) throws IOException {
        try (Stream<Path> s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    // ---- item 1: a directory with the user's files is never used ----------------------------

    @Test
    void refusesANonEmptyDirectoryThatHoldsNoRunAndTouchesNothing() throws IOException {
        // The repro: the user's own files, no lipreg run.
        Path mine = dir.resolve("mine");
        Files.createDirectories(mine.resolve("model"));
        Files.writeString(mine.resolve("model/important.bin"), "w\n");
        Files.writeString(mine.resolve("metrics.csv"), "mine\n");
        Map<String, String> before = snapshot(mine);

        assertEquals(2, run("train", "--config", config(TINY).toString(), "--out", mine.toString()));
        assertTrue(err.toString().contains(mine + ": is not empty and holds no lipreg run (metrics.csv, model/)"),
                err.toString());
        assertEquals(before, snapshot(mine), "nothing touched (not even a lock file)");

        assertEquals(2, run("train", "--config", config(TINY).toString(), "--out", mine.toString(), "--resume"));
        assertEquals(before, snapshot(mine));
    }

    @Test
    void aDirectoryHoldingOnlyALockFileCountsAsEmpty() throws IOException {
        Path run = dir.resolve("run");
        RunDirectoryLock.acquire(run).close();
        assertEquals(0, run("train", "--config", config(TINY).toString(), "--out", run.toString()), err.toString());
        assertTrue(Files.isDirectory(run.resolve("model")));
    }

    // ---- the run-directory lock ---------------------------------------------------------

    @Test
    void aLockedDirectoryIsRefusedNamingTheHolderAndStaysUntouched() throws IOException {
        long pid = ProcessHandle.current().pid();
        Path fresh = dir.resolve("fresh");
        try (RunDirectoryLock held = RunDirectoryLock.acquire(fresh)) {
            Map<String, String> before = snapshot(fresh);
            assertEquals(2, run("train", "--config", config(TINY).toString(), "--out", fresh.toString()));
            assertTrue(err.toString().contains("in use by another lipreg process (pid " + pid + ")"), err.toString());
            assertEquals(before, snapshot(fresh));
        }

        Path done = dir.resolve("done");
        assertEquals(0, run("train", "--config", config(TINY).toString(), "--out", done.toString()), err.toString());
        try (RunDirectoryLock held = RunDirectoryLock.acquire(done)) {
            Map<String, String> before = snapshot(done);
            err.getBuffer().setLength(0);
            assertEquals(2, run("train", "--config", config(TINY).toString(), "--out", done.toString(), "--resume"));
            assertTrue(err.toString().contains("(pid " + pid + ")"), err.toString());
            assertEquals(before, snapshot(done), "a resume of a locked run touches nothing");
        }
    }

    @Test
    void theLockIsHeldForTheWholeRunAndReleasedAfter() throws Exception {
        Path run = dir.resolve("run");
        List<Long> holders = new ArrayList<>();
        TrainingProgress probe = new TrainingProgress() {
            @Override
            public void batchFinished(int batch, float loss, double examplesPerSecond) {
                try {
                    holders.add(RunDirectoryLock.holder(run));
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }
        };
        RunConfig config = RunConfigs.load(config(TINY), List.of());
        new RunExecutor(probe, Path.of("")).run(config, run, false);
        assertEquals(6, holders.size());
        assertTrue(holders.stream().allMatch(h -> h == ProcessHandle.current().pid()), holders.toString());
        assertEquals(-1, RunDirectoryLock.holder(run), "released at the end");
    }

    // ---- item 9: bad numbers, and a failed start leaves nothing -------------------------

    @Test
    void aLearningRateBeyondFloatRangeExitsTwoAndWritesNothing() throws IOException {
        Path run = dir.resolve("run");
        assertEquals(2, run("train", "--config", config(TINY).toString(), "--set", "optimizer.learningRate=1e300",
                "--out", run.toString()));
        assertTrue(err.toString().contains("optimizer.learningRate: must be a finite number"), err.toString());
        assertFalse(Files.exists(run));
    }

    /** Progress that fails at the first batch: any exception before the first epoch ends. */
    private static final TrainingProgress FAILS_AT_FIRST_BATCH = new TrainingProgress() {
        @Override
        public void batchFinished(int batch, float loss, double examplesPerSecond) {
            throw new IllegalStateException("injected failure");
        }
    };

    @Test
    void aRunThatFailsBeforeItsFirstEpochLeavesNothingBehind() throws Exception {
        RunConfig config = RunConfigs.load(config(TINY), List.of());
        RunExecutor failing = new RunExecutor(FAILS_AT_FIRST_BATCH, Path.of(""));

        Path empty = Files.createDirectory(dir.resolve("empty"));
        assertThrows(IllegalStateException.class, () -> failing.run(config, empty, false));
        assertEquals(List.of(), names(empty), "a directory that was empty stays, empty");

        Path nested = dir.resolve("new/deeper/run");
        assertThrows(IllegalStateException.class, () -> failing.run(config, nested, false));
        assertFalse(Files.exists(dir.resolve("new")), "directories it created are removed");

        // So the next attempt is not refused as "already holds a run".
        assertEquals(0, run("train", "--config", config(TINY).toString(), "--out", empty.toString()), err.toString());
        assertEquals(0, run("train", "--config", config(TINY).toString(), "--out", nested.toString()), err.toString());
    }

    // ---- item 13: interruption, unwritable directory, stale temporaries, permissions ----

    /** Requests a stop after a given batch of a given epoch, as the Ctrl-C handler does. */
    private static TrainingProgress stopAfter(StopRequest stop, int epoch, int batch) {
        return new TrainingProgress() {
            int current;

            @Override
            public void epochStarted(int e, int epochs, int batches) {
                current = e;
            }

            @Override
            public void batchFinished(int b, float loss, double examplesPerSecond) {
                if (current == epoch && b == batch) {
                    stop.request();
                }
            }
        };
    }

    @Test
    void anInterruptedRunSaysSoInItsSummaryAndResumes() throws Exception {
        Path run = dir.resolve("run");
        String twoEpochs = TINY.replace("epochs: 1", "epochs: 2");
        RunConfig config = RunConfigs.load(config(twoEpochs), List.of());
        StopRequest stop = new StopRequest();
        TrainingInterruptedException e = assertThrows(TrainingInterruptedException.class,
                () -> new RunExecutor(stopAfter(stop, 2, 2), Path.of(""), stop).run(config, run, false));
        assertEquals(2, e.epoch());
        JsonNode summary = ConfigLoader.json().readTree(run.resolve("summary.json").toFile());
        assertEquals("interrupted", summary.get("status").asText());
        assertEquals(2, summary.get("stoppedInEpoch").asInt());
        assertEquals(2, summary.get("stoppedAfterBatches").asInt());
        assertEquals(1, summary.get("resumesAfterEpoch").asInt());
        assertTrue(Files.isRegularFile(run.resolve("checkpoints/checkpoint-0001.ckpt")));
        assertFalse(Files.exists(run.resolve("model")), "no final model for an unfinished run");

        assertEquals(0, run("train", "--config", config(twoEpochs).toString(), "--out", run.toString(), "--resume"),
                err.toString());
        summary = ConfigLoader.json().readTree(run.resolve("summary.json").toFile());
        assertEquals("finished", summary.get("status").asText());
        assertEquals(1, summary.get("resumedFromEpoch").asInt());
    }

    @Test
    void anInterruptionBeforeTheFirstEpochEndsLeavesNothing() throws Exception {
        Path run = dir.resolve("run");
        RunConfig config = RunConfigs.load(config(TINY), List.of());
        StopRequest stop = new StopRequest();
        TrainingInterruptedException e = assertThrows(TrainingInterruptedException.class,
                () -> new RunExecutor(stopAfter(stop, 1, 2), Path.of(""), stop).run(config, run, false));
        assertEquals(0, e.lastCheckpointEpoch());
        assertFalse(Files.exists(run));
    }

    @Test
    void sigtermStopsAtABatchSaysWhereAndPrintsTheExactResumeCommand() throws Exception {
        Path run = dir.resolve("run");
        Path cfg = config(TINY);
        List<String> command = new ArrayList<>(ChildJvm.lipreg(List.of("-Dlipreg.launcher=./lipreg")));
        command.addAll(List.of("train", "--config", cfg.toString(), "--set", "epochs=10000", "--out", run.toString()));
        Path log = dir.resolve("child.log");
        Process child = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            Path firstCheckpoint = run.resolve("checkpoints/checkpoint-0001.ckpt");
            for (int i = 0; i < 1200 && !Files.exists(firstCheckpoint) && child.isAlive(); i++) {
                Thread.sleep(50);
            }
            assertTrue(Files.exists(firstCheckpoint), Files.readString(log));
            child.destroy(); // SIGTERM, as a closing terminal or a parent sends; Ctrl-C is SIGINT
            assertTrue(child.waitFor(60, TimeUnit.SECONDS), "stopped within the grace period");
        } finally {
            child.destroyForcibly();
        }
        String output = Files.readString(log);
        assertEquals(143, child.exitValue(), output);
        JsonNode summary = ConfigLoader.json().readTree(run.resolve("summary.json").toFile());
        assertEquals("interrupted", summary.get("status").asText(), output);
        int epoch = summary.get("stoppedInEpoch").asInt();
        assertTrue(output.contains("lipreg: interrupted in epoch " + epoch + " after "
                + summary.get("stoppedAfterBatches").asInt() + " of 6 batches; the checkpoint of epoch " + (epoch - 1)
                + " is kept"), output);
        String resume = "./lipreg train --config " + cfg.toAbsolutePath() + " --set epochs=10000 --out "
                + run.toAbsolutePath() + " --resume";
        assertTrue(output.contains("Resume with:\n  " + resume + "\n"), output);
        assertEquals(-1, RunDirectoryLock.holder(run));
    }

    @Test
    void anUnusableOutputDirectoryFailsBeforeTheDataIsReadNamingOperationAndPath() throws IOException {
        Path file = Files.writeString(dir.resolve("a-file"), "not a directory");
        Path under = file.resolve("run");
        // The data does not exist either: the directory must be the error reported.
        assertEquals(2, run("train", "--config", config(TINY).toString(), "--set", "data.type=idx",
                "--set", "data.path=" + dir.resolve("nowhere"), "--out", under.toString()));
        assertTrue(err.toString().contains("cannot create the run directory " + under), err.toString());
        assertFalse(err.toString().contains("nowhere"), err.toString());
        assertEquals("not a directory", Files.readString(file));
    }

    @Test
    void aReadOnlyOutputDirectoryFailsBeforeTheDataIsRead() throws IOException {
        assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"));
        Path readOnly = Files.createDirectory(dir.resolve("read-only"));
        Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            assumeTrue(!Files.isWritable(readOnly), "permissions are not enforced for this user (root)");
            assertEquals(2, run("train", "--config", config(TINY).toString(), "--set", "data.type=idx",
                    "--set", "data.path=" + dir.resolve("nowhere"), "--out", readOnly.toString()));
            assertTrue(err.toString().contains("cannot write into the run directory " + readOnly), err.toString());
            assertTrue(err.toString().contains("permission denied"), err.toString());
        } finally {
            Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    @Test
    void staleTemporariesLeftByAKillAreRemovedOnResume() throws IOException {
        Path run = dir.resolve("run");
        assertEquals(0, run("train", "--config", config(TINY).toString(), "--out", run.toString()), err.toString());
        // What a kill -9 in the middle of atomic writes leaves.
        List<Path> stale = List.of(
                Files.writeString(run.resolve(".metrics.csv.8812345.tmp"), "half"),
                Files.writeString(run.resolve("checkpoints/.checkpoint-0002.ckpt.77.tmp"), "half"),
                Files.createDirectories(run.resolve(".model.5.tmp")));
        Files.writeString(stale.get(2).resolve("model-0001.params"), "half");

        assertEquals(0, run("train", "--config", config(TINY).toString(), "--out", run.toString(), "--resume"),
                err.toString());
        for (Path p : stale) {
            assertFalse(Files.exists(p), p.toString());
        }
        assertTrue(Files.isRegularFile(run.resolve("checkpoints/checkpoint-0001.ckpt")));
    }

    @Test
    void filesAndDirectoriesFollowTheUmask() throws IOException {
        assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"));
        // The reference: what the umask gives an ordinary new file and directory here.
        Set<PosixFilePermission> file = Files.getPosixFilePermissions(Files.createFile(dir.resolve("f")));
        Set<PosixFilePermission> folder = Files.getPosixFilePermissions(Files.createDirectory(dir.resolve("d")));
        Path run = dir.resolve("run");
        assertEquals(0, run("train", "--config", config(TINY).toString(), "--out", run.toString()), err.toString());
        for (String f : List.of("config.json", "metrics.csv", "summary.json", "loss.png", "accuracy.png",
                "checkpoints/checkpoint-0001.ckpt", "model/model-0001.params")) {
            assertEquals(PosixFilePermissions.toString(file),
                    PosixFilePermissions.toString(Files.getPosixFilePermissions(run.resolve(f))), f);
        }
        for (String d : List.of("", "checkpoints", "model")) {
            assertEquals(PosixFilePermissions.toString(folder),
                    PosixFilePermissions.toString(Files.getPosixFilePermissions(run.resolve(d))), "dir " + d);
        }
    }
}
