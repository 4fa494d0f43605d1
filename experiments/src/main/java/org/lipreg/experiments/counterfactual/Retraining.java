package org.lipreg.experiments.counterfactual;

import ai.djl.Model;
import ai.djl.ndarray.types.Shape;

import org.lipreg.experiments.config.ConfigException;
import org.lipreg.experiments.config.ConfigLoader;
import org.lipreg.experiments.config.RunConfig;
import org.lipreg.experiments.run.RunExecutor;
import org.lipreg.experiments.run.RunSetupException;
import org.lipreg.experiments.run.TrainedRun;
import org.lipreg.training.runner.TrainingProgress;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Retrains a run's config with other seeds (seed + 1, …, seed + K), in process, into
 * {@code dir/seed-N}: the models against which counterfactual validity is checked. A directory
 * that already holds a finished run with that seed is reused, so an interrupted job resumes.
 */
public final class Retraining {

    private final Path baseDir;
    private final PrintStream log;

    /**
     * Creates the retrainer.
     *
     * @param baseDir the directory relative data paths are resolved against
     * @param log where progress lines go
     */
    public Retraining(Path baseDir, PrintStream log) {
        this.baseDir = baseDir;
        this.log = log;
    }

    /**
     * Trains (or reuses) K models and opens them.
     *
     * @param original the original run (its config is retrained)
     * @param k how many models
     * @param dir where their run directories go
     * @param exampleShape one example's shape
     * @param classes the number of classes
     * @return the K models, in inference use; the caller closes them
     * @throws ConfigException if the run's config is invalid
     * @throws RunSetupException if a directory or the data cannot be used
     * @throws IOException if training or loading fails
     */
    public List<Model> models(TrainedRun original, int k, Path dir, Shape exampleShape, int classes)
            throws ConfigException, RunSetupException, IOException {
        List<Model> models = new ArrayList<>();
        try {
            for (int i = 1; i <= k; i++) {
                RunConfig config = original.config();
                config.seed += i;
                Path target = dir.resolve("seed-" + config.seed);
                long begin = System.nanoTime();
                if (finished(target, config.seed)) {
                    log.printf(Locale.ROOT, "retrained model %d/%d (seed %d): reusing %s%n", i, k, config.seed, target);
                } else {
                    log.printf(Locale.ROOT, "retrained model %d/%d (seed %d): training…", i, k, config.seed);
                    log.flush();
                    double accuracy = new RunExecutor(TrainingProgress.SILENT, baseDir).run(config, target, false)
                            .training().last().get("test_accuracy");
                    log.printf(Locale.ROOT, " test accuracy %.4f (%.1f s)%n", accuracy, (System.nanoTime() - begin) / 1e9);
                }
                models.add(TrainedRun.open(target).loadModel(exampleShape, classes));
            }
            return models;
        } catch (ConfigException | RunSetupException | IOException | RuntimeException e) {
            models.forEach(Model::close);
            throw e;
        }
    }

    /** A finished run of the same seed (its summary says finished and its config has that seed). */
    private static boolean finished(Path dir, long seed) {
        Path summary = dir.resolve(RunExecutor.SUMMARY_FILE);
        if (!Files.isRegularFile(summary) || !Files.isDirectory(dir.resolve(RunExecutor.MODEL_DIR))) {
            return false;
        }
        try {
            boolean done = "finished".equals(ConfigLoader.json().readTree(summary.toFile()).path("status").asText());
            return done && TrainedRun.open(dir).config().seed == seed;
        } catch (IOException | ConfigException | RunSetupException e) {
            return false;
        }
    }
}
