package org.lipreg.experiments.sweep.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lipreg.experiments.certify.CertifyCli;
import org.lipreg.experiments.config.ConfigLoader;
import org.lipreg.experiments.sweep.SweepPlan;
import org.lipreg.experiments.sweep.SweepRunner;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A standalone Spark cluster on 127.0.0.1, started from the Maven-provided jars (a master and one
 * worker, each a child JVM; the worker starts the executors): a two-run sweep and a small
 * smoothing job run on it, the smoothing rows equal to a single-process run's. Everything started
 * is stopped, even on failure. About 20 s on an idle 2-core machine (up to 135 s under heavy load);
 * it runs in every build.
 */
class SparkStandaloneClusterTest {

    /** How long the master and worker get to come up, and the worker to register. */
    private static final Duration START = Duration.ofSeconds(90);

    @TempDir Path dir;

    @Test
    void aSweepAndASmoothingJobRunOnAStandaloneCluster() throws Exception {
        int masterPort = freePort();
        int masterUi = freePort();
        String master = "spark://127.0.0.1:" + masterPort;
        // The worker builds executors' command lines from SPARK_HOME/jars: empty here, the class
        // path comes from spark.executor.extraClassPath (this JVM's: lipreg and Spark's jars).
        Path sparkHome = Files.createDirectories(dir.resolve("spark-home/jars"));
        Map<String, String> env = new LinkedHashMap<>(Map.of("SPARK_HOME", sparkHome.getParent().toString(),
                "SPARK_SCALA_VERSION", "2.13", "SPARK_LOCAL_IP", "127.0.0.1", "OMP_NUM_THREADS", "1"));
        List<Process> started = new ArrayList<>();
        Map<String, String> previous = new LinkedHashMap<>();
        try {
            started.add(sparkDaemon("master", env, "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1",
                    "--port", String.valueOf(masterPort), "--webui-port", String.valueOf(masterUi)));
            started.add(sparkDaemon("worker", env, "org.apache.spark.deploy.worker.Worker", master, "--host",
                    "127.0.0.1", "--port", String.valueOf(freePort()), "--webui-port", String.valueOf(freePort()),
                    "--cores", "2", "--memory", "2g", "--work-dir", dir.resolve("worker").toString()));
            awaitAliveWorker(masterUi, started);
            // The driver (this JVM) on loopback; executors with this JVM's class path and no network.
            setProperty(previous, "spark.driver.host", "127.0.0.1");
            setProperty(previous, "spark.driver.bindAddress", "127.0.0.1");
            setProperty(previous, "spark.ui.enabled", "false");
            setProperty(previous, "spark.executor.memory", "1g");
            setProperty(previous, "spark.executor.extraClassPath", System.getProperty("java.class.path"));
            setProperty(previous, "spark.executor.extraJavaOptions", "-Dai.djl.offline=true -Djava.awt.headless=true");
            setProperty(previous, "spark.executorEnv.OMP_NUM_THREADS", "1");

            Path sweepFile = dir.resolve("sweep.yaml");
            Files.writeString(sweepFile, """
                    name: c
                    base:
                      epochs: 1
                      data: {type: synthetic, trainSize: 100, testSize: 50, batchSize: 50, trainingNoise: 0.25}
                      model: {preset: mlp, hidden: [4]}
                    grid: {seed: [1, 2]}
                    """);
            Path sweepDir = dir.resolve("sweep");
            ByteArrayOutputStream log = new ByteArrayOutputStream();
            SweepRunner runner = new SweepRunner(new PrintStream(log, true, StandardCharsets.UTF_8));
            SweepRunner.Outcome outcome = runner.run(SweepPlan.load(sweepFile), sweepDir,
                    new SparkSweepBackend(master, 1, List.of("-Xmx512m")));
            String sweepLog = log.toString(StandardCharsets.UTF_8);
            assertEquals(new SweepRunner.Outcome(2, 0, 0), outcome, sweepLog + executorLogs());
            assertTrue(sweepLog.contains("as Spark tasks on " + master), sweepLog);
            for (String run : List.of("seed-1", "seed-2")) {
                JsonNode summary = ConfigLoader.json().readTree(sweepDir.resolve(run).resolve("summary.json").toFile());
                assertEquals("finished", summary.get("status").asText(), run);
            }

            // Smoothing of one of the sweep's runs on the cluster, and of a copy in this process.
            Path run = sweepDir.resolve("seed-1");
            Path alone = Files.createDirectories(dir.resolve("alone/seed-1"));
            copyRun(run, alone);
            String[] options = {"--points", "4", "--n0", "20", "--n", "200", "--alpha", "0.01", "--sigma", "0.25"};
            CertifyCli.run(alone, "smooth", options);
            String clusterLog = CertifyCli.run(run, "smooth", CertifyCli.with(options, "--spark", "--master", master));
            assertTrue(clusterLog.contains("certifying the points on Spark " + master), clusterLog);
            List<String> expected = CertifyCli.withoutSeconds(alone.resolve("smoothing/points.csv"));
            assertEquals(4 + 1, expected.size());
            assertEquals(expected, CertifyCli.withoutSeconds(run.resolve("smoothing/points.csv")), executorLogs());
            assertEquals(CertifyCli.withoutSeconds(alone.resolve("smoothing/summary.csv")),
                    CertifyCli.withoutSeconds(run.resolve("smoothing/summary.csv")));
        } finally {
            previous.forEach((key, value) -> {
                if (value == null) {
                    System.clearProperty(key);
                } else {
                    System.setProperty(key, value);
                }
            });
            for (int i = started.size() - 1; i >= 0; i--) {
                stop(started.get(i)); // the worker (and its executors) before the master
            }
        }
    }

