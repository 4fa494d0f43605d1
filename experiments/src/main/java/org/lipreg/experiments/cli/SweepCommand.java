package org.lipreg.experiments.cli;

import org.lipreg.experiments.run.RunSetupException;
import org.lipreg.experiments.sweep.SparkLoader;
import org.lipreg.experiments.sweep.SweepBackend;
import org.lipreg.experiments.sweep.SweepPlan;
import org.lipreg.experiments.sweep.SweepRunner;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code lipreg sweep}: every run of a sweep, each in its own process, then the report. */
@Command(
        name = "sweep",
        mixinStandardHelpOptions = true,
        description = {
            "Run an ablation sweep (a base config x a grid x variants), N runs at a time, each in",
            "its own process; rerunning skips finished runs and resumes interrupted ones. Ends with",
            "'lipreg report' on the sweep directory. A sweep whose base is an RL config (it sets",
            "agent or env, or the sweep says kind: rl) runs 'lipreg rl'; an unfinished RL run restarts."
        },
        footer = {"", "Examples: lipreg sweep experiments/configs/sweep-lr-seeds.yaml --parallel 2",
            "          lipreg sweep experiments/configs/sweep-lr-seeds.yaml --spark --parallel 2",
            "          lipreg sweep experiments/configs/sweep-mbpo.yaml --parallel 2"})
final class SweepCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "CONFIG", description = "Sweep config (JSON or YAML).")
    Path config;

    @Option(names = "--out", paramLabel = "DIR", description = "Sweep directory (default: runs/sweep-<name>).")
    Path out;

    @Option(names = "--parallel", paramLabel = "N", defaultValue = "1", description = "Runs at a time (default 1).")
    int parallel;

    @Option(names = "--dry-run", description = "List the runs and exit.")
    boolean dryRun;

    @Option(names = "--spark", description = {"Run each run as an Apache Spark task: embedded in local mode",
        "with --parallel task slots, or on the cluster of --master (or of spark-submit)."})
    boolean spark;

    @Option(names = "--master", paramLabel = "URL", description = {"Spark master with --spark: spark://HOST:7077,",
        "yarn, k8s://..., local[N]. The sweep directory must then be writable, at the same path, on every worker."})
    String master;

    @Override
    public Integer call() throws Exception {
        if (parallel < 1) {
            throw new RunSetupException("--parallel must be at least 1 (got " + parallel + ")", null);
        }
        if (master != null && !spark) {
            throw new RunSetupException("--master is a Spark master URL: it needs --spark", null);
        }
        LocalPaths.require("--out", out);
        SweepPlan plan = SweepPlan.load(config);
        Path dir = out != null ? out : Path.of("runs", "sweep-" + plan.config().name);
        if (dryRun) {
            plan.runs().forEach(r -> System.out.println(r.name()));
            System.out.println(plan.runs().size() + " runs of 'lipreg " + plan.kind().id() + "'; directory " + dir);
            return ExitCodes.OK;
        }
        SweepRunner runner = new SweepRunner(System.out);
        // Spark's classes load only here, with --spark.
        SweepRunner.Outcome outcome = spark ? runner.run(plan, dir, sparkBackend()) : runner.run(plan, dir, parallel);
        System.out.printf("sweep finished: %d ran, %d skipped (already finished), %d failed%n",
                outcome.finished(), outcome.skipped(), outcome.failed());
        ReportCommand.report(dir);
        return outcome.failed() == 0 ? ExitCodes.OK : ExitCodes.FAILURE;
    }

    private SweepBackend sparkBackend() throws Exception {
        return SparkLoader.backend(master, parallel, SweepRunner.childJvmOptions());
    }
}
