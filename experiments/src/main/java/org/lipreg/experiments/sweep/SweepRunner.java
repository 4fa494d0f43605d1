package org.lipreg.experiments.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.lipreg.experiments.config.ConfigException;
import org.lipreg.experiments.config.ConfigLoader;
import org.lipreg.experiments.run.ChildJvm;
import org.lipreg.experiments.run.ChildProcesses;
import org.lipreg.experiments.run.RunExecutor;
import org.lipreg.experiments.run.RunSetupException;
import org.lipreg.training.internal.AtomicFiles;
import org.lipreg.training.io.RunDirectoryLock;
import org.lipreg.training.io.RunDirectoryLockedException;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs a sweep's runs, each in its own JVM so that a crash or an out-of-memory in one run cannot
 * take the sweep down: N at a time on this machine ({@link ChildProcessBackend}), or as Spark tasks
 * ({@code lipreg sweep --spark}); either way through {@link SweepRunProcess}.
 *
 * <p>Layout of the sweep directory: {@code sweep.json} (the plan), and per run a directory
 * named after its axis values holding the run's usual files plus {@code run-config.json} (its
 * full config) and {@code train.log} (the child's output). A run is <em>finished</em> when its
 * {@code summary.json} says {@code finished} or {@code diverged} (rerunning would diverge again);
 * rerunning the sweep skips finished runs and resumes the others from their checkpoints. The
 * children run {@code lipreg train}, or {@code lipreg rl} for an {@linkplain RunKind#RL RL sweep};
 * both resume from their checkpoints.
 *
 * <p>While it runs, the sweep holds the sweep directory's {@link RunDirectoryLock} ({@code .lock}),
 * and its children end with it ({@link ChildProcesses}, and each child's {@link
 * org.lipreg.experiments.run.ParentWatchdog} for a kill -9).
 */
public final class SweepRunner {

    /** The plan file written into the sweep directory. */
    public static final String PLAN_FILE = "sweep.json";

    /** A run's full config, written before it starts. */
    public static final String RUN_CONFIG_FILE = "run-config.json";

    /** A run's combined output. */
    public static final String LOG_FILE = "train.log";

    /** Written into a run directory when its process fails; removed when it later succeeds. */
    public static final String FAILURE_FILE = "failure.txt";

    private final PrintStream out;
    private final List<String> javaCommand;

    /**
     * Creates a runner whose children use this JVM's java binary and class path.
     *
     * @param out where progress goes
     */
    public SweepRunner(PrintStream out) {
        this(out, defaultJavaCommand());
    }

    SweepRunner(PrintStream out, List<String> javaCommand) {
        this.out = out;
        this.javaCommand = List.copyOf(javaCommand);
    }


    /** The counts at the end of a sweep. */
    public record Outcome(int finished, int skipped, int failed) {}

    /**
     * Runs every unfinished run of a plan. Before anything is written it checks the data files
     * of every run that will start and that no other process holds one of the run directories
     * it will write into; it then holds the sweep directory's lock until it ends. Children still
     * running when it ends (an exception, an interrupt, or SIGTERM/SIGINT via a shutdown hook) are
     * stopped with it.
     *
     * @param plan the sweep
     * @param sweepDir the sweep directory
     * @param parallel how many runs at a time
     * @return the counts
     * @throws ConfigException if a run's data file is missing, naming the variant, run and path
     * @throws RunSetupException if a run directory is in use by another process, naming it and the pid
     * @throws RunDirectoryLockedException if another sweep is running in the sweep directory
     * @throws IOException if the sweep directory cannot be written
     * @throws InterruptedException if interrupted while waiting for runs
     */
    public Outcome run(SweepPlan plan, Path sweepDir, int parallel)
            throws ConfigException, RunSetupException, IOException, InterruptedException {
        return run(plan, sweepDir, new ChildProcessBackend(javaCommand, parallel));
    }

    /**
     * Runs every unfinished run of a plan on a backend, with the same checks, skipping and
     * sweep-directory lock as {@link #run(SweepPlan, Path, int)}.
     *
     * @param plan the sweep
     * @param sweepDir the sweep directory
     * @param backend where the runs execute
     * @return the counts
     * @throws ConfigException if a run's data file is missing, naming the variant, run and path
     * @throws RunSetupException if a run directory is in use by another process, naming it and the pid
     * @throws RunDirectoryLockedException if another sweep is running in the sweep directory
     * @throws IOException if the sweep directory cannot be written or the backend fails
     * @throws InterruptedException if interrupted while waiting for runs
     */
    public Outcome run(SweepPlan plan, Path sweepDir, SweepBackend backend)
            throws ConfigException, RunSetupException, IOException, InterruptedException {
        // Sort the runs without writing anything yet.
        List<SweepRun> todo = new ArrayList<>();
        Map<SweepRun, String> stale = new LinkedHashMap<>();
        int skipped = 0;
        for (SweepRun run : plan.runs()) {
            Path runDir = runDirectory(sweepDir, run);
            String changed = changedKey(run, runDir);
            if (changed != null) {
                stale.put(run, changed);
            } else if (isFinished(runDir)) {
                skipped++;
            } else {
                todo.add(run);
            }
        }
        // Children resolve relative data paths against the working directory they inherit from us.
        RunInputs.check(todo, Path.of(""));
        List<SweepRun> toWrite = new ArrayList<>(todo);
        toWrite.addAll(stale.keySet());
        checkNotInUse(toWrite, sweepDir);

        Files.createDirectories(sweepDir);
        // One sweep at a time in a sweep directory.
        RunDirectoryLock sweepLock = RunDirectoryLock.acquire(sweepDir);
        try {
            writePlan(plan, sweepDir);
            for (Map.Entry<SweepRun, String> e : stale.entrySet()) {
                Path runDir = runDirectory(sweepDir, e.getKey());
                AtomicFiles.writeString(runDir.resolve(FAILURE_FILE), "the sweep config changed for this run (at '"
                        + e.getValue() + "') since it was run; delete " + runDir + " to run it again\n");
                out.printf(Locale.ROOT, "%s: config changed at '%s' since it ran; not rerun (delete the directory to rerun)%n",
                        e.getKey().name(), e.getValue());
            }
            int ran = runAll(plan, sweepDir, todo, skipped, backend);
            int failed = todo.size() - ran;
            return new Outcome(ran, skipped, failed + stale.size());
        } finally {
            sweepLock.close();
        }
    }

    /** Runs the runs on the backend; returns how many succeeded. */
    private int runAll(SweepPlan plan, Path sweepDir, List<SweepRun> todo, int skipped, SweepBackend backend)
            throws IOException, InterruptedException {
        int total = plan.runs().size();
        out.printf(Locale.ROOT, "sweep %s: %d runs, %d already finished, %d to run, %s%n",
                plan.config().name, total, skipped, todo.size(), backend.describe());
        AtomicInteger done = new AtomicInteger(skipped);
        AtomicInteger failed = new AtomicInteger();
        long start = System.nanoTime();
        backend.runAll(plan.kind(), todo, sweepDir, (run, ok) -> {
            int d = done.incrementAndGet();
            int f = ok ? failed.get() : failed.incrementAndGet();
            report(run, ok, d, f, total, skipped, start);
        });
        return done.get() - skipped - failed.get();
    }

    /**
     * A run's full config as the JSON its child reads.
     *
     * @param run the run
     * @return its config as JSON
     * @throws IOException if it cannot be written as JSON
     */
    public static String configJson(SweepRun run) throws IOException {
        return ConfigLoader.json().writeValueAsString(run.config());
    }

    /**
     * A run's directory, inside the sweep directory: SweepPlan makes every run name one plain path segment.
     *
     * @param sweepDir the sweep directory
     * @param run the run
     * @return its directory
     */
    public static Path runDirectory(Path sweepDir, SweepRun run) {
        Path name = Path.of(run.name());
        if (name.isAbsolute() || name.getNameCount() != 1 || List.of("", ".", "..").contains(run.name())) {
            throw new IllegalArgumentException("run name '" + run.name() + "' is not a plain directory name");
        }
        return sweepDir.resolve(name);
    }

    /** Refuses to start when another process holds a run directory this sweep would write into. */
    private static void checkNotInUse(List<SweepRun> runs, Path sweepDir) throws IOException, RunSetupException {
        List<String> inUse = new ArrayList<>();
        for (SweepRun run : runs) {
            Path runDir = runDirectory(sweepDir, run);
            long holder = RunDirectoryLock.holder(runDir);
            if (holder != -1) {
                inUse.add(new RunDirectoryLockedException(runDir, holder == Long.MAX_VALUE ? -1 : holder).getMessage());
            }
        }
        if (!inUse.isEmpty()) {
            throw new RunSetupException(String.join("\n", inUse), null);
        }
    }

    /** The first key where a run's stored config differs from the planned one, or null. */
    private static String changedKey(SweepRun run, Path runDir) throws IOException {
        Path stored = runDir.resolve(RunExecutor.CONFIG_FILE);
        if (!Files.isRegularFile(stored)) {
            return null;
        }
        return RunExecutor.firstDifference("", ConfigLoader.json().readTree(stored.toFile()), run.config());
    }

    private synchronized void report(SweepRun run, boolean ok, int done, int failed, int total, int skipped,
            long start) {
        double elapsed = (System.nanoTime() - start) / 1e9;
        int ran = done - skipped;
        int remaining = total - done;
        double eta = ran == 0 ? Double.NaN : elapsed / ran * remaining;
        out.printf(Locale.ROOT, "[%d/%d] %-40s %s   done %d, failed %d, remaining %d, elapsed %s, eta %s%n",
                done, total, run.name(), ok ? "ok" : "FAILED (see " + LOG_FILE + ")", done - failed, failed,
                remaining, duration(elapsed), remaining == 0 ? "-" : duration(eta));
    }

    /**
     * Tells whether a run directory holds a finished (or diverged) run.
     *
     * @param runDir the run directory
     * @return true if its summary says finished or diverged
     */
    public static boolean isFinished(Path runDir) {
        Path summary = runDir.resolve(RunExecutor.SUMMARY_FILE);
        if (!Files.isRegularFile(summary)) {
            return false;
        }
        try {
            String status = ConfigLoader.json().readTree(summary.toFile()).path("status").asText();
            return status.equals("finished") || status.equals("diverged");
        } catch (IOException e) {
            return false;
        }
    }

    private static void writePlan(SweepPlan plan, Path sweepDir) throws IOException {
        ObjectNode root = ConfigLoader.json().createObjectNode();
        root.put("name", plan.config().name);
        root.put("kind", plan.kind().id());
        ArrayNode axes = root.putArray("axes");
        plan.config().grid.keySet().forEach(axes::add);
        root.put("hasVariants", !plan.config().variants.isEmpty());
        ArrayNode metrics = root.putArray("metrics");
        plan.metrics().forEach(metrics::add);
        ArrayNode runs = root.putArray("runs");
        for (SweepRun run : plan.runs()) {
            run.describeInto(runs.addObject());
        }
        AtomicFiles.writeString(sweepDir.resolve(PLAN_FILE), ConfigLoader.json().writeValueAsString(root));
    }

    /**
     * Reads a sweep directory's plan file.
     *
     * @param sweepDir the sweep directory
     * @return the plan's JSON
     * @throws IOException if it is missing or unreadable
     */
    public static JsonNode readPlan(Path sweepDir) throws IOException {
        Path file = sweepDir.resolve(PLAN_FILE);
        if (!Files.isRegularFile(file)) {
            throw new IOException(sweepDir + ": not a sweep directory (no " + PLAN_FILE + ")");
        }
        return ConfigLoader.json().readTree(file.toFile());
    }

    private static String duration(double seconds) {
        long s = Math.round(seconds);
        return s >= 60 ? (s / 60) + "m" + String.format(Locale.ROOT, "%02d", s % 60) + "s" : s + "s";
    }

    private static List<String> defaultJavaCommand() {
        return ChildJvm.lipreg(childJvmOptions());
    }

    /**
     * The JVM options of a run's child JVM: the sweep's {@code lipreg.sweep.xmx} as its heap
     * limit, and this JVM's engine thread count.
     *
     * @return the options
     */
    public static List<String> childJvmOptions() {
        List<String> options = new ArrayList<>();
        String maxHeap = System.getProperty("lipreg.sweep.xmx");
        if (maxHeap != null) {
            options.add("-Xmx" + maxHeap);
        }
        // Runs side by side (--parallel) each want fewer engine threads; pass the setting on.
        String threads = System.getProperty("ai.djl.pytorch.num_threads");
        if (threads != null) {
            options.add("-Dai.djl.pytorch.num_threads=" + threads);
        }
        return options;
    }
}
