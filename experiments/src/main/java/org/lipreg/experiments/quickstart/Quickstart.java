package org.lipreg.experiments.quickstart;

import org.lipreg.experiments.config.RunConfig;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/**
 * The main job, offline: train the small CNN (weight-standardized convolutions with
 * batch-channel normalization and max pooling, and a spectral-norm penalty on its dense layers)
 * on generated shapes, then run each further stage on the result (evaluate, certify its local
 * Lipschitz constant, randomized smoothing), and print one results table and where the run
 * directory is.
 */
public final class Quickstart {

    /** The built-in config, as overrides of the defaults. */
    public static final List<String> CONFIG = List.of(
            "name=quickstart",
            "data.type=synthetic",
            "epochs=3",
            "model.preset=cnn",
            // Narrow enough that CROWN bounds it in seconds (the widest layer, 4 × 28 × 28, sets the cost).
            "model.channels=[4, 8]",
            "model.norm=bcn",
            "model.groups=2",
            "model.weightStandardization=true",
            "optimizer.name=adam",
            "optimizer.learningRate=0.002",
            "regularizers=[{type: spectral-penalty, lambda: 0.001}]");

    /** The stages, in order. Add a stage here to extend the quickstart. */
    static final List<QuickstartStage> STAGES = List.of(new TrainStage(), new EvaluateStage(), new CertifyStage(), new SmoothingStage());

    private final PrintStream out;

    /**
     * Creates the quickstart.
     *
     * @param out where it prints
     */
    public Quickstart(PrintStream out) {
        this.out = out;
    }

    /**
     * Runs every stage.
     *
     * @param config the training config
     * @param runDir the run directory
     * @return the context with the results table
     * @throws Exception if a stage fails
     */
    public QuickstartContext run(RunConfig config, Path runDir) throws Exception {
        QuickstartContext context = new QuickstartContext(config, runDir, out);
        for (QuickstartStage stage : STAGES) {
            out.println("== " + stage.name());
            stage.run(context);
        }
        out.println(context.results().printAll());
        out.println("Run directory: " + runDir.toAbsolutePath().normalize());
        return context;
    }
}
