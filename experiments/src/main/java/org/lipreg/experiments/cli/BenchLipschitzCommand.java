package org.lipreg.experiments.cli;

import org.lipreg.certify.lipschitz.Method;
import org.lipreg.experiments.bench.BoundTiming;
import org.lipreg.experiments.bench.LipschitzBenchmark;
import org.lipreg.experiments.certify.CertifyOutputs;
import org.lipreg.experiments.certify.MarkdownTables;
import org.lipreg.experiments.run.RunSetupException;
import org.lipreg.training.internal.AtomicFiles;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import tech.tablesaw.api.Table;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code lipreg bench lipschitz}: tightness and speed of every bound method on trained models. */
@Command(
        name = "lipschitz",
        mixinStandardHelpOptions = true,
        description = {
            "Trains reference models and certifies local Lipschitz constants at test points for each eps and",
            "method beside the attained lower bounds: upper/lower ratios, seconds per point, peak resident memory",
            "while certifying (VmHWM), and the targets. Models: mlp, mlp-penalty (MNIST MLP 784-20-20-10), cnn,",
            "cnn-penalty (small stride-2 CNN), mnist-cnn-4layer and cifar-cnn-4layer (the Local-Lipschitz-Constants",
            "shapes; the CIFAR one on generated 3x32x32 colour shapes), quickstart-cnn (WS + BCN + max pooling,",
            "on the generated shapes)."
        })
final class BenchLipschitzCommand implements Callable<Integer> {

    @Option(names = "--data", defaultValue = "../shared/data/mnist", paramLabel = "DIR",
            description = "MNIST IDX directory (default ${DEFAULT-VALUE}); 'synthetic' for the built-in shapes.")
    String data;

    @Option(names = "--models", split = ",", defaultValue = "mlp,mlp-penalty,cnn,cnn-penalty",
            description = "Models (default mlp,mlp-penalty,cnn,cnn-penalty; also mnist-cnn-4layer, cifar-cnn-4layer, quickstart-cnn).")
    List<String> models;

    @Option(names = "--epochs", defaultValue = "3", description = "Training epochs (default 3).")
    int epochs;

    @Option(names = "--eps", split = ",", defaultValue = "0.01,0.05,0.1", description = "Box radii (default 0.01,0.05,0.1).")
    List<Double> eps;

    @Option(names = "--points", defaultValue = "20", description = "Test points per model (default 20).")
    int points;

    @Option(names = "--method", split = ",", defaultValue = "naive,ibp,recurjac,crown,alpha_crown,bab",
            description = "Methods (default all).")
    List<String> methods;

    @Option(names = "--timeout", defaultValue = "60", description = "Branch-and-bound budget per point and eps, s (default 60).")
    double timeout;

    @Option(names = "--run", paramLabel = "DIR",
            description = "Time the bound alone on this trained run's first --points test points (no training, no lower-bound search): wall and CPU s and the largest bound per point, method and eps.")
    Path run;

    @Option(names = "--out", paramLabel = "DIR", description = "Output directory (default runs/bench-lipschitz-<timestamp>).")
    Path out;

    @Override
    public Integer call() throws Exception {
        for (String m : models) {
            if (!LipschitzBenchmark.MODELS_NAMES.contains(m)) {
                throw new RunSetupException("--models: unknown model '" + m + "' (allowed: " + LipschitzBenchmark.MODELS_NAMES + ")", null);
            }
        }
        List<Method> parsed = new ArrayList<>();
        for (String m : methods) {
            try {
                parsed.add(Method.parse(m));
            } catch (IllegalArgumentException e) {
                throw new RunSetupException("--method: " + e.getMessage(), e);
            }
        }
        if (run != null) {
            if (!Files.isRegularFile(run.resolve("config.json"))) {
                throw new RunSetupException("--run " + run + ": not a run directory (no config.json)", null);
            }
            BoundTiming.run(run, points, eps, parsed, System.out);
            return ExitCodes.OK;
        }
        List<String> dataOverrides = new ArrayList<>();
        if ("synthetic".equals(data)) {
            dataOverrides.add("data.type=synthetic");
        } else {
            if (!Files.isDirectory(Path.of(data))) {
                throw new RunSetupException("--data " + data + ": no such directory (MNIST IDX files expected)", null);
            }
            dataOverrides.addAll(List.of("data.type=idx", "data.path=" + Path.of(data).toAbsolutePath(),
                    "data.trainSize=8000", "data.testSize=2000"));
        }
        Path dir = out != null ? out : RunDirectories.fresh("bench-lipschitz");
        Table targets = LipschitzBenchmark.run(dataOverrides, models, epochs, eps, points, parsed, timeout, dir, System.out);
        StringBuilder md = new StringBuilder("# lipreg bench lipschitz\n\n");
        md.append(LipschitzBenchmark.conditions()).append(" (at the end of the run)\n\n");
        Table summary = Table.read().csv(dir.resolve("summary.csv").toFile());
        md.append("## Summary\n\n").append(MarkdownTables.of(summary)).append('\n');
        md.append("## Targets\n\n").append(MarkdownTables.of(targets));
        AtomicFiles.writeString(dir.resolve("bench.md"), md.toString());
        CertifyOutputs.csv(targets, dir.resolve("targets.csv"));
        System.out.println(md);
        System.out.println("wrote " + dir.resolve("bench.md"));
        return ExitCodes.OK;
    }
}
