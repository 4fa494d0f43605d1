package org.lipreg.experiments.certify;

import java.io.Serializable;
import java.nio.file.Path;

/**
 * One certification's work on single points, in a form that can be shipped to another JVM:
 * {@link #open} loads what every point needs (the model, the certifier) once, {@link #certify}
 * certifies one point with it. The same code runs in the single-process loop and on Spark
 * executors, so both give the same rows.
 *
 * @param <S> what is loaded once and used for many points; closed when no longer needed
 * @param <I> one point's input
 * @param <R> one point's result
 */
public interface PointWork<S extends AutoCloseable, I extends Serializable, R extends Serializable> extends Serializable {

    /**
     * Loads what the points need from a copy of the run directory ({@link RunFiles#writeTo}).
     *
     * @param runDir the run directory, config.json and model/ only
     * @return the loaded session; used by one thread at a time
     * @throws Exception if the model cannot be loaded
     */
    S open(Path runDir) throws Exception;

    /**
     * Certifies one point.
     *
     * @param session what {@link #open} loaded
     * @param input the point
     * @return its result
     * @throws Exception if certification fails
     */
    R certify(S session, I input) throws Exception;
}
