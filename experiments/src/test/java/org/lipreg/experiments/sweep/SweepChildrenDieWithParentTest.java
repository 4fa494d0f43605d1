package org.lipreg.experiments.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lipreg.experiments.run.ChildJvm;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Fault injection: a real {@code lipreg sweep} process, killed while its child trains (one child
 * keeps the test short; the sweep stops every child the same way). The child may not outlive it
 * by more than a few seconds, whether the sweep gets kill -9 (no code of its own runs: the child
 * notices on its own) or SIGTERM, as when an SSH session drops (its shutdown hook stops the child).
 */
class SweepChildrenDieWithParentTest {

    /** Far longer than the test waits: a child that is still alive was not stopped. */
    private static final String LONG_SWEEP = """
            name: long
            base:
              epochs: 100000
              data: {type: synthetic, trainSize: 100, testSize: 20, batchSize: 50}
              model: {preset: mlp, hidden: [4]}
            grid: {seed: [1]}
            """;

    private static final long CHILD_START_TIMEOUT_S = 120;

    /** How long the child may take to go after the sweep is gone: "a few seconds". */
    private static final long CHILD_GONE_WITHIN_S = 10;

    /** What a child's watchdog prints when it finds its sweep gone. */
    private static final String WATCHDOG_MESSAGE = "is gone; stopping";

    @TempDir Path dir;

    @Test
    void killMinusNineOfTheSweepLeavesNoChildAlive() throws Exception {
        String logs = killTheSweepWhileItsChildrenTrain(Process::destroyForcibly);
        // The sweep ran no code: the child noticed on its own.
        assertTrue(logs.contains(WATCHDOG_MESSAGE), tail(logs));
    }

    @Test
    void sigtermOfTheSweepLeavesNoChildAlive() throws Exception {
        String logs = killTheSweepWhileItsChildrenTrain(Process::destroy);
        // The sweep's shutdown hook stopped the child before the sweep ended, so its watchdog did not have to.
        assertFalse(logs.contains(WATCHDOG_MESSAGE), tail(logs));
    }

    @Test
    void anInterruptedSweepStopsItsChildBeforeItReturns() throws Exception {
        Path file = dir.resolve("sweep.yaml");
        Files.writeString(file, LONG_SWEEP);
        SweepPlan plan = SweepPlan.load(file);
        Path out = dir.resolve("out");
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread sweep = new Thread(() -> {
            try {
                new SweepRunner(new PrintStream(OutputStream.nullOutputStream())).run(plan, out, 1);
            } catch (Throwable t) {
                thrown.set(t);
            }
        });
        sweep.start();
        List<ProcessHandle> children = new ArrayList<>();
        try {
            waitForTraining(out, sweep::isAlive, () -> "thrown: " + thrown.get());
            // Tests run one at a time, so this JVM's only child is the sweep's.
            ProcessHandle.current().children().filter(ProcessHandle::isAlive).forEach(children::add);
            assertEquals(1, children.size(), "one training JVM: " + children);

            sweep.interrupt();
            sweep.join(TimeUnit.SECONDS.toMillis(30));
            assertFalse(sweep.isAlive(), "the sweep returned");
            assertTrue(thrown.get() instanceof InterruptedException, "thrown: " + thrown.get());
            assertFalse(children.get(0).isAlive(), "the child is stopped before the sweep returns");
        } finally {
            sweep.interrupt();
            children.forEach(ProcessHandle::destroyForcibly);
        }
    }

    /** Kills the sweep process once its child trains, checks that the child is soon gone, and returns the child's log. */
    private String killTheSweepWhileItsChildrenTrain(Consumer<Process> kill) throws Exception {
        Path file = dir.resolve("sweep.yaml");
        Files.writeString(file, LONG_SWEEP);
        Path out = dir.resolve("out");
        Path log = dir.resolve("sweep.log");
        // One engine thread, to share the machine's cores politely.
        List<String> command = ChildJvm.lipreg(List.of("-Dai.djl.pytorch.num_threads=1", "-Dlipreg.sweep.xmx=512m"));
        command.addAll(List.of("sweep", file.toString(), "--out", out.toString()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("OMP_NUM_THREADS", "1");
        Process sweep = builder.start();
        List<ProcessHandle> children = new ArrayList<>();
        try {
            waitForTraining(out, sweep::isAlive, () -> readQuietly(log));
            sweep.descendants().forEach(children::add);
            assertEquals(1, children.size(), "one training JVM: " + children);

            kill.accept(sweep);
            assertTrue(sweep.waitFor(30, TimeUnit.SECONDS), "the sweep process ended");
            long gone = System.nanoTime() + TimeUnit.SECONDS.toNanos(CHILD_GONE_WITHIN_S);
            while (children.stream().anyMatch(ProcessHandle::isAlive) && System.nanoTime() < gone) {
                Thread.sleep(100);
            }
            List<Long> alive = children.stream().filter(ProcessHandle::isAlive).map(ProcessHandle::pid).toList();
            assertEquals(List.of(), alive, "child alive " + CHILD_GONE_WITHIN_S + " s after the sweep ended; "
                    + "the end of its log: " + log(out, 1500));
            return log(out, Integer.MAX_VALUE);
        } finally {
            sweep.destroyForcibly();
            sweep.descendants().forEach(ProcessHandle::destroyForcibly);
            children.forEach(ProcessHandle::destroyForcibly);
        }
    }

    /** Waits until the child trains: it has written its config.json, which comes after loading the data. */
    private static void waitForTraining(Path out, BooleanSupplier sweepAlive, Supplier<String> sweepOutput)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(CHILD_START_TIMEOUT_S);
        while (!Files.exists(out.resolve("seed-1/config.json"))) {
            if (!sweepAlive.getAsBoolean()) {
                fail("the sweep ended before its child trained: " + sweepOutput.get());
            }
            if (System.nanoTime() > deadline) {
                fail("no training child after " + CHILD_START_TIMEOUT_S + " s: " + sweepOutput.get());
            }
            Thread.sleep(100);
        }
    }

    private static String readQuietly(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "(" + file + ": " + e + ")";
        }
    }

    private static String tail(String text) {
        return text.substring(Math.max(0, text.length() - 1500));
    }

    /** The child's log, cut to its last {@code tail} characters. */
    private static String log(Path out, int tail) throws IOException {
        Path log = out.resolve("seed-1").resolve(SweepRunner.LOG_FILE);
        String content = Files.exists(log) ? Files.readString(log) : "(no log)";
        return content.substring(Math.max(0, content.length() - tail));
    }
}
