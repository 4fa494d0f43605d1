package org.lipreg.experiments.cli;

import org.lipreg.certify.ir.NetworkFiles;
import org.lipreg.certify.ir.UnsupportedLayerException;
import org.lipreg.certify.onnx.OnnxWriter;
import org.lipreg.certify.lipsdp.DenseChain;
import org.lipreg.certify.lipsdp.LipSdp;
import org.lipreg.certify.lipsdp.LipSdpResult;
import org.lipreg.certify.lipschitz.BabSettings;
import org.lipreg.certify.lipschitz.DerivativeBounds;
import org.lipreg.certify.lipschitz.InputBox;
import org.lipreg.certify.lipschitz.LipschitzCertifier;
import org.lipreg.certify.lipschitz.LowerBoundSearch;
import org.lipreg.certify.lipschitz.Method;
import org.lipreg.certify.lipschitz.Monotonicity;
import org.lipreg.experiments.certify.CertifyOutputs;
import org.lipreg.experiments.certify.CertifyTarget;
import org.lipreg.experiments.certify.ExistingOutputs;
import org.lipreg.experiments.certify.LipSdpOutputs;
import org.lipreg.experiments.certify.LipschitzJob;
import org.lipreg.experiments.certify.MarkdownTables;
import org.lipreg.experiments.certify.PointCluster;
import org.lipreg.experiments.run.RunSetupException;
import org.lipreg.training.internal.AtomicFiles;

import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code lipreg certify}: certificates for trained models. */
@Command(
        name = "certify",
        mixinStandardHelpOptions = true,
        description = "Certificates for trained models: local Lipschitz constants, randomized smoothing, monotonicity, "
                + "global l2 LipSDP bounds; IR export.",
        subcommands = {CertifyCommand.Lipschitz.class, CertifySmoothCommand.class, CertifyCommand.Monotonic.class,
            CertifyCommand.Export.class, CertifyCommand.LipSdpBound.class})
final class CertifyCommand implements Runnable {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Where the model comes from: a run directory or an exported network. */
    static final class Source {
        @Option(names = "--run", paramLabel = "DIR", description = "A finished run directory (its final model and test set).")
        Path run;

        @Option(names = "--npz", paramLabel = "FILE", description = "An exported network: FILE.npz with FILE.json beside it.")
        Path npz;

        @Option(names = "--onnx", paramLabel = "FILE",
                description = "An ONNX model (operator sets 11-18; e.g. from torch.onnx.export), weights inside.")
        Path onnx;

        @Option(names = "--sweep", paramLabel = "DIR",
                description = "Every finished run of a sweep (lipschitz only); then 'lipreg report DIR' shows the figures.")
        Path sweep;
    }

    /** Options shared by the certify subcommands. */
    abstract static class Common {
        @ArgGroup(exclusive = true, multiplicity = "1")
        Source source;

        @Option(names = "--json", paramLabel = "FILE", description = "The architecture file for --npz (default: beside it).")
        Path json;

        @Option(names = "--points", defaultValue = "20", description = "Points to certify (default ${DEFAULT-VALUE}).")
        int points;

        @Option(names = "--domain", paramLabel = "MIN,MAX", split = ",",
                description = "Input domain that clips every box (default: the data range; [0,1] for --npz and --onnx).")
        double[] domain;

        @Mixin SeedOption seed;

        @Option(names = "--out", paramLabel = "DIR", description = "Output directory (default: RUN/certify or runs/certify-<command>-<timestamp>).")
        Path out;

        @Mixin OverwriteOption overwrite;

        /** Checks the options shared by the subcommands. */
        void validate() throws RunSetupException {
            if (points < 1) {
                throw new RunSetupException("--points must be at least 1, got " + points, null);
            }
            if (domain != null && (domain.length != 2 || !(domain[0] < domain[1]))) {
                throw new RunSetupException("--domain needs MIN,MAX with MIN < MAX", null);
            }
        }

        /** Locks the --run directory (none for --npz) and checks that its run is finished. */
        LockedRuns lockRun() throws Exception {
            return LockedRuns.lock("--run", source.run == null ? List.of() : List.of(source.run));
        }

