package org.lipreg.experiments.certify.spark;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.lipreg.experiments.certify.PointCluster;
import org.lipreg.experiments.certify.PointWork;
import org.lipreg.experiments.certify.RunFiles;

import scala.Tuple2;

import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;

/**
 * Certifies points as Spark tasks: the run's files go out once as a broadcast, the points in
 * contiguous slices (a few per task slot, so that slow points even out), and the results come
 * back with their positions and are put in the inputs' order.
 *
 * <p>Without a master URL Spark runs embedded in this JVM in local mode with N task slots, on
 * 127.0.0.1 and without its web UI (as the sweep's); under spark-submit its master is used.
 */
public final class SparkPointCluster implements PointCluster {

    /** Slices per task slot: small enough for little overhead, enough to even out slow points. */
    private static final int SLICES_PER_SLOT = 4;

    private final String master;
    private final JavaSparkContext spark;
    private final ClassLoader previousLoader;

    /**
     * Starts (or, under spark-submit, joins) a Spark application.
     *
     * @param master a master URL, or null for spark-submit's, else {@code local[parallel]}
     * @param parallel task slots in local mode when no master is given
     * @param appName the application's name
     */
    public SparkPointCluster(String master, int parallel, String appName) {
        String submitted = System.getProperty("spark.master");
        this.master = master != null ? master : submitted != null ? submitted : "local[" + Math.max(1, parallel) + "]";
        // Spark finds classes (its own, and the tasks' when it deserializes them) through the
        // context class loader: make it the one that defined this class (SparkLoader's).
        Thread thread = Thread.currentThread();
        previousLoader = thread.getContextClassLoader();
        thread.setContextClassLoader(SparkPointCluster.class.getClassLoader());
        SparkConf conf = new SparkConf().setMaster(this.master).setAppName(appName);
        if (this.master.startsWith("local")) {
            conf.set("spark.ui.enabled", "false")
                    .set("spark.driver.host", "127.0.0.1")
                    .set("spark.driver.bindAddress", "127.0.0.1");
        }
        spark = new JavaSparkContext(conf);
    }

    @Override
    public String describe() {
        return "Spark " + master;
    }

    @Override
    public <S extends AutoCloseable, I extends Serializable, R extends Serializable> List<R> certify(RunFiles run,
            List<I> inputs, PointWork<S, I, R> work) throws IOException {
        List<Tuple2<Integer, I>> indexed = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            indexed.add(new Tuple2<>(i, inputs.get(i)));
        }
        int slices = Math.max(1, Math.min(inputs.size(), spark.defaultParallelism() * SLICES_PER_SLOT));
        Broadcast<RunFiles> files = spark.broadcast(run);
        try {
            List<Tuple2<Integer, R>> results = new ArrayList<>(spark.parallelize(indexed, slices)
                    .mapPartitions(new CertifyPartition<>(UUID.randomUUID().toString(), files, work)).collect());
            results.sort(Comparator.comparing(Tuple2::_1));
            List<R> ordered = new ArrayList<>(results.size());
            for (Tuple2<Integer, R> r : results) {
                ordered.add(r._2());
            }
            return ordered;
        } catch (RuntimeException e) {
            // A task's exception arrives as a SparkException whose message holds the executor's trace.
            throw new IOException("Spark certification failed: " + e.getMessage(), e);
        } finally {
            files.destroy();
        }
    }

    @Override
    public void close() {
        try {
            spark.close();
            if (master.startsWith("local")) {
                // In local mode the executor is this JVM: its sessions hold models and a directory.
                ExecutorSessions.closeAll();
            }
        } catch (Exception e) {
            throw new IllegalStateException("closing the certification's Spark sessions: " + e.getMessage(), e);
        } finally {
            Thread.currentThread().setContextClassLoader(previousLoader);
        }
    }
}
