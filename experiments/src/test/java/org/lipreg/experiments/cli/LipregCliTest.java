package org.lipreg.experiments.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lipreg.experiments.config.ConfigLoader;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The CLI's exit codes and what it writes (or does not write) for each outcome. */
class LipregCliTest {

    @TempDir Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return LipregCli.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
    }

    private Path config(String yaml) throws IOException {
        Path file = dir.resolve("run.yaml");
        Files.writeString(file, yaml);
        return file;
    }

    private static final String TINY = """
            name: tiny
            epochs: 1
            data: {type: synthetic, trainSize: 300, testSize: 100, batchSize: 50}
            model: {preset: mlp, hidden: [16]}
            """;

    @Test
    void helpAndVersionExitZero() {
        assertEquals(0, run("--help"));
        assertTrue(out.toString().contains("quickstart") && out.toString().contains("sweep"), out.toString());
        assertEquals(0, run("--version"));
        assertTrue(out.toString().contains("lipreg "), out.toString());
        for (String command : List.of("train", "quickstart", "sweep", "report", "bench")) {
            assertEquals(0, run(command, "--help"), command);
        }
        assertEquals(0, run("bench", "memory", "--help"));
    }

    @Test
    void usageErrorsExitTwo() {
        assertEquals(2, run("no-such-command"));
        assertEquals(2, run("train"), "--config is required");
        assertEquals(2, run("train", "--config", "x.yaml", "--bogus"));
        assertEquals(2, run("sweep"), "CONFIG is required");
        assertEquals(2, run("report", "/nonexistent/sweep"));
        assertTrue(err.toString().contains("/nonexistent/sweep: not a sweep directory (no sweep.json)"), err.toString());
    }

    @Test
    void invalidConfigExitsTwoAndWritesNothing() throws IOException {
        Path out = dir.resolve("out");
        assertEquals(2, run("train", "--config", config(TINY + "optimizer: {learningRate: -1}\n").toString(),
                "--out", out.toString()));
        assertTrue(err.toString().contains("optimizer.learningRate: must be a positive number (got -1.0)"), err.toString());
        assertFalse(Files.exists(out));
        assertEquals(2, run("train", "--config", config(TINY).toString(), "--set", "model.depth=3",
                "--out", out.toString()));
        assertTrue(err.toString().contains("model.depth: unknown key"), err.toString());
        assertFalse(Files.exists(out));
    }

    @Test
    void duplicateKeyExitsTwoAndWritesNothing() throws IOException {
        Path out = dir.resolve("out");
        assertEquals(2, run("train", "--config", config(TINY + "epochs: 3\n").toString(), "--out", out.toString()));
        assertTrue(err.toString().contains("key 'epochs' appears twice, on line 2 and on line 5"), err.toString());
        assertFalse(Files.exists(out));
    }

    @Test
    void missingDataExitsTwoAndWritesNothing() throws IOException {
        Path out = dir.resolve("out");
        assertEquals(2, run("train", "--config", config(TINY).toString(), "--set", "data.type=idx",
                "--set", "data.path=" + dir.resolve("nowhere"), "--out", out.toString()));
        assertTrue(err.toString().contains("nowhere: not a directory"), err.toString());
        assertFalse(Files.exists(out));
    }

    /** An IDX file of unsigned bytes: magic, dims, data. */
    private static byte[] idx(int dimensions, int[] dims, byte[] data) throws IOException {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        java.io.DataOutputStream out = new java.io.DataOutputStream(bytes);
        out.writeInt(0x800 | dimensions);
        for (int d : dims) {
            out.writeInt(d);
        }
        out.write(data);
        return bytes.toByteArray();
    }

    @Test
    void labelOutsideTheClassesExitsTwoAndWritesNothing() throws IOException {
        // Ten 28×28 images, labels 0..9 but one is 200: an error, not a 201-class model.
        Path data = Files.createDirectories(dir.resolve("idx"));
        byte[] labels = {0, 1, 2, 3, 4, 5, (byte) 200, 7, 8, 9};
        Files.write(data.resolve("t10k-images-idx3-ubyte"), idx(3, new int[] {10, 28, 28}, new byte[10 * 28 * 28]));
        Files.write(data.resolve("t10k-labels-idx1-ubyte"), idx(1, new int[] {10}, labels));
        Path out = dir.resolve("out");
        assertEquals(2, run("train", "--config", config(TINY).toString(), "--set", "data.type=idx",
                "--set", "data.path=" + data, "--set", "data.trainSize=8", "--set", "data.testSize=2",
                "--out", out.toString()));
        assertTrue(err.toString().contains(data.resolve("t10k-labels-idx1-ubyte")
                + ": example 6 has label 200, outside the 10 classes 0..9"), err.toString());
        assertFalse(Files.exists(out));
    }

    @Test
    void modelThatDoesNotFitTheDataExitsTwo() throws IOException {
        Path out = dir.resolve("out");
        String custom = TINY.replace("model: {preset: mlp, hidden: [16]}",
                "model: {preset: custom, layers: [{type: flatten}, {type: linear, units: 7}]}");
        assertEquals(2, run("train", "--config", config(custom).toString(), "--out", out.toString()));
        assertTrue(err.toString().contains("model.layers: the model maps an input (1, 1, 28, 28) to (1, 7)"),
                err.toString());
        assertFalse(Files.exists(out));
    }

    @Test
    void trainWritesTheRunDirectoryAndRefusesToOverwriteIt() throws IOException {
        Path out = dir.resolve("run");
        assertEquals(0, run("train", "--config", config(TINY).toString(), "--out", out.toString()), err.toString());
        for (String f : List.of("config.json", "metrics.csv", "summary.json", "loss.png", "accuracy.png",
                "model/model-0001.params", "checkpoints/checkpoint-0001.ckpt")) {
            assertTrue(Files.isRegularFile(out.resolve(f)), f);
        }
        JsonNode summary = ConfigLoader.json().readTree(out.resolve("summary.json").toFile());
        assertEquals("finished", summary.get("status").asText());
        JsonNode config = ConfigLoader.json().readTree(out.resolve("config.json").toFile());
        assertEquals(50, config.get("data").get("batchSize").asInt(), "resolved config written");

        assertEquals(2, run("train", "--config", config(TINY).toString(), "--out", out.toString()));
        assertTrue(err.toString().contains("already holds a run; pass --resume"), err.toString());
        assertEquals(2, run("train", "--config", config(TINY).toString(), "--set", "seed=9",
                "--out", out.toString(), "--resume"));
        assertTrue(err.toString().contains("the config differs from"), err.toString());
        assertTrue(err.toString().contains("at 'seed'"), err.toString());
        assertEquals(0, run("train", "--config", config(TINY).toString(), "--out", out.toString(), "--resume"),
                err.toString());
    }

    @Test
    void divergingRunExitsThreeAndKeepsItsCheckpoint() throws IOException {
        Path out = dir.resolve("run");
        String diverging = TINY.replace("epochs: 1", "epochs: 3")
                + "optimizer: {name: sgd, learningRate: 1.0e30, momentum: 0}\n";
        assertEquals(3, run("train", "--config", config(diverging).toString(), "--out", out.toString()));
        assertTrue(err.toString().contains("non-finite training loss"), err.toString());
        JsonNode summary = ConfigLoader.json().readTree(out.resolve("summary.json").toFile());
        assertEquals("diverged", summary.get("status").asText());
    }
}
