package org.lipreg.experiments.cli;

import org.lipreg.certify.smoothing.SmoothingMethod;
import org.lipreg.experiments.certify.CertifyOutputs;
import org.lipreg.experiments.certify.ExistingOutputs;
import org.lipreg.experiments.certify.MarkdownTables;
import org.lipreg.experiments.certify.PointCluster;
import org.lipreg.experiments.certify.SmoothingJob;
import org.lipreg.experiments.certify.SmoothingOutputs;
import org.lipreg.experiments.config.RunConfig;
import org.lipreg.experiments.run.RunSetupException;
import org.lipreg.experiments.run.TrainedRun;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;

/** {@code lipreg certify smooth}: randomized-smoothing certificates of trained runs. */
@Command(
        name = "smooth",
        mixinStandardHelpOptions = true,
        description = {
            "Certified l2 radii of the Gaussian-smoothed classifier (Cohen et al.; soft smoothing with",
            "simplex maps and empirical-Bernstein bounds): per-point log, certified-accuracy table and plot."
        })
final class CertifySmoothCommand implements Callable<Integer> {

    @Option(names = "--run", required = true, paramLabel = "DIR",
            description = "A finished run directory; repeat to compare runs in one table and plot.")
    List<Path> runs;

    @Option(names = "--sigma", split = ",", paramLabel = "S",
            description = "Noise level(s), raw input units; every run is certified at each. "
                    + "Default: each run's data.trainingNoise.")
    List<Double> sigmas;

    @Option(names = "--method", split = ",", defaultValue = "cohen",
            description = "cohen, soft, or both as cohen,soft (they then share the noise draws). Default ${DEFAULT-VALUE}.")
    List<String> methods;

    @Option(names = "--n0", defaultValue = "100", description = "Selection samples per point (default ${DEFAULT-VALUE}).")
    int n0;

    @Option(names = "--n", defaultValue = "100000", description = "Certification samples per point (default ${DEFAULT-VALUE}).")
    int n;

    @Option(names = "--alpha", defaultValue = "0.001", description = "Miss probability of each certificate (default ${DEFAULT-VALUE}).")
    double alpha;

    @Option(names = "--points", defaultValue = "100",
            description = "Test points, evenly spaced through the test split (default ${DEFAULT-VALUE}).")
    int points;

    @Option(names = "--batch", defaultValue = "1000", description = "Noisy copies per forward pass (default ${DEFAULT-VALUE}).")
    int batch;

    @Mixin SeedOption seed;

    @Option(names = "--out", paramLabel = "DIR",
            description = "Output directory (default: RUN/smoothing for one run, else runs/smoothing-<timestamp>).")
    Path out;

    @Mixin OverwriteOption overwrite;

    @Mixin SparkPointsOptions spark;

    @Override
    @SuppressWarnings("try") // the lock is held, not used, inside the block
    public Integer call() throws Exception {
        Set<SmoothingMethod> parsed = EnumSet.noneOf(SmoothingMethod.class);
        for (String m : methods) {
            try {
                parsed.add(SmoothingMethod.parse(m));
            } catch (IllegalArgumentException e) {
                throw new RunSetupException("--method: " + e.getMessage(), e);
            }
        }
        if (n0 < 2 || n < 2) {
            throw new RunSetupException("--n0 and --n must be at least 2, got " + n0 + " and " + n, null);
        }
        if (!(alpha > 0 && alpha < 1)) {
            throw new RunSetupException("--alpha must be in (0, 1), got " + alpha, null);
        }
        if (points < 1 || batch < 1) {
            throw new RunSetupException("--points and --batch must be positive", null);
        }
        spark.validate(true);
        Path dir = out != null ? out
                : runs.size() == 1 ? runs.get(0).resolve("smoothing") : RunDirectories.fresh("smoothing");
        try (LockedRuns locked = LockedRuns.lock("--run", runs)) {
            ExistingOutputs existing = new ExistingOutputs().files(SmoothingOutputs.files(dir));
            for (Path run : runs) {
                existing.certificate(run.resolve(CertifyOutputs.CERTIFICATE_FILE), SmoothingOutputs.SMOOTHING_FIGURES);
            }
            existing.refuseUnless(overwrite.allowed());
            return certify(parsed, dir);
        }
    }

    private int certify(Set<SmoothingMethod> parsed, Path dir) throws Exception {
        List<SmoothingJob.Target> targets = new ArrayList<>();
        for (Path run : runs) {
            List<Double> levels = sigmas;
            if (levels == null) {
                RunConfig config = TrainedRun.open(run).config();
                if (!(config.data.trainingNoise > 0)) {
                    throw new RunSetupException("--sigma: required for " + run
                            + ", which was trained without noise (data.trainingNoise = 0)", null);
                }
                levels = List.of(config.data.trainingNoise);
            }
            for (double sigma : levels) {
                if (!(sigma > 0) || Double.isInfinite(sigma)) {
                    throw new RunSetupException("--sigma must be positive, got " + sigma, null);
                }
                targets.add(new SmoothingJob.Target(run, sigma));
            }
        }
        SmoothingJob job = new SmoothingJob(parsed, n0, n, alpha, points, batch, seed.value(), System.out::println);
        SmoothingJob.Result result;
        try (PointCluster cluster = spark.start("lipreg certify smooth")) {
            result = job.run(targets, Path.of("").toAbsolutePath(), cluster);
        }
        List<Path> files = SmoothingOutputs.write(result, dir);
        for (Path run : runs) {
            SmoothingOutputs.writeCertificate(result.summary(), run.getFileName().toString(),
                    run.resolve(CertifyOutputs.CERTIFICATE_FILE));
        }
        System.out.println();
        System.out.print(MarkdownTables.of(result.summary()));
        System.out.println("wrote " + files.size() + " files to " + dir);
        return ExitCodes.OK;
    }
}
