package org.lipreg.experiments.cli;

import org.lipreg.experiments.bench.SparkSmoothingBenchmark;
import org.lipreg.experiments.run.RunSetupException;
import org.lipreg.experiments.run.TableText;
import org.lipreg.experiments.run.TrainedRun;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import tech.tablesaw.api.Table;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code lipreg bench spark-smoothing}: a smoothing job on embedded Spark against one process. */
@Command(
        name = "spark-smoothing",
        mixinStandardHelpOptions = true,
        description = {
            "Wall time of 'certify smooth' on a run's points with --spark (embedded, local[N], start included)",
            "against the single process, alternating which goes first; the certificates must agree."
        })
final class BenchSparkSmoothingCommand implements Callable<Integer> {

    @Option(names = "--run", required = true, paramLabel = "DIR", description = "A finished run directory.")
    Path run;

    @Option(names = "--sigma", defaultValue = "0.25", description = "Noise level (default ${DEFAULT-VALUE}).")
    double sigma;

    @Option(names = "--points", defaultValue = "100", description = "Test points (default ${DEFAULT-VALUE}).")
    int points;

    @Option(names = "--n", defaultValue = "10000", description = "Certification samples per point (default ${DEFAULT-VALUE}).")
    int n;

    @Option(names = "--slots", defaultValue = "2", description = "Spark task slots, local[N] (default ${DEFAULT-VALUE}).")
    int slots;

    @Option(names = "--rounds", defaultValue = "2", description = "Rounds, each timing both (default ${DEFAULT-VALUE}).")
    int rounds;

    @Override
    public Integer call() throws Exception {
        if (points < 1 || n < 2 || slots < 1 || rounds < 1 || !(sigma > 0)) {
            throw new RunSetupException("--points, --slots and --rounds must be positive, --n at least 2, --sigma > 0",
                    null);
        }
        TrainedRun.open(run);
        System.out.printf("engine threads: OMP_NUM_THREADS=%s; load average %.2f on %d cores%n",
                System.getenv().getOrDefault("OMP_NUM_THREADS", "(unset)"),
                java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
                Runtime.getRuntime().availableProcessors());
        Table table = SparkSmoothingBenchmark.run(run, sigma, points, n, slots, rounds, System.out);
        System.out.println(TableText.forPrinting(table, 3).printAll());
        return ExitCodes.OK;
    }
}
