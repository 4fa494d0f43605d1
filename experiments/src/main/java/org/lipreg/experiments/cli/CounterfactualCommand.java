package org.lipreg.experiments.cli;

import ai.djl.Model;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.lipreg.certify.counterfactual.ClassProbability;
import org.lipreg.certify.counterfactual.DataRange;
import org.lipreg.certify.counterfactual.MinimumCostCounterfactual;
import org.lipreg.certify.counterfactual.ProbabilityLipschitz;
import org.lipreg.certify.counterfactual.Stability;
import org.lipreg.certify.counterfactual.TRex;
import org.lipreg.experiments.certify.ExistingOutputs;
import org.lipreg.experiments.certify.MarkdownTables;
import org.lipreg.experiments.config.RunConfig;
import org.lipreg.experiments.counterfactual.CounterfactualJob;
import org.lipreg.experiments.counterfactual.CounterfactualOutputs;
import org.lipreg.experiments.counterfactual.Retraining;
import org.lipreg.experiments.data.CsvData;
import org.lipreg.experiments.data.ImageData;
import org.lipreg.experiments.data.Standardization;
import org.lipreg.experiments.data.TrainTestData;
import org.lipreg.experiments.run.RunSetupException;
import org.lipreg.experiments.run.TrainedRun;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import tech.tablesaw.api.Table;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code lipreg counterfactual}: base and T-Rex counterfactuals of a run on tabular data. */
@Command(
        name = "counterfactual",
        mixinStandardHelpOptions = true,
        description = {
            "Stable counterfactuals (T-Rex:I, Hamman et al. 2023) for a run trained on csv data: for the first test",
            "points the model does not give the target class, a minimum-cost base counterfactual and the T-Rex one",
            "from it; cost, validity, stability R̂ and its Lipschitz form, and validity under retrained models."
        },
        footer = {
            "",
            "Costs are distances in standardized feature units. R̂ is reported with noise independent of the",
            "search's (seed + 1). Exit codes: 0 done, 1 failure, 2 bad input (a flag or file is named).",
            "Example: lipreg counterfactual --run runs/german --retrain 10 --out runs/german-cf"
        })
final class CounterfactualCommand implements Callable<Integer> {

    @Mixin RunOption run;

    @Option(names = "--data", paramLabel = "FILE",
            description = "The table to take points from (default: the run's data.path); split as in training.")
    Path data;

    @Option(names = "--points", defaultValue = "20", description = "Test points to explain (default ${DEFAULT-VALUE}).")
    int points;

    @Option(names = "--target", paramLabel = "LABEL",
            description = "The desired label, as written in the file (default: the most frequent training label).")
    Double target;

    @Option(names = "--retrain", defaultValue = "0", paramLabel = "K",
            description = "Retrain the run's config with K other seeds and report validity under them (default 0).")
    int retrain;

    @Option(names = "--tau", defaultValue = "0.75", description = "T-Rex stability target τ (default ${DEFAULT-VALUE}).")
    double tau;

    @Option(names = "--sigma", defaultValue = "0.05", description = "Noise σ of R̂ (default ${DEFAULT-VALUE}).")
    double sigma;

    @Option(names = "--samples", defaultValue = "1000", description = "Samples K of R̂ (default ${DEFAULT-VALUE}).")
    int samples;

    @Option(names = "--steps", defaultValue = "20", description = "Most T-Rex steps (default ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--eta", defaultValue = "0.01", description = "T-Rex step length η (default ${DEFAULT-VALUE}).")
    double eta;

    @Option(names = "--eps", defaultValue = "1", description = "T-Rex ℓ2 ball radius ε around the base (default ${DEFAULT-VALUE}).")
    double eps;

    @Option(names = "--box", paramLabel = "R",
            description = "ℓ∞ radius of the certified box around each counterfactual (default 4σ).")
    Double box;

    @Mixin SeedOption seed;

    @Option(names = "--out", paramLabel = "DIR", description = "Output directory (default: RUN/counterfactual).")
    Path out;

    @Mixin OverwriteOption overwrite;

