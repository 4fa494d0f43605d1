package org.lipreg.experiments.sweep.spark;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaFutureAction;
import org.apache.spark.api.java.JavaSparkContext;
import org.lipreg.experiments.sweep.RunKind;
import org.lipreg.experiments.sweep.SweepBackend;
import org.lipreg.experiments.sweep.SweepRun;
import org.lipreg.experiments.sweep.SweepRunner;
import org.lipreg.training.internal.AtomicFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

/**
 * Runs a sweep's runs as Spark tasks: one single-task job per run, so that runs are spread over
 * the executors' cores as they free up and each run's end is reported as it happens. A task runs
 * its run exactly as the local sweep does ({@link SparkRunTask}: a child JVM of the executor), so
 * the run directories must be on a path that every executor can write, the same on every node.
 *
 * <p>Without a master URL Spark runs embedded in this JVM, in local mode with N task slots, bound
 * to 127.0.0.1 and without its web UI: nothing is installed and nothing listens beyond this
 * machine. Under {@code spark-submit} the master it sets is used; a URL given here wins.
 */
public final class SparkSweepBackend implements SweepBackend {

    /** The Spark job group of a sweep's jobs, cancelled together when the sweep is interrupted. */
    private static final String JOB_GROUP = "lipreg-sweep";

    private final String master;
    private final List<String> childJvmOptions;

    /**
     * @param master a Spark master URL ({@code spark://host:7077}, {@code yarn}, {@code k8s://…},
     *     {@code local[N]}), or null for the one spark-submit set, else {@code local[parallel]}
     * @param parallel task slots in local mode when no master is given
     * @param childJvmOptions JVM options of each run's child JVM (heap, engine threads)
     */
    public SparkSweepBackend(String master, int parallel, List<String> childJvmOptions) {
        String submitted = System.getProperty("spark.master");
        this.master = master != null ? master : submitted != null ? submitted : "local[" + Math.max(1, parallel) + "]";
        this.childJvmOptions = List.copyOf(childJvmOptions);
    }

    /** @return the master URL the sweep runs on */
    public String master() {
        return master;
    }

    @Override
    public String describe() {
        return "as Spark tasks on " + master;
    }

    /**
     * The Spark settings of a sweep: in local mode, no web UI and every socket on 127.0.0.1.
     *
     * @param master the master URL
     * @param appName the application's name
     * @return the settings
     */
    static SparkConf conf(String master, String appName) {
        SparkConf conf = new SparkConf().setMaster(master).setAppName(appName);
        if (master.startsWith("local")) {
            conf.set("spark.ui.enabled", "false")
                    .set("spark.driver.host", "127.0.0.1")
                    .set("spark.driver.bindAddress", "127.0.0.1");
        }
        return conf;
    }

    @Override
    public void runAll(RunKind kind, List<SweepRun> runs, Path sweepDir, Listener listener)
            throws IOException, InterruptedException {
        if (runs.isEmpty()) {
            return;
        }
        // Spark finds classes (its own, and the tasks' when it deserializes them) through the
        // context class loader: make it the one that defined this class (SparkLoader's).
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(SparkSweepBackend.class.getClassLoader());
        try (JavaSparkContext spark = new JavaSparkContext(conf(master, "lipreg sweep " + sweepDir.getFileName()))) {
            // Cancelling the group interrupts running tasks, whose runs' children then stop.
            spark.setJobGroup(JOB_GROUP, "lipreg sweep " + sweepDir, true);
            Map<SweepRun, JavaFutureAction<List<SparkRunTask.Outcome>>> jobs = new LinkedHashMap<>();
            for (SweepRun run : runs) {
                SparkRunTask.Input input = new SparkRunTask.Input(kind.id(), SweepRunner.configJson(run),
                        SweepRunner.runDirectory(sweepDir, run).toAbsolutePath().toString(), childJvmOptions);
                jobs.put(run, spark.parallelize(List.of(input), 1).map(new SparkRunTask()).collectAsync());
            }
            try {
                awaitAll(jobs, sweepDir, listener);
            } catch (InterruptedException e) {
                spark.cancelJobGroup(JOB_GROUP);
                throw e;
            }
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    /** Tells the listener about each run as its job ends, in the order they end. */
    private static void awaitAll(Map<SweepRun, JavaFutureAction<List<SparkRunTask.Outcome>>> jobs, Path sweepDir,
            Listener listener) throws InterruptedException, IOException {
        List<SweepRun> pending = new ArrayList<>(jobs.keySet());
        while (!pending.isEmpty()) {
            for (SweepRun run : List.copyOf(pending)) {
                JavaFutureAction<List<SparkRunTask.Outcome>> job = jobs.get(run);
                if (!job.isDone()) {
                    continue;
                }
                pending.remove(run);
                try {
                    SparkRunTask.Outcome outcome = job.get().get(0);
                    if (outcome != SparkRunTask.Outcome.STOPPED) {
                        listener.ended(run, outcome == SparkRunTask.Outcome.OK);
                    }
                } catch (ExecutionException e) {
                    // The task itself failed (an executor lost, the directory not writable there):
                    // record it as the child's failures are, and let the other runs finish.
                    Path runDir = SweepRunner.runDirectory(sweepDir, run);
                    if (Files.isDirectory(runDir)) {
                        AtomicFiles.writeString(runDir.resolve(SweepRunner.FAILURE_FILE),
                                "Spark task failed: " + e.getCause() + "\n");
                    }
                    listener.ended(run, false);
                }
            }
            Thread.sleep(100);
        }
    }
}
