package org.lipreg.experiments.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lipreg.experiments.cli.LipregCli;
import org.lipreg.training.io.RunDirectoryLock;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * What a sweep checks before its first run starts (in-process, no child is ever started): every
 * run's data files, and that no other process holds one of its run directories. Each refusal is
 * exit 2 with nothing written.
 */
class SweepPreflightTest {

    @TempDir Path dir;

    private final StringWriter err = new StringWriter();

    private int sweep(String yaml, Path out) throws Exception {
        Path file = dir.resolve("sweep.yaml");
        Files.writeString(file, yaml);
        return LipregCli.execute(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true),
                "sweep", file.toString(), "--out", out.toString());
    }

    private static List<Path> tree(Path root) throws Exception {
        try (Stream<Path> files = Files.walk(root)) {
            return files.sorted().toList();
        }
    }

    @Test
    void aMissingDataFileOfAnyVariantIsRefusedBeforeAnyRunStarts() throws Exception {
        Path table = Files.createDirectories(dir.resolve("a-directory-not-a-table"));
        Path text = Files.createDirectories(dir.resolve("text"));
        Files.writeString(text.resolve("train.txt"), "a b c\n");
        Path out = dir.resolve("out");
        int code = sweep("""
                name: t
                base:
                  epochs: 1
                  data: {type: synthetic, trainSize: 20, testSize: 10, batchSize: 10}
                  model: {preset: mlp, hidden: [4]}
                grid: {seed: [1, 2]}
                variants:
                  - {name: ok}
                  - {name: idx-missing, set: {data.type: idx, data.path: %s}}
                  - {name: csv-dir, set: {data.type: csv, data.path: %s}}
                  - {name: text-missing, set: {data.type: text, data.path: %s, data.trainFile: train.txt,
                     data.testFile: test.txt, model: {preset: transformer, norm: ln}}}
                """.formatted(dir.resolve("no/such/idx"), table, text), out);

        assertEquals(2, code, err.toString());
        String message = err.toString();
        assertTrue(message.contains("variant idx-missing (runs idx-missing_seed-1, idx-missing_seed-2): data.path: "
                + dir.resolve("no/such/idx") + " does not exist"), message);
        assertTrue(message.contains("variant csv-dir (runs csv-dir_seed-1, csv-dir_seed-2): data.path: " + table
                + " is not a file"), message);
        assertTrue(message.contains("variant text-missing (runs text-missing_seed-1, text-missing_seed-2): "
                + "data.testFile: " + text.resolve("test.txt") + " does not exist"), message);
        assertFalse(message.contains("train.txt"), "the text variant's train file is there: " + message);
        assertFalse(message.contains("variant ok"), message);
        assertFalse(Files.exists(out), "nothing written, not even the sweep directory");
    }

    @Test
    void aRelativeDataPathIsResolvedAsTheRunsResolveItAndNamedInFull() throws Exception {
        Path out = dir.resolve("out");
        String relative = "no-such-dir-" + ProcessHandle.current().pid();
        assertEquals(2, sweep("name: t\nbase: {epochs: 1, data: {type: idx, path: " + relative + "}}\n", out));
        assertTrue(err.toString().contains("run base: data.path: " + relative + " does not exist (looked for "
                + Path.of(relative).toAbsolutePath() + "; it must be a directory of IDX files)"), err.toString());
        assertFalse(Files.exists(out));
    }

    @Test
    void aRunDirectoryLockedByAnotherProcessIsRefusedNamingItAndTheHolder() throws Exception {
        Path out = dir.resolve("out");
        Path runDir = out.resolve("seed-2");
        List<Path> before;
        // This JVM stands in for the other process: the sweep's children are other processes.
        try (RunDirectoryLock held = RunDirectoryLock.acquire(runDir)) {
            before = tree(out);
            int code = sweep("""
                    name: t
                    base:
                      epochs: 1
                      data: {type: synthetic, trainSize: 20, testSize: 10, batchSize: 10}
                      model: {preset: mlp, hidden: [4]}
                    grid: {seed: [1, 2]}
                    """, out);
            assertEquals(2, code, err.toString());
        }
        assertTrue(err.toString().contains(runDir + " is in use by another lipreg process (pid "
                + ProcessHandle.current().pid() + ")"), err.toString());
        assertEquals(before, tree(out), "nothing written");
    }

    @Test
    void aVariantNamedDotDotWritesNothingOutsideTheSweepDirectory() throws Exception {
        Path out = dir.resolve("sweeps/out");
        assertEquals(2, sweep("name: t\nbase: {epochs: 1}\nvariants: [{name: '..'}]\n", out));
        assertTrue(err.toString().contains("variants[0].name: '..' is not a plain directory name"), err.toString());
        assertFalse(Files.exists(dir.resolve("sweeps")));
    }
}