    @Override
    @SuppressWarnings("try") // the lock is held, not used, inside the block
    public Integer call() throws Exception {
        check();
        Path dir = out != null ? out : run.dir().resolve("counterfactual");
        try (LockedRuns locked = run.lock()) {
            new ExistingOutputs().files(CounterfactualOutputs.files(dir)).refuseUnless(overwrite.allowed());
            return explain(dir);
        }
    }

    private int explain(Path dir) throws Exception {
        TrainedRun trained = TrainedRun.open(run.dir());
        RunConfig config = trained.config();
        if (!"csv".equals(config.data.type)) {
            throw new RunSetupException("--run " + run.dir() + ": trained on data.type " + config.data.type
                    + "; counterfactuals need a run on csv data", null);
        }
        Path baseDir = Path.of("");
        Standardization standardization;
        try {
            standardization = Standardization.read(run.dir().resolve(Standardization.FILE));
        } catch (IOException e) {
            throw new RunSetupException("--run: " + e.getMessage(), e);
        }
        Path file = data != null ? data : baseDir.resolve(config.data.path);
        TrainTestData tables;
        try {
            tables = CsvData.load(file, config.data.trainSize, config.data.testSize, standardization);
        } catch (IOException e) {
            throw new RunSetupException((data != null ? "--data: " : "--run: data.path: ") + e.getMessage(), e);
        }
        int targetClass = targetClass(standardization, tables.train());
        Files.createDirectories(dir);

        ImageData test = tables.test();
        Shape shape = test.exampleShape();
        int classes = standardization.labels().length;
        try (Model model = trained.loadModel(shape, classes);
                NDManager manager = NDManager.newBaseManager()) {
            ClassProbability m = new ClassProbability(model.getBlock(), shape, classes, targetClass, manager);
            double[][] all = rows(tables.train(), tables.test());
            DataRange range = DataRange.of(all);
            List<Integer> chosen = chooseTestPoints(m, test);
            if (chosen.isEmpty()) {
                throw new RunSetupException("--target " + label(standardization, targetClass)
                        + ": the model gives every test point that label; nothing to explain", null);
            }
            double[][] xs = new double[chosen.size()][];
            int[] indices = new int[chosen.size()];
            int[] labels = new int[chosen.size()];
            double[][] testRows = rows(test);
            for (int i = 0; i < xs.length; i++) {
                indices[i] = chosen.get(i);
                xs[i] = testRows[indices[i]];
                labels[i] = test.labels()[indices[i]];
            }
            System.out.printf(Locale.ROOT, "%d points (first test points not given label %s); target label %s%n",
                    xs.length, label(standardization, targetClass), label(standardization, targetClass));
            Stability search = Stability.builder().optSamples(samples).optSigma(sigma).optSeed(seed.value()).build();
            Stability evaluation = Stability.builder().optSamples(samples).optSigma(sigma).optSeed(seed.value() + 1).build();
            CounterfactualJob job = new CounterfactualJob(
                    MinimumCostCounterfactual.builder().optRange(range).build(),
                    TRex.builder().setStability(search).optTau(tau).optSteps(steps).optEta(eta).optEpsilon(eps)
                            .optRange(range).build(),
                    evaluation, box != null ? box : 4 * sigma, System.out::println);
            List<CounterfactualJob.Outcome> outcomes;
            try (ProbabilityLipschitz lipschitz = ProbabilityLipschitz.of(m, 256, seed.value())) {
                if (!lipschitz.certified()) {
                    System.err.println("lipreg: the model has a block the certifier cannot read ("
                            + lipschitz.unsupported().getMessage() + "): the Lipschitz form uses a sampled γ (not certified)");
                }
                outcomes = job.run(m, lipschitz, xs, indices, labels);
            }
            if (retrain > 0) {
                List<Model> models = new Retraining(baseDir, System.out).models(trained, retrain, dir.resolve("retrained"),
                        shape, classes);
                try {
                    outcomes = CounterfactualJob.withRetrained(outcomes, models, m);
                } finally {
                    models.forEach(Model::close);
                }
            }
            Table summary = CounterfactualOutputs.summary(outcomes);
            List<Path> files = CounterfactualOutputs.write(CounterfactualOutputs.points(outcomes, standardization.labels()),
                    summary, header(standardization, targetClass, file), dir);
            System.out.println();
            System.out.print(MarkdownTables.of(summary));
            System.out.println("wrote " + files.size() + " files to " + dir);
            return ExitCodes.OK;
        }
    }

