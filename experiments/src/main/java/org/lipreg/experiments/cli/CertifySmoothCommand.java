package org.lipreg.experiments.cli;

import ai.djl.ndarray.NDManager;

import org.lipreg.certify.smoothing.OnnxClassifier;
import org.lipreg.certify.smoothing.SmoothingMethod;
import org.lipreg.experiments.certify.CertifyOutputs;
import org.lipreg.experiments.certify.CertifyTarget;
import org.lipreg.experiments.certify.ExistingOutputs;
import org.lipreg.experiments.certify.MarkdownTables;
import org.lipreg.experiments.certify.PointCluster;
import org.lipreg.experiments.certify.SmoothingJob;
import org.lipreg.experiments.certify.SmoothingOutputs;
import org.lipreg.experiments.config.RunConfig;
import org.lipreg.experiments.run.RunSetupException;
import org.lipreg.experiments.run.TrainedRun;

import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;

/** {@code lipreg certify smooth}: randomized-smoothing certificates of trained runs or an ONNX model. */
@Command(
        name = "smooth",
        mixinStandardHelpOptions = true,
        description = {
            "Certified l2 radii of the Gaussian-smoothed classifier (Cohen et al.; soft smoothing with",
            "simplex maps and empirical-Bernstein bounds): per-point log, certified-accuracy table and plot."
        })
final class CertifySmoothCommand implements Callable<Integer> {

    /** Where the models come from: lipreg runs (with their test sets) or one ONNX model. */
    static final class Source {
        @Option(names = "--run", required = true, paramLabel = "DIR",
                description = "A finished run directory; repeat to compare runs in one table and plot.")
        List<Path> runs;

        @Option(names = "--onnx", required = true, paramLabel = "FILE",
                description = "An ONNX model (operator sets 11-18), at --points points drawn from --domain by --seed.")
        Path onnx;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    @Option(names = "--domain", paramLabel = "MIN,MAX", split = ",",
            description = "With --onnx: the box the points are drawn from (default 0,1).")
    double[] domain;

    @Option(names = "--engine", defaultValue = "auto",
            description = "With --onnx: onnxruntime, pytorch, or auto (ONNX Runtime, or PyTorch where ONNX Runtime "
                    + "cannot run the file). Default ${DEFAULT-VALUE}.")
    String engine;

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
            description = "Test points, evenly spaced through the test split; with --onnx, points drawn "
                    + "uniformly from --domain (default ${DEFAULT-VALUE}).")
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
        if (source.onnx == null && (domain != null || !engine.equals("auto"))) {
            throw new RunSetupException("--domain and --engine are for --onnx (a run is smoothed on its test set)", null);
        }
        if (domain != null && (domain.length != 2 || !(domain[0] < domain[1]))) {
            throw new RunSetupException("--domain needs MIN,MAX with MIN < MAX", null);
        }
        OnnxClassifier.Engine chosen = null;
        if (!engine.equals("auto")) {
            try {
                chosen = OnnxClassifier.Engine.parse(engine);
            } catch (IllegalArgumentException e) {
                throw new RunSetupException("--engine: " + e.getMessage() + " (nor auto)", e);
            }
        }
        List<Path> runs = source.runs == null ? List.of() : source.runs;
        spark.validate(source.onnx == null);
        Path dir = out != null ? out
                : runs.size() == 1 ? runs.get(0).resolve("smoothing") : RunDirectories.fresh("smoothing");
        if (source.onnx != null) {
            if (sigmas == null) {
                throw new RunSetupException("--sigma: required for --onnx (there is no training noise to default to)", null);
            }
            new ExistingOutputs().files(SmoothingOutputs.files(dir)).refuseUnless(overwrite.allowed());
            return certifyOnnx(parsed, chosen, dir);
        }
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
        List<Path> runs = source.runs;
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
        return report(result, files, dir);
    }

    /** An ONNX model at points drawn as for {@code certify lipschitz --onnx} (same options, same points). */
    private int certifyOnnx(Set<SmoothingMethod> parsed, OnnxClassifier.Engine chosen, Path dir) throws Exception {
        for (double sigma : sigmas) {
            if (!(sigma > 0) || Double.isInfinite(sigma)) {
                throw new RunSetupException("--sigma must be positive, got " + sigma, null);
            }
        }
        double[] box = domain != null ? domain : new double[] {0, 1};
        CertifyTarget target;
        try {
            target = CertifyTarget.fromOnnx(source.onnx, points, seed.value(), box);
        } catch (java.io.IOException e) {
            throw new RunSetupException(e.getMessage(), e);
        }
        try (target; NDManager manager = NDManager.newBaseManager();
                OnnxClassifier base = open(target, chosen, manager)) {
            float[][] xs = new float[target.points().length][];
            for (int p = 0; p < xs.length; p++) {
                xs[p] = new float[target.points()[p].length];
                for (int i = 0; i < xs[p].length; i++) {
                    xs[p][i] = (float) target.points()[p][i];
                }
            }
            SmoothingJob job = new SmoothingJob(parsed, n0, n, alpha, points, batch, seed.value(), System.out::println);
            SmoothingJob.Result result = job.run(target.name(), base, sigmas, xs, target.labels());
            return report(result, SmoothingOutputs.write(result, dir), dir);
        }
    }

    /** The chosen engine, or for auto ONNX Runtime where it can run the file and PyTorch elsewhere. */
    private OnnxClassifier open(CertifyTarget target, OnnxClassifier.Engine chosen, NDManager manager)
            throws Exception {
        OnnxClassifier.Engine first = chosen != null ? chosen : OnnxClassifier.Engine.ONNX_RUNTIME;
        try {
            OnnxClassifier base = OnnxClassifier.open(source.onnx, target.network(), first, OnnxClassifier.threads(),
                    batch, manager);
            System.out.println("engine: " + (first == OnnxClassifier.Engine.ONNX_RUNTIME ? "onnxruntime" : "pytorch"));
            return base;
        } catch (java.io.IOException e) {
            if (chosen != null) {
                throw new RunSetupException(e.getMessage() + "; try --engine pytorch", e);
            }
            System.out.println("engine: pytorch (" + e.getMessage() + ")");
            return OnnxClassifier.open(source.onnx, target.network(), OnnxClassifier.Engine.PYTORCH,
                    OnnxClassifier.threads(), batch, manager);
        }
    }

    private static int report(SmoothingJob.Result result, List<Path> files, Path dir) {
        System.out.println();
        System.out.print(MarkdownTables.of(result.summary()));
        System.out.println("wrote " + files.size() + " files to " + dir);
        return ExitCodes.OK;
    }
}
