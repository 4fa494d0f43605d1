package org.lipreg.experiments.run;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;

import org.lipreg.experiments.config.ConfigException;
import org.lipreg.experiments.config.ConfigLoader;
import org.lipreg.experiments.config.RunConfig;
import org.lipreg.experiments.config.RunConfigs;
import org.lipreg.experiments.model.ModelFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reopens the final model of a finished run directory, for evaluation and certification. */
public final class TrainedRun {

    private TrainedRun() {}

    /**
     * Reads a run's resolved config.
     *
     * @param runDir the run directory
     * @return its config
     * @throws ConfigException if config.json is missing or invalid
     */
    public static RunConfig config(Path runDir) throws ConfigException {
        Path file = runDir.resolve(RunExecutor.CONFIG_FILE);
        if (!Files.isRegularFile(file)) {
            throw new ConfigException(runDir + ": not a run directory (no " + RunExecutor.CONFIG_FILE + ")");
        }
        RunConfig config = ConfigLoader.bind(ConfigLoader.readTree(file), RunConfig.class);
        RunConfigs.validate(config);
        return config;
    }

    /**
     * Rebuilds the run's model and loads its final parameters.
     *
     * @param runDir the run directory
     * @param exampleShape the shape of one example
     * @param numClasses the number of classes
     * @return the model, in inference use; the caller closes it
     * @throws ConfigException if the config is missing or invalid
     * @throws IOException if the model files are missing or do not match the architecture
     */
    public static Model load(Path runDir, Shape exampleShape, int numClasses) throws ConfigException, IOException {
        RunConfig config = config(runDir);
        Block block = ModelFactory.build(config.model, exampleShape, numClasses, config.data.batchSize);
        Model model = Model.newInstance(RunExecutor.MODEL_NAME);
        model.setBlock(block);
        try {
            model.load(runDir.resolve(RunExecutor.MODEL_DIR), RunExecutor.MODEL_NAME);
        } catch (MalformedModelException e) {
            model.close();
            throw new IOException(runDir.resolve(RunExecutor.MODEL_DIR) + ": " + e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            model.close();
            throw e;
        }
        return model;
    }
}