        CertifyTarget open() throws Exception {
            if (source.run != null) {
                return CertifyTarget.fromRun(source.run, points, Path.of("").toAbsolutePath(), domain);
            }
            double[] box = domain != null ? domain : new double[] {0, 1};
            try {
                if (source.onnx != null) {
                    return CertifyTarget.fromOnnx(source.onnx, points, seed.value(), box);
                }
                return CertifyTarget.fromNpz(source.npz, json, points, seed.value(), box);
            } catch (java.io.IOException e) {
                throw new RunSetupException(e.getMessage(), e);
            }
        }

        /** What a subcommand writes for one network into its output directory. */
        @FunctionalInterface
        interface Certification {
            int into(Path dir) throws Exception;
        }

        /**
         * The frame of a subcommand that certifies one network (no --sweep): the shared checks, the
         * output directory, the run's lock, the rule against replacing earlier results, then the work.
         */
        int certifyOne(String what, java.util.function.Function<Path, List<Path>> outputs, Certification work)
                throws Exception {
            return certifyOne(what, outputs, null, work);
        }

        /**
         * Like {@link #certifyOne(String, java.util.function.Function, Certification)}, for work that
         * also writes a family of figures into the --run's certificate (which then counts as an
         * earlier result too).
         */
        @SuppressWarnings("try") // the lock is held, not used, inside the block
        int certifyOne(String what, java.util.function.Function<Path, List<Path>> outputs, String certificateFamily,
                Certification work) throws Exception {
            validate();
            if (source.sweep != null) {
                throw new RunSetupException("--sweep is only for 'certify lipschitz'", null);
            }
            Path dir = outputDirectory(what);
            try (LockedRuns locked = lockRun()) {
                ExistingOutputs existing = new ExistingOutputs().files(outputs.apply(dir));
                if (source.run != null && certificateFamily != null) {
                    existing.certificate(source.run.resolve(CertifyOutputs.CERTIFICATE_FILE), certificateFamily);
                }
                existing.refuseUnless(overwrite.allowed());
                return work.into(dir);
            }
        }

        Path outputDirectory(String what) {
            if (out != null) {
                return out;
            }
            return source.run != null ? source.run.resolve("certify") : RunDirectories.fresh("certify-" + what);
        }
    }

    /** {@code lipreg certify lipschitz}. */
    @Command(
            name = "lipschitz",
            mixinStandardHelpOptions = true,
            description = {
                "Certified local l-inf Lipschitz constants (max ||grad f_j||_1 over the box B(x0, eps) clipped",
                "to the domain) beside sampled lower bounds, per point and method; tables and a plot."
            })
    static final class Lipschitz extends Common implements Callable<Integer> {

        @Option(names = "--eps", required = true, split = ",", description = "Box radius (l-inf); a comma list for several.")
        List<Double> eps;

        @Option(names = "--method", split = ",", defaultValue = "naive,ibp,recurjac,crown,bab",
                description = "Methods, comma separated: naive, ibp, recurjac, crown, alpha_crown, bab "
                        + "(default all but alpha_crown, which takes minutes on a CNN).")
        List<String> methods;

        @Option(names = "--timeout", defaultValue = "60", description = "Branch-and-bound time budget per point and eps, seconds (default 60).")
        double timeout;

        @Option(names = "--max-domains", defaultValue = "200000",
                description = "Branch-and-bound cap on open domains (default 200000).")
        int maxDomains;

        @Option(names = "--bab-batch", defaultValue = "32",
                description = "Most branch-and-bound domains bounded together per step (default 32; "
                        + "lowered for wide networks to about 40 MB of coefficients per batch).")
        int babBatch;

        @Option(names = "--bab-constraint-steps", defaultValue = "5",
                description = "Steps on the multipliers that let a domain's splits tighten the bounds after them "
                        + "(beta-CROWN; default 5, 0 turns it off).")
        int constraintSteps;

        @Option(names = "--spec", defaultValue = "output",
                description = "output: bound each f_j; margin: each f_y - f_j, with certified radii (default output).")
        String specName;

        @Mixin SparkPointsOptions spark;

