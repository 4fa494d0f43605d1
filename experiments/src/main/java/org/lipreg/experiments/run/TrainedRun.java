package org.lipreg.experiments.run;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;

import org.lipreg.experiments.config.ConfigException;
import org.lipreg.experiments.config.ConfigLoader;
import org.lipreg.experiments.config.RunConfig;
import org.lipreg.experiments.config.RunConfigs;
import org.lipreg.experiments.model.ModelFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A finished run directory, opened once: its config.json read, validated and resolved, and its
 * final model present. Evaluation, certification, smoothing and counterfactuals all open a run
 * through {@link #open}; {@link #loadModel} rebuilds and loads the model from that config.
 */
public final class TrainedRun {

    private final Path dir;
    private final RunConfig config;

    private TrainedRun(Path dir, RunConfig config) {
        this.dir = dir;
        this.config = config;
    }

    /**
     * Opens a finished run: reads and validates its config once and checks that it has its final
     * model.
     *
     * @param runDir the run directory
     * @return the run
     * @throws ConfigException if config.json is missing or invalid
     * @throws RunSetupException if the run has not finished (no model/)
     */
    public static TrainedRun open(Path runDir) throws ConfigException, RunSetupException {
        RunConfig config = requireRun(runDir);
        requireFinished(runDir);
        return new TrainedRun(runDir, config);
    }

    /**
     * The run directory.
     *
     * @return the directory given to {@link #open}
     */
    public Path dir() {
        return dir;
    }

    /**
     * The run's resolved config, as a copy: a caller may change it (retraining changes the seed)
     * without changing what this run reports.
     *
     * @return a copy of the config
     */
    public RunConfig config() {
        try {
            return ConfigLoader.bind(ConfigLoader.toTree(config), RunConfig.class);
        } catch (ConfigException e) {
            throw new IllegalStateException("a validated config did not bind again: " + e.getMessage(), e);
        }
    }

    /**
     * Reads and validates a run's config without requiring the run to be finished: the check
     * that a directory holds a run at all, done before anything (a lock file) is written into it.
     *
     * @param runDir the run directory
     * @return its config
     * @throws ConfigException if config.json is missing or invalid
     */
    public static RunConfig requireRun(Path runDir) throws ConfigException {
        Path file = runDir.resolve(RunExecutor.CONFIG_FILE);
        if (!Files.isRegularFile(file)) {
            throw new ConfigException(runDir + ": not a run directory (no " + RunExecutor.CONFIG_FILE + ")");
        }
        RunConfig config = ConfigLoader.bind(ConfigLoader.readTree(file), RunConfig.class);
        RunConfigs.validate(config);
        return config;
    }

    /**
     * Checks that a directory holds a finished run: a config and the final model. An interrupted
     * run (killed, or stopped with Ctrl-C) has checkpoints but no model; the error says how to
     * finish it.
     *
     * @param runDir the run directory
     * @throws ConfigException if it holds no run (no config.json)
     * @throws RunSetupException if the run has not finished (no model/)
     */
    public static void requireFinished(Path runDir) throws ConfigException, RunSetupException {
        Path config = runDir.resolve(RunExecutor.CONFIG_FILE);
        if (!Files.isRegularFile(config)) {
            throw new ConfigException(runDir + ": not a run directory (no " + RunExecutor.CONFIG_FILE + ")");
        }
        if (!Files.isDirectory(runDir.resolve(RunExecutor.MODEL_DIR))) {
            throw new RunSetupException(runDir + ": run not finished (no " + RunExecutor.MODEL_DIR + "/): resume it with"
                    + " 'lipreg train --config " + config + " --out " + runDir + " --resume'", null);
        }
    }

    /**
     * Rebuilds the run's model from its config and loads its final parameters.
     *
     * @param exampleShape the shape of one example
     * @param numClasses the number of classes
     * @return the model, in inference use; the caller closes it
     * @throws ConfigException if the model config does not fit the data (shape, classes)
     * @throws RunSetupException if a parameter holds NaN or an infinity (named, with its index)
     * @throws IOException if the model files are missing or do not match the architecture
     */
    public Model loadModel(Shape exampleShape, int numClasses)
            throws ConfigException, RunSetupException, IOException {
        Block block = ModelFactory.build(config.model, exampleShape, numClasses, config.data.batchSize);
        Model model = Model.newInstance(RunExecutor.MODEL_NAME);
        model.setBlock(block);
        try {
            model.load(dir.resolve(RunExecutor.MODEL_DIR), RunExecutor.MODEL_NAME);
        } catch (MalformedModelException e) {
            model.close();
            throw new IOException(dir.resolve(RunExecutor.MODEL_DIR) + ": " + e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            model.close();
            throw e;
        }
        try {
            requireFinite(block, dir.resolve(RunExecutor.MODEL_DIR));
        } catch (RunSetupException e) {
            model.close();
            throw e;
        }
        return model;
    }

    /**
     * Refuses a model with a NaN or infinite parameter: every output, bound and certificate of
     * it would be NaN, which tables show as blanks that look like results.
     */
    private static void requireFinite(Block block, Path modelDir) throws RunSetupException {
        for (Pair<String, Parameter> entry : block.getParameters()) {
            NDArray array = entry.getValue().getArray();
            float[] values = array.toType(DataType.FLOAT32, false).toFloatArray();
            for (int i = 0; i < values.length; i++) {
                if (!Float.isFinite(values[i])) {
                    throw new RunSetupException(modelDir + ": parameter '" + entry.getKey() + "' holds " + values[i]
                            + " at " + Arrays.toString(unravel(i, array.getShape().getShape())) + " (shape "
                            + array.getShape() + "); every parameter must be a finite number", null);
                }
            }
        }
    }

    /** The multi-index of a flat (row-major) index. */
    private static long[] unravel(long flat, long[] shape) {
        long[] index = new long[shape.length];
        for (int d = shape.length - 1; d >= 0; d--) {
            index[d] = flat % shape[d];
            flat /= shape[d];
        }
        return index;
    }
}
