package org.lipreg.experiments.certify;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lipreg.experiments.cli.LipregCli;
import org.lipreg.training.io.RunDirectoryLock;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Certifying again never silently replaces earlier results: without --overwrite a rerun is
 * refused with exit 2, naming the files, and leaves every file as it was; with it, the results
 * are replaced. A run that another process holds (training, or being certified) is refused.
 */
class CertifyOverwriteTest {

    @TempDir Path dir;

    private static final String[] LIPSCHITZ = {"--eps", "0.01", "--points", "1", "--method", "naive,crown"};

    private static int run(StringWriter err, String... args) {
        return LipregCli.execute(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true), args);
    }

    private static String[] concat(String[] head, String... tail) {
        List<String> all = new ArrayList<>(List.of(head));
        all.addAll(List.of(tail));
        return all.toArray(new String[0]);
    }

    /** Every file under a directory with its bytes. */
    private static Map<Path, byte[]> snapshot(Path root) throws Exception {
        Map<Path, byte[]> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                files.put(root.relativize(p), Files.readAllBytes(p));
            }
        }
        return files;
    }

    private static void assertUnchanged(Map<Path, byte[]> before, Path root) throws Exception {
        Map<Path, byte[]> after = snapshot(root);
        assertEquals(before.keySet(), after.keySet());
        for (Path p : before.keySet()) {
            assertArrayEquals(before.get(p), after.get(p), p.toString());
        }
    }

    @Test
    void lipschitzAndSmoothingRerunsAreRefusedUnlessOverwriteIsGiven() throws Exception {
        Path run = TinyRun.copyTo(dir.resolve("run"));
        StringWriter err = new StringWriter();
        String[] lipschitz = concat(new String[] {"certify", "lipschitz", "--run", run.toString()}, LIPSCHITZ);
        assertEquals(0, run(err, lipschitz), err.toString());
        // Smoothing figures join a certificate that holds only Lipschitz ones: nothing is replaced.
        String[] smooth = {"certify", "smooth", "--run", run.toString(), "--points", "2", "--n0", "20", "--n", "100"};
        assertEquals(0, run(err, smooth), err.toString());
        Map<Path, byte[]> before = snapshot(run);

        StringWriter again = new StringWriter();
        assertEquals(2, run(again, lipschitz));
        for (String named : List.of("certify/points.csv", "certify/summary.md", "certificate.json", "lipschitz_",
                "--overwrite")) {
            assertTrue(again.toString().contains(named.replace('/', java.io.File.separatorChar)), named + ": " + again);
        }
        StringWriter smoothAgain = new StringWriter();
        assertEquals(2, run(smoothAgain, smooth));
        assertTrue(smoothAgain.toString().contains("smoothing" + java.io.File.separator + "points.csv")
                && smoothAgain.toString().contains("smoothing_"), smoothAgain.toString());
        assertUnchanged(before, run);

        assertEquals(0, run(err, concat(lipschitz, "--overwrite")), err.toString());
        assertEquals(0, run(err, concat(smooth, "--overwrite")), err.toString());
        String certificate = Files.readString(run.resolve(CertifyOutputs.CERTIFICATE_FILE));
        assertTrue(certificate.contains("lipschitz_crown") && certificate.contains("smoothing_cohen"), certificate);
    }

    @Test
    void monotonicExportAndSweepRerunsAreRefusedToo() throws Exception {
        Path run = TinyRun.copyTo(dir.resolve("run"));
        StringWriter err = new StringWriter();
        String[] export = {"certify", "export", "--run", run.toString(), "--out", dir.resolve("net").toString()};
        assertEquals(0, run(err, export), err.toString());

        byte[] npz = Files.readAllBytes(dir.resolve("net.npz"));
        StringWriter again = new StringWriter();
        assertEquals(2, run(again, export));
        assertTrue(again.toString().contains("net.npz") && again.toString().contains("net.json"), again.toString());
        assertArrayEquals(npz, Files.readAllBytes(dir.resolve("net.npz")));
        assertEquals(0, run(err, concat(export, "--overwrite")), err.toString());

        String[] monotonic = {"certify", "monotonic", "--npz", dir.resolve("net.npz").toString(), "--out",
            dir.resolve("mono").toString()};
        assertEquals(0, run(err, monotonic), err.toString());
        byte[] table = Files.readAllBytes(dir.resolve("mono/monotonicity.csv"));
        StringWriter monoAgain = new StringWriter();
        assertEquals(2, run(monoAgain, monotonic));
        assertTrue(monoAgain.toString().contains("monotonicity.csv"), monoAgain.toString());
        assertArrayEquals(table, Files.readAllBytes(dir.resolve("mono/monotonicity.csv")));
        assertEquals(0, run(err, concat(monotonic, "--overwrite")), err.toString());

        String[] counterfactual = {"counterfactual", "--run", run.toString(), "--points", "1", "--samples", "50",
            "--steps", "2"};
        assertEquals(0, run(err, counterfactual), err.toString());
        byte[] points = Files.readAllBytes(run.resolve("counterfactual/points.csv"));
        StringWriter cfAgain = new StringWriter();
        assertEquals(2, run(cfAgain, counterfactual));
        assertTrue(cfAgain.toString().contains("points.csv"), cfAgain.toString());
        assertArrayEquals(points, Files.readAllBytes(run.resolve("counterfactual/points.csv")));
        assertEquals(0, run(err, concat(counterfactual, "--overwrite")), err.toString());

        // A sweep of two finished runs: certified once, then refused as a whole.
        Path sweep = dir.resolve("sweep");
        TinyRun.copyTo(sweep.resolve("a"));
        TinyRun.copyTo(sweep.resolve("b"));
        Files.writeString(sweep.resolve("sweep.json"), "{\"runs\": [{\"name\": \"a\"}, {\"name\": \"b\"}]}");
        String[] certifySweep = concat(new String[] {"certify", "lipschitz", "--sweep", sweep.toString()}, LIPSCHITZ);
        assertEquals(0, run(err, certifySweep), err.toString());
        Map<Path, byte[]> before = snapshot(sweep);
        StringWriter sweepAgain = new StringWriter();
        assertEquals(2, run(sweepAgain, certifySweep));
        String message = sweepAgain.toString();
        assertTrue(message.contains("12 earlier results") && message.contains("a" + java.io.File.separator + "certify")
                && message.contains("b" + java.io.File.separator + "certify"), message);
        assertUnchanged(before, sweep);
    }

    @Test
    @SuppressWarnings("try") // the lock is held, not used, inside the block
    void aRunHeldByAnotherProcessIsRefusedNamingItsPid() throws Exception {
        Path run = TinyRun.copyTo(dir.resolve("run"));
        Map<Path, byte[]> before;
        try (RunDirectoryLock held = RunDirectoryLock.acquire(run)) {
            before = snapshot(run);
            String pid = "pid " + ProcessHandle.current().pid();
            for (String[] command : List.of(
                    concat(new String[] {"certify", "lipschitz", "--run", run.toString()}, LIPSCHITZ),
                    new String[] {"certify", "smooth", "--run", run.toString(), "--n0", "20", "--n", "100"},
                    new String[] {"certify", "monotonic", "--run", run.toString()},
                    new String[] {"certify", "export", "--run", run.toString(), "--out", dir.resolve("x").toString()},
                    new String[] {"counterfactual", "--run", run.toString()})) {
                StringWriter err = new StringWriter();
                assertEquals(2, run(err, command), String.join(" ", command) + ": " + err);
                assertTrue(err.toString().contains(pid), err.toString());
            }
            assertUnchanged(before, run);
        }
        assertFalse(Files.exists(dir.resolve("x.npz")));
        StringWriter err = new StringWriter();
        assertEquals(0, run(err, concat(new String[] {"certify", "lipschitz", "--run", run.toString()}, LIPSCHITZ)),
                err.toString());
    }
}
