package org.lipreg.experiments.cli;

import org.lipreg.experiments.certify.PointCluster;
import org.lipreg.experiments.run.RunSetupException;
import org.lipreg.experiments.sweep.SparkLoader;

import picocli.CommandLine.Option;

/** The options that spread a certification's points over Apache Spark ({@code certify lipschitz|smooth}). */
final class SparkPointsOptions {

    @Option(names = "--spark", description = {"Certify the points as Apache Spark tasks (needs --run): embedded in",
        "local mode with --parallel task slots, or on the cluster of --master (or of spark-submit)."})
    boolean spark;

    @Option(names = "--master", paramLabel = "URL",
            description = "Spark master with --spark: spark://HOST:7077, yarn, k8s://..., local[N].")
    String master;

    @Option(names = "--parallel", paramLabel = "N",
            description = "Spark task slots in local mode, with --spark (default: the machine's cores).")
    Integer parallel;

    /**
     * Checks that the Spark options come together and with a run directory.
     *
     * @param hasRun whether the source is {@code --run}
     * @throws RunSetupException naming the option that is wrong
     */
    void validate(boolean hasRun) throws RunSetupException {
        if (master != null && !spark) {
            throw new RunSetupException("--master is a Spark master URL: it needs --spark", null);
        }
        if (parallel != null && !spark) {
            throw new RunSetupException("--parallel sets Spark's task slots: it needs --spark", null);
        }
        if (parallel != null && parallel < 1) {
            throw new RunSetupException("--parallel must be at least 1, got " + parallel, null);
        }
        if (spark && !hasRun) {
            throw new RunSetupException("--spark certifies the points of a run: it needs --run DIR", null);
        }
    }

    /**
     * Starts Spark (its classes load only here), or returns null without {@code --spark}.
     *
     * @param appName the Spark application's name
     * @return the cluster, or null; the caller closes it
     * @throws Exception if Spark's jars are missing or Spark does not start
     */
    PointCluster start(String appName) throws Exception {
        if (!spark) {
            return null;
        }
        int slots = parallel != null ? parallel : Runtime.getRuntime().availableProcessors();
        PointCluster cluster = SparkLoader.pointCluster(master, slots, appName);
        System.out.println("certifying the points on " + cluster.describe());
        return cluster;
    }
}
