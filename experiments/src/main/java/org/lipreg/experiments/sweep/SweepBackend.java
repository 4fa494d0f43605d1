package org.lipreg.experiments.sweep;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Where a sweep's runs execute: child JVMs on this machine ({@link ChildProcessBackend}) or Spark
 * tasks ({@code spark.SparkSweepBackend}). {@link SweepRunner} decides what to run and holds the
 * sweep directory; a backend only runs each run through {@link SweepRunProcess}.
 */
public interface SweepBackend {

    /** Told as each run ends (from any thread); runs stopped with the sweep are not told. */
    interface Listener {
        /**
         * @param run the run
         * @param ok whether it succeeded
         */
        void ended(SweepRun run, boolean ok);
    }

    /**
     * Runs the runs and returns when all have ended.
     *
     * @param kind train or rl
     * @param runs the runs to run
     * @param sweepDir the sweep directory; run {@code r} goes into {@code sweepDir/r.name()}
     * @param listener told as each run ends
     * @throws IOException if a run cannot be started or the backend fails
     * @throws InterruptedException if interrupted while waiting
     */
    void runAll(RunKind kind, List<SweepRun> runs, Path sweepDir, Listener listener)
            throws IOException, InterruptedException;

    /**
     * How the backend describes itself in the sweep's first line.
     *
     * @return e.g. "2 at a time"
     */
    String describe();
}
