package org.lipreg.experiments.cli;

import org.lipreg.experiments.bench.LipSdpBenchmark;
import org.lipreg.experiments.certify.CertifyOutputs;
import org.lipreg.experiments.certify.MarkdownTables;
import org.lipreg.experiments.run.RunSetupException;
import org.lipreg.training.internal.AtomicFiles;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code lipreg bench lipsdp}: LipSDP bounds and seconds on the paper's MaxMin MLPs. */
@Command(
        name = "lipsdp",
        mixinStandardHelpOptions = true,
        description = {
            "Trains the MaxMin MLPs of Pauli et al. (2FC-16/32/64/128, 5FC-32/64, 8FC-32/64/128/256) and the",
            "203k-parameter 2FC-256, then certifies each by LipSDP: bound / product bound, bound / attained",
            "lower bound, seconds; the target: 2FC-256 within 3 % of the SDP optimum (Newton) in <= 10 s."
        })
final class BenchLipSdpCommand implements Callable<Integer> {

    @Option(names = "--data", defaultValue = "../shared/data/mnist", paramLabel = "DIR",
            description = "MNIST IDX directory (default ${DEFAULT-VALUE}; first 8000 test images train, last 2000 "
                    + "evaluate); 'synthetic' for the built-in shapes.")
    String data;

    @Option(names = "--models", split = ",", description = "Models (default all).")
    List<String> models;

    @Option(names = "--epochs", defaultValue = "2", description = "Training epochs (default 2).")
    int epochs;

    @Option(names = "--points", defaultValue = "200", description = "Test points for the lower bound (default 200).")
    int points;

    @Option(names = "--no-reference", negatable = false,
            description = "Skip the Newton solve of 2fc-256 (about a minute or two) that the 3 % target needs.")
    boolean noReference;

    @Option(names = "--out", paramLabel = "DIR", description = "Output directory (default runs/bench-lipsdp-<timestamp>).")
    Path out;

    @Override
    public Integer call() throws Exception {
        List<String> chosen = models != null ? models : new ArrayList<>(LipSdpBenchmark.MODEL_NAMES);
        for (String m : chosen) {
            if (!LipSdpBenchmark.MODEL_NAMES.contains(m)) {
                throw new RunSetupException("--models: unknown model '" + m + "' (allowed: "
                        + LipSdpBenchmark.MODEL_NAMES + ")", null);
            }
        }
        if (points < 1) {
            throw new RunSetupException("--points must be at least 1, got " + points, null);
        }
        List<String> dataOverrides = new ArrayList<>();
        String dataName;
        if ("synthetic".equals(data)) {
            dataOverrides.add("data.type=synthetic");
            dataName = "generated data (data.type=synthetic)";
        } else {
            if (!Files.isDirectory(Path.of(data))) {
                throw new RunSetupException("--data " + data + ": no such directory (MNIST IDX files expected)", null);
            }
            dataOverrides.addAll(List.of("data.type=idx", "data.path=" + Path.of(data).toAbsolutePath(),
                    "data.trainSize=8000", "data.testSize=2000"));
            dataName = "MNIST from " + data + " (first 8000 test images train, last 2000 evaluate)";
        }
        Path dir = out != null ? out : RunDirectories.fresh("bench-lipsdp");
        LipSdpBenchmark.Result result = LipSdpBenchmark.run(dataOverrides, chosen, epochs, points, !noReference, dir,
                System.out);
        String md = "# lipreg bench lipsdp\n\n" + "Data: " + dataName + ", " + epochs + " epochs. " + result.conditions()
                + ".\n\n## Bounds\n\n" + MarkdownTables.of(result.bounds()) + "\n## Targets\n\n"
                + MarkdownTables.of(result.targets());
        CertifyOutputs.csv(result.bounds(), dir.resolve("lipsdp.csv"));
        CertifyOutputs.csv(result.targets(), dir.resolve("targets.csv"));
        AtomicFiles.writeString(dir.resolve("bench.md"), md);
        System.out.println(md);
        System.out.println("wrote " + dir.resolve("bench.md"));
        return ExitCodes.OK;
    }
}