        @Override
        @SuppressWarnings("try") // the lock is held, not used, inside the block
        public Integer call() throws Exception {
            List<Method> parsed = new ArrayList<>();
            for (String m : methods) {
                try {
                    parsed.add(Method.parse(m));
                } catch (IllegalArgumentException e) {
                    throw new RunSetupException("--method: " + e.getMessage(), e);
                }
            }
            for (double e : eps) {
                if (!(e >= 0)) {
                    throw new RunSetupException("--eps must be ≥ 0, got " + e, null);
                }
            }
            if (!(timeout > 0) || maxDomains < 1 || babBatch < 1) {
                throw new RunSetupException("--timeout must be positive, --max-domains and --bab-batch at least 1", null);
            }
            if (constraintSteps < 0) {
                throw new RunSetupException("--bab-constraint-steps must be at least 0, got " + constraintSteps, null);
            }
            LipschitzJob.Spec specKind = switch (specName) {
                case "output" -> LipschitzJob.Spec.OUTPUT;
                case "margin" -> LipschitzJob.Spec.MARGIN;
                default -> throw new RunSetupException("--spec must be output or margin, got '" + specName + "'", null);
            };
            validate();
            spark.validate(source.run != null);
            if (source.sweep != null) {
                return certifySweep(parsed, specKind);
            }
            Path dir = outputDirectory("lipschitz");
            try (LockedRuns locked = lockRun()) {
                ExistingOutputs existing = new ExistingOutputs().files(CertifyOutputs.lipschitzFiles(dir));
                if (source.run != null) {
                    existing.certificate(source.run.resolve(CertifyOutputs.CERTIFICATE_FILE), CertifyOutputs.LIPSCHITZ_FIGURES);
                }
                existing.refuseUnless(overwrite.allowed());
                return certify(parsed, specKind, dir);
            }
        }

        private int certify(List<Method> parsed, LipschitzJob.Spec specKind, Path dir) throws Exception {
            try (CertifyTarget target = open(); PointCluster cluster = spark.start("lipreg certify lipschitz")) {
                LipschitzJob.Result result = cluster == null ? job(parsed, specKind).run(target)
                        : job(parsed, specKind).run(target, source.run, cluster);
                List<Path> files = CertifyOutputs.writeLipschitz(result, dir);
                if (source.run != null && result.unsupported() == null) {
                    CertifyOutputs.writeCertificate(result.summary(), source.run.resolve(CertifyOutputs.CERTIFICATE_FILE));
                }
                System.out.println();
                System.out.print(MarkdownTables.of(result.summary()));
                System.out.println("wrote " + files.size() + " files to " + dir);
                if (result.unsupported() != null) {
                    System.err.println("lipreg: no upper bounds for this model: " + result.unsupported()
                            + " (the lower bounds were computed)");
                    return ExitCodes.BAD_INPUT;
                }
                return ExitCodes.OK;
            }
        }

        private LipschitzJob job(List<Method> parsed, LipschitzJob.Spec specKind) {
            return new LipschitzJob(parsed, eps, specKind, new BabSettings(timeout, maxDomains, babBatch, constraintSteps),
                    new LowerBoundSearch(64, 4, 40, seed.value()), System.out::println);
        }

        @SuppressWarnings("try") // the lock is held, not used, inside the block
        private int certifySweep(List<Method> parsed, LipschitzJob.Spec specKind) throws Exception {
            com.fasterxml.jackson.databind.JsonNode plan;
            try {
                plan = org.lipreg.experiments.sweep.SweepRunner.readPlan(source.sweep);
            } catch (java.io.IOException e) {
                throw new RunSetupException("--sweep " + source.sweep + ": " + e.getMessage(), e);
            }
            List<Path> finished = new ArrayList<>();
            for (com.fasterxml.jackson.databind.JsonNode r : plan.path("runs")) {
                Path runDir = source.sweep.resolve(r.path("name").asText());
                if (!Files.isRegularFile(runDir.resolve("summary.json")) || !Files.isDirectory(runDir.resolve("model"))) {
                    System.out.println("skipping " + runDir.getFileName() + " (not finished)");
                } else {
                    finished.add(runDir);
                }
            }
            // Every run is locked and checked before the first is certified, so a refusal writes nothing.
            try (LockedRuns locked = LockedRuns.lock("--sweep", finished)) {
                ExistingOutputs existing = new ExistingOutputs();
                for (Path runDir : finished) {
                    existing.files(CertifyOutputs.lipschitzFiles(runDir.resolve("certify")))
                            .certificate(runDir.resolve(CertifyOutputs.CERTIFICATE_FILE), CertifyOutputs.LIPSCHITZ_FIGURES);
                }
                existing.refuseUnless(overwrite.allowed());
                return certifyRuns(finished, parsed, specKind);
            }
        }

