package org.lipreg.experiments.sweep;

import org.lipreg.experiments.config.ConfigLoader;
import org.lipreg.experiments.run.RunExecutor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** How a sweep's run ended, read from the files its directory holds: status and error text. */
final class RunOutcome {

    private RunOutcome() {}

    /**
     * The run's status: its summary's (finished, failed, interrupted, ...), else failed when the
     * sweep wrote a failure file, interrupted when it has checkpoints, pending otherwise.
     */
    static String status(Path runDir) {
        Path summary = runDir.resolve(RunExecutor.SUMMARY_FILE);
        if (Files.isRegularFile(summary)) {
            try {
                return ConfigLoader.json().readTree(summary.toFile()).path("status").asText("unknown");
            } catch (IOException e) {
                return "unknown";
            }
        }
        if (Files.isRegularFile(runDir.resolve(SweepRunner.FAILURE_FILE))) {
            return "failed";
        }
        if (Files.isDirectory(runDir.resolve("checkpoints"))) {
            return "interrupted";
        }
        return "pending";
    }

    /** The run's error: the failure file's text, else its summary's error, else empty. */
    static String error(Path runDir) {
        try {
            Path failure = runDir.resolve(SweepRunner.FAILURE_FILE);
            if (Files.isRegularFile(failure)) {
                return Files.readString(failure).trim();
            }
            Path summary = runDir.resolve(RunExecutor.SUMMARY_FILE);
            if (Files.isRegularFile(summary)) {
                return ConfigLoader.json().readTree(summary.toFile()).path("error").asText("");
            }
        } catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
        return "";
    }
}
