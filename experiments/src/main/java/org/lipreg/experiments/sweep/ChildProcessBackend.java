package org.lipreg.experiments.sweep;

import org.lipreg.experiments.run.ChildProcesses;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Runs a sweep's runs on this machine, N at a time, each in its own JVM so that a crash or an
 * out-of-memory in one run cannot take the sweep down. Children still running when it ends (an
 * exception, an interrupt, or SIGTERM/SIGINT via a shutdown hook) are stopped with it.
 */
final class ChildProcessBackend implements SweepBackend {

    /** How long a child gets to stop after SIGTERM (as on Ctrl-C) before it is killed. */
    private static final Duration CHILD_STOP_GRACE = Duration.ofSeconds(10);

    private final List<String> javaCommand;
    private final int parallel;

    ChildProcessBackend(List<String> javaCommand, int parallel) {
        this.javaCommand = List.copyOf(javaCommand);
        this.parallel = Math.max(1, parallel);
    }

    @Override
    public String describe() {
        return String.format(Locale.ROOT, "%d at a time", parallel);
    }

    @Override
    public void runAll(RunKind kind, List<SweepRun> runs, Path sweepDir, Listener listener)
            throws IOException, InterruptedException {
        ChildProcesses children = new ChildProcesses(CHILD_STOP_GRACE);
        ExecutorService pool = Executors.newFixedThreadPool(parallel);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (SweepRun run : runs) {
                futures.add(pool.submit(() -> {
                    SweepRunProcess.Result result = SweepRunProcess.run(children, javaCommand, kind,
                            SweepRunner.configJson(run), SweepRunner.runDirectory(sweepDir, run));
                    if (result != SweepRunProcess.Result.STOPPED) {
                        listener.ended(run, result == SweepRunProcess.Result.OK);
                    }
                    return null;
                }));
            }
            for (Future<?> future : futures) {
                try {
                    future.get();
                } catch (ExecutionException e) {
                    throw new IOException("sweep worker failed: " + e.getCause(), e.getCause());
                }
            }
        } finally {
            // After a normal end no child is left; after an exception or an interrupt, stop them.
            children.close();
            pool.shutdownNow();
            pool.awaitTermination(1, TimeUnit.MINUTES);
        }
    }
}
