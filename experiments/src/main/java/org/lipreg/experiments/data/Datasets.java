package org.lipreg.experiments.data;

import org.lipreg.experiments.config.DataConfig;

import java.io.IOException;
import java.nio.file.Path;

/** Turns a {@link DataConfig} into a train/test pair. */
public final class Datasets {

    /** Default number of generated training images. */
    public static final int SYNTHETIC_TRAIN = 8000;

    /** Default number of generated test images. */
    public static final int SYNTHETIC_TEST = 2000;

    private Datasets() {}

    /**
     * Loads or generates the data a config names.
     *
     * @param config the data config (already validated)
     * @param seed the run's seed (synthetic data depends on it)
     * @param baseDir the directory relative paths are resolved against
     * @return the two sets
     * @throws IOException naming the file or key when the data cannot be read
     */
    public static TrainTestData load(DataConfig config, long seed, Path baseDir) throws IOException {
        return switch (config.type) {
            case "synthetic" -> {
                int train = config.trainSize != null ? config.trainSize : SYNTHETIC_TRAIN;
                int test = config.testSize != null ? config.testSize : SYNTHETIC_TEST;
                // Test images come from a different stream than the training images.
                yield new TrainTestData(
                        SyntheticShapes.generate(train, seed, config.noise),
                        SyntheticShapes.generate(test, ~seed, config.noise),
                        "synthetic shapes (" + train + " train, " + test + " test, seed " + seed + ")");
            }
            case "synthetic-rgb" -> {
                int train = config.trainSize != null ? config.trainSize : SYNTHETIC_TRAIN;
                int test = config.testSize != null ? config.testSize : SYNTHETIC_TEST;
                yield new TrainTestData(
                        SyntheticShapes.generateRgb(train, seed, config.noise),
                        SyntheticShapes.generateRgb(test, ~seed, config.noise),
                        "synthetic colour shapes, 3×32×32 (" + train + " train, " + test + " test, seed " + seed + ")");
            }
            case "idx" -> IdxDirectory.load(baseDir.resolve(config.path), config.trainSize, config.testSize, config.classes);
            case "csv" -> CsvData.load(baseDir.resolve(config.path), config.trainSize, config.testSize, config.classes, null);
            case "text" -> throw new IOException("data.type: text is language-modelling data for model.preset "
                    + "transformer (see org.lipreg.experiments.text.TextData), not labelled examples");
            default -> DjlDatasets.load(config.type, config.trainSize, config.testSize);
        };
    }
}
