package org.lipreg.experiments.certify;

import java.io.IOException;
import java.io.Serializable;
import java.util.List;

/**
 * Certifies points on other JVMs (certify's {@code --spark}: Spark executors, {@code
 * spark.SparkPointCluster}, created through {@code SparkLoader}). Without the option a job runs
 * its points in its own loop and nothing of this is loaded.
 */
public interface PointCluster extends AutoCloseable {

    /**
     * Certifies every input, spread over the executors; each executor receives the run's files
     * once and loads them once per task slot.
     *
     * @param <S> what each executor loads
     * @param <I> one point's input
     * @param <R> one point's result
     * @param run the run's files
     * @param inputs the points
     * @param work the work on one point
     * @return the results, in the order of the inputs
     * @throws IOException if a task fails (its cause named)
     */
    <S extends AutoCloseable, I extends Serializable, R extends Serializable> List<R> certify(RunFiles run,
            List<I> inputs, PointWork<S, I, R> work) throws IOException;

    /** @return where the points run, e.g. "Spark local[2]" */
    String describe();

    @Override
    void close();
}