        private int certifyRuns(List<Path> finished, List<Method> parsed, LipschitzJob.Spec specKind) throws Exception {
            int done = 0;
            for (Path runDir : finished) {
                System.out.println("== " + runDir.getFileName());
                try (CertifyTarget target = CertifyTarget.fromRun(runDir, points, Path.of("").toAbsolutePath(), domain)) {
                    LipschitzJob.Result result = job(parsed, specKind).run(target);
                    CertifyOutputs.writeLipschitz(result, runDir.resolve("certify"));
                    if (result.unsupported() == null) {
                        CertifyOutputs.writeCertificate(result.summary(), runDir.resolve(CertifyOutputs.CERTIFICATE_FILE));
                        done++;
                    } else {
                        System.err.println("lipreg: " + runDir.getFileName() + ": no upper bounds: " + result.unsupported());
                    }
                }
            }
            System.out.println("certified " + done + " runs; 'lipreg report " + source.sweep + "' adds their figures to the report");
            return ExitCodes.OK;
        }
    }

    /** {@code lipreg certify monotonic}. */
    @Command(
            name = "monotonic",
            mixinStandardHelpOptions = true,
            description = {
                "Monotonicity certificates: bounds on every df_j/dx_i over a box prove its sign",
                "(increasing, decreasing) or leave it unproven. The box is the whole domain unless --eps is given."
            })
    static final class Monotonic extends Common implements Callable<Integer> {

        @Option(names = "--eps", description = "Local boxes of this radius around each point instead of the whole domain.")
        Double eps;

        @Override
        public Integer call() throws Exception {
            return certifyOne("monotonic", Monotonic::files, this::certify);
        }

        /** The files this command writes into its output directory. */
        private static List<Path> files(Path dir) {
            return List.of(dir.resolve("monotonicity.csv"), dir.resolve("monotonicity_summary.csv"),
                    dir.resolve("monotonicity.md"));
        }

        private int certify(Path dir) throws Exception {
            try (CertifyTarget target = open()) {
                if (target.network() == null) {
                    throw new RunSetupException("no monotonicity certificate for this model: "
                            + target.unsupported().getMessage(), null);
                }
                Table table = Table.create("monotonicity").addColumns(IntColumn.create("point"), IntColumn.create("output"),
                        IntColumn.create("feature"), DoubleColumn.create("lower"), DoubleColumn.create("upper"),
                        StringColumn.create("verdict"));
                try (LipschitzCertifier certifier = LipschitzCertifier.of(target.network())) {
                    double[][] specs = LipschitzCertifier.outputSpecs(target.outputs());
                    int n = target.network().inputSize();
                    List<InputBox> boxes = new ArrayList<>();
                    if (eps == null) {
                        double[] lo = new double[n];
                        double[] hi = new double[n];
                        double[] mid = new double[n];
                        java.util.Arrays.fill(lo, target.domainMin());
                        java.util.Arrays.fill(hi, target.domainMax());
                        java.util.Arrays.fill(mid, (target.domainMin() + target.domainMax()) / 2);
                        boxes.add(new InputBox(mid, lo, hi));
                    } else {
                        for (double[] p : target.points()) {
                            boxes.add(InputBox.around(p, eps, target.domainMin(), target.domainMax()));
                        }
                    }
                    for (int b = 0; b < boxes.size(); b++) {
                        DerivativeBounds d = certifier.derivativeBounds(boxes.get(b), specs);
                        for (int j = 0; j < specs.length; j++) {
                            for (int i = 0; i < n; i++) {
                                table.intColumn("point").append(eps == null ? -1 : b);
                                table.intColumn("output").append(j);
                                table.intColumn("feature").append(i);
                                table.doubleColumn("lower").append(d.lower()[j][i]);
                                table.doubleColumn("upper").append(d.upper()[j][i]);
                                table.stringColumn("verdict").append(Monotonicity.of(d.lower()[j][i], d.upper()[j][i]).toString());
                            }
                        }
                    }
                }
                Table counts = Table.create("monotonicity_summary").addColumns(IntColumn.create("output"),
                        IntColumn.create("increasing"), IntColumn.create("decreasing"), IntColumn.create("unproven"));
                for (int j = 0; j < target.outputs(); j++) {
                    Table rows = table.where(table.intColumn("output").isEqualTo(j));
                    counts.intColumn("output").append(j);
                    for (String v : new String[] {"increasing", "decreasing", "unproven"}) {
                        counts.intColumn(v).append(rows.where(rows.stringColumn("verdict").isEqualTo(v)).rowCount());
                    }
                }
                CertifyOutputs.csv(table, dir.resolve("monotonicity.csv"));
                CertifyOutputs.csv(counts, dir.resolve("monotonicity_summary.csv"));
                AtomicFiles.writeString(dir.resolve("monotonicity.md"), "# Monotonicity certificates\n\n"
                        + MarkdownTables.of(counts) + "\n" + MarkdownTables.of(table));
                System.out.print(MarkdownTables.of(counts));
                System.out.println("wrote monotonicity.csv, monotonicity_summary.csv and monotonicity.md to " + dir);
                return ExitCodes.OK;
            }
        }
    }

