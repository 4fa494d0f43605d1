package org.lipreg.experiments.bench;

import org.lipreg.certify.smoothing.SmoothingMethod;
import org.lipreg.experiments.certify.PointCluster;
import org.lipreg.experiments.certify.SmoothingJob;
import org.lipreg.experiments.sweep.SparkLoader;

import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;

/**
 * Wall time of one smoothing job (Cohen's CERTIFY of a run's points) in this process against the
 * same job with its points on an embedded Spark (local[N], its start included), alternating which
 * goes first in each round; the two must give the same certificates.
 */
public final class SparkSmoothingBenchmark {

    private SparkSmoothingBenchmark() {}

    /**
     * Runs the benchmark.
     *
     * @param run the finished run to certify
     * @param sigma the noise level
     * @param points test points
     * @param n certification samples per point
     * @param slots Spark's task slots (local[slots])
     * @param rounds rounds, each timing both
     * @param out where progress goes
     * @return one row per round and variant, with the seconds and the Spark / single-process ratio
     * @throws Exception if the run cannot be certified or Spark does not start
     */
    public static Table run(Path run, double sigma, int points, int n, int slots, int rounds, PrintStream out)
            throws Exception {
        Table table = Table.create("spark_smoothing").addColumns(IntColumn.create("round"),
                StringColumn.create("variant"), DoubleColumn.create("seconds"), DoubleColumn.create("ratio"));
        SmoothingJob job = new SmoothingJob(EnumSet.of(SmoothingMethod.COHEN), 100, n, 0.001, points, 1000, 0,
                line -> { });
        List<SmoothingJob.Target> targets = List.of(new SmoothingJob.Target(run, sigma));
        Path base = Path.of("").toAbsolutePath();
        for (int round = 1; round <= rounds; round++) {
            double alone = 0;
            double spark = 0;
            String aloneRadii = null;
            String sparkRadii = null;
            for (int turn = 0; turn < 2; turn++) {
                boolean sparkTurn = (turn == 0) == (round % 2 == 0);
                long start = System.nanoTime();
                SmoothingJob.Result result;
                if (sparkTurn) {
                    try (PointCluster cluster = SparkLoader.pointCluster("local[" + slots + "]", slots, "lipreg bench")) {
                        result = job.run(targets, base, cluster);
                    }
                    spark = (System.nanoTime() - start) / 1e9;
                    sparkRadii = result.points().column("radius").asList().toString();
                } else {
                    result = job.run(targets, base);
                    alone = (System.nanoTime() - start) / 1e9;
                    aloneRadii = result.points().column("radius").asList().toString();
                }
            }
            if (!aloneRadii.equals(sparkRadii)) {
                throw new IllegalStateException("round " + round + ": Spark's radii differ from the single process's");
            }
            out.printf(Locale.ROOT, "round %d: single process %.1f s, Spark local[%d] %.1f s, ratio %.3f%n", round,
                    alone, slots, spark, spark / alone);
            table.intColumn("round").append(round).append(round);
            table.stringColumn("variant").append("single process").append("spark local[" + slots + "]");
            table.doubleColumn("seconds").append(alone).append(spark);
            table.doubleColumn("ratio").append(1.0).append(spark / alone);
        }
        return table;
    }
}
