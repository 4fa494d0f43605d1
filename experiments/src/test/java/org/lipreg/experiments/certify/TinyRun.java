package org.lipreg.experiments.certify;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.lipreg.experiments.cli.LipregCli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.Stream;

/**
 * A small finished run for certification tests (a 4-feature table of two classes, an MLP with 8
 * hidden units, trained with noise σ = 0.25), trained once per test JVM and copied for each test,
 * since certifying writes into the run.
 */
final class TinyRun {

    private static Path trained;

    private TinyRun() {}

    /**
     * Copies the trained run to a new directory.
     *
     * @param target the run directory to create
     * @return target
     * @throws Exception if training or copying fails
     */
    static synchronized Path copyTo(Path target) throws Exception {
        if (trained == null) {
            trained = train();
        }
        List<Path> files;
        try (Stream<Path> walk = Files.walk(trained)) {
            files = walk.toList();
        }
        for (Path from : files) {
            Path to = target.resolve(trained.relativize(from).toString());
            if (Files.isDirectory(from)) {
                Files.createDirectories(to);
            } else {
                Files.copy(from, to);
            }
        }
        return target;
    }

    private static Path train() throws Exception {
        Path dir = Files.createTempDirectory("lipreg-tiny-run");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(dir)));
        return train(dir, "{preset: mlp, hidden: [8]}");
    }

    /**
     * Trains the tiny run with another model section (not cached).
     *
     * @param dir an empty directory for the data, the config and the run
     * @param model the YAML of the model section, e.g. {@code {preset: mlp, hidden: [8]}}
     * @return the run directory
     * @throws Exception if training fails
     */
    static Path train(Path dir, String model) throws Exception {
        // Two Gaussian blobs in 4-d, labels 1 and 2: small enough that every certifier takes
        // well under a second on it, and tabular, so counterfactuals work on it too.
        Random random = new Random(3);
        StringBuilder rows = new StringBuilder();
        for (int i = 0; i < 200; i++) {
            int label = random.nextInt(3) == 0 ? 2 : 1;
            double shift = label == 1 ? 1 : -1;
            for (int j = 0; j < 4; j++) {
                rows.append(String.format(Locale.ROOT, "%.4f ", 10 + 3 * (shift + random.nextGaussian())));
            }
            rows.append(label).append('\n');
        }
        Path data = dir.resolve("blobs.data");
        Files.writeString(data, rows.toString());
        Path config = dir.resolve("tiny.yaml");
        Files.writeString(config, "name: tiny\nseed: 1\nepochs: 3\n"
                + "data: {type: csv, path: " + data.toAbsolutePath() + ", trainSize: 160, testSize: 40, batchSize: 32,"
                + " trainingNoise: 0.25}\n"
                + "model: " + model + "\noptimizer: {name: adam, learningRate: 0.01}\n");
        Path run = dir.resolve("run");
        StringWriter err = new StringWriter();
        int code = LipregCli.execute(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true),
                "train", "--config", config.toString(), "--out", run.toString());
        assertEquals(0, code, err.toString());
        return run;
    }

    private static void delete(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // A temporary directory left behind is harmless.
        }
    }
}
