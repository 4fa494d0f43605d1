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
import java.util.stream.Stream;

/**
 * A small finished run for certification tests (synthetic shapes, an MLP with 8 hidden units,
 * one epoch, trained with noise σ = 0.1), trained once per test JVM and copied for each test,
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
        Path config = dir.resolve("tiny.json");
        Files.writeString(config, "{\"name\": \"tiny\", \"epochs\": 1, \"data\": {\"type\": \"synthetic\", "
                + "\"trainSize\": 400, \"testSize\": 50, \"batchSize\": 50, \"trainingNoise\": 0.1}, "
                + "\"model\": {\"preset\": \"mlp\", \"hidden\": [8]}}");
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
