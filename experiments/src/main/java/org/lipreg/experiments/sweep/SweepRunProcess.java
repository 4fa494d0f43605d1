package org.lipreg.experiments.sweep;

import org.lipreg.experiments.run.ChildProcesses;
import org.lipreg.experiments.run.RunExecutor;
import org.lipreg.training.internal.AtomicFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One run of a sweep as a child JVM: writes its {@code run-config.json}, runs {@code lipreg train}
 * (or {@code rl}) on it, resuming when the run directory already holds a run, appends the output
 * to {@code train.log}, and records a failure in {@code failure.txt}. Every backend runs a run this
 * way, so skipping, resuming, failure records and the run-directory lock (held by the child) are
 * the same wherever the run executes.
 */
public final class SweepRunProcess {

    /** How a run ended. */
    public enum Result {
        /** The child exited 0. */
        OK,
        /** The child failed; {@code failure.txt} says how. */
        FAILED,
        /** The sweep stopped it: not failed, the next sweep resumes it. */
        STOPPED
    }

    private SweepRunProcess() {}

    /**
     * Runs one run in a child JVM and waits for it.
     *
     * @param children where the child is registered, so that it ends with the sweep
     * @param javaCommand the command that starts the lipreg CLI in a new JVM
     * @param kind train or rl
     * @param configJson the run's full config, as JSON
     * @param runDir the run directory
     * @return how it ended
     * @throws IOException if the run directory cannot be written or the child cannot start
     * @throws InterruptedException if interrupted while waiting for the child
     */
    public static Result run(ChildProcesses children, List<String> javaCommand, RunKind kind, String configJson,
            Path runDir) throws IOException, InterruptedException {
        Files.createDirectories(runDir);
        Path config = runDir.resolve(SweepRunner.RUN_CONFIG_FILE);
        AtomicFiles.writeString(config, configJson);
        List<String> command = new ArrayList<>(javaCommand);
        command.addAll(List.of(kind.id(), "--config", config.toString(), "--out", runDir.toString()));
        if (Files.exists(runDir.resolve(RunExecutor.CONFIG_FILE))) {
            // Both train and rl continue from their newest checkpoint (or start over without one).
            command.add("--resume");
        }
        Path log = runDir.resolve(SweepRunner.LOG_FILE);
        Process process = children.start(new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())));
        int code = process.waitFor();
        Path failure = runDir.resolve(SweepRunner.FAILURE_FILE);
        if (code == 0) {
            Files.deleteIfExists(failure);
            return Result.OK;
        }
        if (children.stopping()) {
            return Result.STOPPED;
        }
        // A diverged run also has a summary (status diverged) and is not rerun.
        AtomicFiles.writeString(failure, "exit code " + code + ": " + lastLine(log) + "\n");
        return Result.FAILED;
    }

    private static String lastLine(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            for (int i = lines.size() - 1; i >= 0; i--) {
                String line = lines.get(i).trim();
                if (!line.isEmpty() && !line.startsWith("(set LIPREG_DEBUG")) {
                    return line;
                }
            }
        } catch (IOException e) {
            return "(no log)";
        }
        return "(empty log)";
    }
}