    private void check() throws RunSetupException {
        require(points >= 1, "--points must be at least 1, got " + points);
        require(retrain >= 0, "--retrain must be ≥ 0, got " + retrain);
        require(Double.isFinite(tau), "--tau must be a number, got " + tau);
        require(sigma > 0 && Double.isFinite(sigma), "--sigma must be positive, got " + sigma);
        require(samples >= 1, "--samples must be at least 1, got " + samples);
        require(steps >= 0, "--steps must be ≥ 0, got " + steps);
        require(eta > 0 && Double.isFinite(eta), "--eta must be positive, got " + eta);
        require(eps >= 0 && Double.isFinite(eps), "--eps must be ≥ 0, got " + eps);
        require(box == null || (box >= 0 && Double.isFinite(box)), "--box must be ≥ 0, got " + box);
        if (data != null && !Files.isRegularFile(data)) {
            throw new RunSetupException("--data " + data + ": no such file", null);
        }
    }

    private static void require(boolean ok, String message) throws RunSetupException {
        if (!ok) {
            throw new RunSetupException(message, null);
        }
    }

    private int targetClass(Standardization s, ImageData train) throws RunSetupException {
        if (target != null) {
            int k = s.classOf(target);
            if (k < 0) {
                throw new RunSetupException("--target " + target + ": not a label of the run (labels "
                        + java.util.Arrays.toString(s.labels()) + ")", null);
            }
            return k;
        }
        // The favourable outcome is usually the common one (German credit: 700 good, 300 bad).
        int[] counts = new int[s.labels().length];
        for (int label : train.labels()) {
            counts[label]++;
        }
        int best = 0;
        for (int k = 1; k < counts.length; k++) {
            if (counts[k] > counts[best]) {
                best = k;
            }
        }
        return best;
    }

    private List<Integer> chooseTestPoints(ClassProbability m, ImageData test) {
        int[] predicted = m.predict(rows(test));
        List<Integer> chosen = new ArrayList<>();
        for (int i = 0; i < predicted.length && chosen.size() < points; i++) {
            if (predicted[i] != m.target()) {
                chosen.add(i);
            }
        }
        return chosen;
    }

    private static double[][] rows(ImageData... sets) {
        List<double[]> out = new ArrayList<>();
        for (ImageData set : sets) {
            int d = set.channels() * set.height() * set.width();
            for (int i = 0; i < set.size(); i++) {
                double[] row = new double[d];
                for (int j = 0; j < d; j++) {
                    row[j] = set.pixels()[i * d + j];
                }
                out.add(row);
            }
        }
        return out.toArray(new double[0][]);
    }

    private static String label(Standardization s, int k) {
        double v = s.labels()[k];
        return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
    }

    private String header(Standardization s, int targetClass, Path file) {
        return String.format(Locale.ROOT, "# Counterfactuals: base vs T-Rex%n%n"
                + "Run `%s`, points from `%s` (test split), target label %s. T-Rex: τ = %s, σ = %s, K = %d, "
                + "%d steps, η = %s, ε = %s; R̂ reported with seed %d (search seed %d). Costs in standardized "
                + "units. `lipschitz_stability` replaces |m(x) − m(X)| by γ‖x − X‖₂ (γ %s). "
                + "`retrained_validity`: fraction of %d models retrained with other seeds that give the target.%n",
                run.dir(), file, label(s, targetClass), tau, sigma, samples, steps, eta, eps, seed.value() + 1, seed.value(),
                "certified on a box of radius " + (box != null ? box : 4 * sigma) + " and globally outside it, or sampled",
                retrain);
    }
}