    /** {@code lipreg certify lipsdp}. */
    @Command(
            name = "lipsdp",
            mixinStandardHelpOptions = true,
            description = {
                "Global Lipschitz bound by LipSDP (feedforward dense networks with ReLU, MaxMin or GroupSort),",
                "proven in float64, beside the product bound, LipSDP on the residual-ReLU rewrite of MaxMin (the paper's",
                "baseline) and the largest sampled ||J(x)||_2 (l2) or ||grad f_j(x)||_1 (linf, one output) at",
                "--points inputs."
            })
    static final class LipSdpBound extends Common implements Callable<Integer> {

        @Option(names = "--norm", defaultValue = "l2", description = "l2 (all outputs) or linf (one output, --output).")
        String norm;

        @Option(names = "--output", paramLabel = "J", description = "The output j of an linf bound (0-based).")
        Integer output;

        @Option(names = "--solver", defaultValue = "auto",
                description = "auto (first-order for MaxMin networks with more than " + LipSdp.NEWTON_LIMIT
                        + " multipliers, else newton), newton or first-order (MaxMin, l2).")
        String solver;

        @Override
        public Integer call() throws Exception {
            if (!norm.equals("l2") && !norm.equals("linf")) {
                throw new RunSetupException("--norm: '" + norm + "' is neither l2 nor linf", null);
            }
            if (norm.equals("linf") && output == null) {
                throw new RunSetupException("--norm linf needs --output J (the bound is for one output)", null);
            }
            if (norm.equals("l2") && output != null) {
                throw new RunSetupException("--output is for --norm linf (the l2 bound covers all outputs)", null);
            }
            LipSdp.Solver chosen = switch (solver) {
                case "auto" -> LipSdp.Solver.AUTO;
                case "newton" -> LipSdp.Solver.NEWTON;
                case "first-order" -> LipSdp.Solver.FIRST_ORDER;
                default -> throw new RunSetupException("--solver: '" + solver + "' is not auto, newton or first-order", null);
            };
            if (norm.equals("linf") && chosen == LipSdp.Solver.FIRST_ORDER) {
                throw new RunSetupException("--solver first-order is l2 only; the linf bound is solved by newton", null);
            }
            String name = norm.equals("l2") ? "lipsdp" : "lipsdp-linf-" + output;
            return certifyOne("lipsdp", dir -> LipSdpOutputs.files(dir, name),
                    norm.equals("l2") ? LipSdpOutputs.L2_FIGURES : null, dir -> certify(dir, name, chosen));
        }

