package org.lipreg.experiments.sweep.spark;

import org.apache.spark.api.java.function.Function;
import org.lipreg.experiments.run.ChildJvm;
import org.lipreg.experiments.run.ChildProcesses;
import org.lipreg.experiments.sweep.RunKind;
import org.lipreg.experiments.sweep.SweepRunProcess;

import java.io.Serializable;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * One sweep run as a Spark task: on the executor, {@link SweepRunProcess} runs it in a child JVM
 * of the executor, exactly as a local sweep does (the child resumes, holds the run-directory lock,
 * and its failure lands in {@code failure.txt}). A task interrupted by a cancelled job stops its child.
 */
final class SparkRunTask implements Function<SparkRunTask.Input, SparkRunTask.Outcome> {

    private static final long serialVersionUID = 1L;

    /** How long a child gets to stop after SIGTERM before it is killed. */
    private static final Duration CHILD_STOP_GRACE = Duration.ofSeconds(10);

    /**
     * What a task needs, shipped from the driver.
     *
     * @param kind the run kind's id (train, rl)
     * @param configJson the run's full config
     * @param runDir the run directory, absolute, as every executor sees it
     * @param childJvmOptions JVM options of the child
     */
    record Input(String kind, String configJson, String runDir, List<String> childJvmOptions) implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    /** How the run ended ({@link SweepRunProcess.Result}, sent back to the driver). */
    enum Outcome { OK, FAILED, STOPPED }

    @Override
    public Outcome call(Input input) throws Exception {
        RunKind kind = RunKind.of(input.kind());
        // The child's class path and parent pid are this executor's.
        List<String> javaCommand = ChildJvm.lipreg(input.childJvmOptions());
        try (ChildProcesses children = new ChildProcesses(CHILD_STOP_GRACE)) {
            return Outcome.valueOf(SweepRunProcess.run(children, javaCommand, kind, input.configJson(),
                    Path.of(input.runDir())).name());
        }
    }
}