    /** Starts a Spark daemon class in a child JVM with this JVM's class path; output to DIR/name.log. */
    private Process sparkDaemon(String name, Map<String, String> env, String mainClass, String... args)
            throws IOException {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-Xmx512m", "-Dspark.ui.showConsoleProgress=false"));
        command.addAll(openedModules());
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve(name + ".log").toFile());
        builder.environment().putAll(env);
        return builder.start();
    }

    /** The --add-opens this JVM was started with (Spark's, from the build), for the daemons. */
    private static List<String> openedModules() {
        return java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("--add-opens")).toList();
    }

    /** Waits until the master's status page lists one alive worker. */
    private void awaitAliveWorker(int masterUi, List<Process> started) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest status = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + masterUi + "/json/"))
                .timeout(Duration.ofSeconds(5)).build();
        long deadline = System.nanoTime() + START.toNanos();
        while (System.nanoTime() < deadline) {
            for (Process p : started) {
                assertTrue(p.isAlive(), "a Spark daemon exited: " + daemonLogs());
            }
            try {
                HttpResponse<String> response = http.send(status, HttpResponse.BodyHandlers.ofString());
                JsonNode json = ConfigLoader.json().readTree(response.body());
                if (json.path("aliveworkers").asInt() >= 1) {
                    return;
                }
            } catch (IOException e) {
                // Not listening yet.
            }
            Thread.sleep(250);
        }
        throw new AssertionError("no alive worker after " + START + ": " + daemonLogs());
    }

    /** Stops a daemon and what it started (the worker's executors): SIGTERM, then SIGKILL. */
    private static void stop(Process process) throws InterruptedException {
        List<ProcessHandle> all = new ArrayList<>(process.descendants().toList());
        all.add(process.toHandle());
        all.forEach(ProcessHandle::destroy);
        for (ProcessHandle p : all) {
            try {
                p.onExit().get(10, java.util.concurrent.TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                p.destroyForcibly();
            }
        }
        process.waitFor();
    }

    private static void setProperty(Map<String, String> previous, String key, String value) {
        previous.putIfAbsent(key, System.getProperty(key));
        System.setProperty(key, value);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private String daemonLogs() throws IOException {
        StringBuilder out = new StringBuilder();
        for (String name : List.of("master", "worker")) {
            Path log = dir.resolve(name + ".log");
            if (Files.isRegularFile(log)) {
                out.append("\n--- ").append(name).append(":\n").append(tail(Files.readString(log)));
            }
        }
        return out.toString();
    }

    /** The executors' stderr, for a failure's message. */
    private String executorLogs() throws IOException {
        StringBuilder out = new StringBuilder();
        Path work = dir.resolve("worker");
        if (Files.isDirectory(work)) {
            try (Stream<Path> files = Files.walk(work)) {
                for (Path f : files.filter(p -> p.getFileName().toString().equals("stderr")).toList()) {
                    out.append("\n--- ").append(f).append(":\n").append(tail(Files.readString(f)));
                }
            }
        }
        return out.toString();
    }

    private static String tail(String text) {
        return text.length() <= 4000 ? text : text.substring(text.length() - 4000);
    }

    private static void copyRun(Path from, Path to) throws IOException {
        Files.copy(from.resolve("config.json"), to.resolve("config.json"));
        Files.createDirectories(to.resolve("model"));
        try (Stream<Path> files = Files.list(from.resolve("model"))) {
            for (Path f : files.toList()) {
                Files.copy(f, to.resolve("model").resolve(f.getFileName()));
            }
        }
    }
}