        private int certify(Path dir, String name, LipSdp.Solver chosen) throws Exception {
            try (CertifyTarget target = open()) {
                if (target.network() == null) {
                    throw new RunSetupException("no LipSDP bound for this model: " + target.unsupported().getMessage(), null);
                }
                DenseChain chain;
                try {
                    chain = DenseChain.of(target.network());
                } catch (UnsupportedLayerException e) {
                    throw new RunSetupException("no LipSDP bound for this model: " + e.getMessage(), e);
                }
                LipSdpResult result;
                if (output != null) {
                    int outputs = chain.width(chain.depth());
                    if (output < 0 || output >= outputs) {
                        throw new RunSetupException("--output " + output + ": the network has " + outputs
                                + " outputs (0.." + (outputs - 1) + ")", null);
                    }
                    result = LipSdp.certifyLinf(chain, output, target.points());
                } else {
                    try {
                        result = LipSdp.certify(chain, target.points(), chosen);
                    } catch (IllegalArgumentException e) {
                        throw new RunSetupException("--solver: " + e.getMessage(), e);
                    }
                }
                LipSdp.Baseline baseline = LipSdp.residualReluBaseline(chain, output != null ? output : -1);
                Table table = LipSdpOutputs.table(target.name(), norm.equals("l2") ? "l2" : "linf, output " + output, result,
                        baseline);
                LipSdpOutputs.write(table, dir, name);
                if (source.run != null && output == null) { // the ℓ2 bound joins the run's certified figures
                    LipSdpOutputs.writeCertificate(table, source.run.resolve(CertifyOutputs.CERTIFICATE_FILE));
                }
                System.out.print(MarkdownTables.of(table));
                System.out.println("wrote " + name + ".csv and " + name + ".md to " + dir);
                return ExitCodes.OK;
            }
        }
    }

    /** {@code lipreg certify export}. */
    @Command(
            name = "export",
            mixinStandardHelpOptions = true,
            description = {"Exports a run's model as the certification IR: BASE.npz (numpy) and BASE.json, or with",
                "--format onnx an ONNX inference graph BASE.onnx (WS, SN and BN folded; float64 weights)."})
    static final class Export implements Callable<Integer> {

        @Mixin RunOption run;

        @Option(names = "--out", required = true, paramLabel = "BASE", description = "Output path without extension.")
        Path out;

        @Option(names = "--format", defaultValue = "npz",
                description = "npz (BASE.npz + BASE.json) or onnx (BASE.onnx). Default ${DEFAULT-VALUE}.")
        String format;

        @Mixin OverwriteOption overwrite;

        @Override
        @SuppressWarnings("try") // the lock is held, not used, inside the block
        public Integer call() throws Exception {
            if (out.getFileName() == null) {
                throw new RunSetupException("--out " + out + ": needs a file name (BASE of BASE.npz)", null);
            }
            if (!format.equals("npz") && !format.equals("onnx")) {
                throw new RunSetupException("--format must be npz or onnx, got '" + format + "'", null);
            }
            try (LockedRuns locked = run.lock()) {
                List<Path> files = format.equals("onnx") ? List.of(out.resolveSibling(out.getFileName() + ".onnx"))
                        : List.of(out.resolveSibling(out.getFileName() + ".npz"), out.resolveSibling(out.getFileName() + ".json"));
                new ExistingOutputs().files(files).refuseUnless(overwrite.allowed());
                return export(files);
            }
        }

        private int export(List<Path> files) throws Exception {
            try (CertifyTarget target = CertifyTarget.fromRun(run.dir(), 1, Path.of("").toAbsolutePath(), null)) {
                if (target.network() == null) {
                    throw new RunSetupException("cannot export: " + target.unsupported().getMessage(), null);
                }
                if (format.equals("onnx")) {
                    try {
                        OnnxWriter.write(target.network(), files.get(0));
                    } catch (IllegalArgumentException e) {
                        throw new RunSetupException("cannot export to ONNX: " + e.getMessage(), e);
                    }
                } else {
                    NetworkFiles.write(target.network(), out);
                }
                System.out.println("wrote " + String.join(" and ", files.stream().map(Path::toString).toList()));
                return ExitCodes.OK;
            }
        }
    }
}
