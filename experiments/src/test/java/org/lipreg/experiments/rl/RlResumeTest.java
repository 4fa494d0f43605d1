package org.lipreg.experiments.rl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lipreg.experiments.cli.LipregCli;
import org.lipreg.rl.sac.EvaluationPoint;
import org.lipreg.training.io.RunDirectoryLock;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * {@code lipreg rl} keeps what a killed run did: rows of returns.csv appear as they are made,
 * checkpoints let {@code --resume} finish the run with the same returns as a run that never
 * stopped, and a directory that is not a resumable RL run is refused untouched.
 */
class RlResumeTest {

    @TempDir Path dir;

    /** Tiny SAC on Pendulum: 5 evaluations; a 200-step episode is cut by the stop at step 120. */
    private static final String TINY = "name: tiny\nenv: Pendulum-v1\nsteps: 300\nlearningStarts: 100\n"
            + "batchSize: 16\nhidden: [8]\nevalInterval: 60\nevalEpisodes: 1\nseed: 4\n"
            + "critic: {regularizer: spectral-norm, spectralNormTarget: 4}\n";

    /** Thrown from the progress callback to stop a run as a kill would, after its second row. */
    private static final class Stop extends RuntimeException {
        Stop() {
            super("stopped for the test");
        }
    }

    private static int cli(StringWriter err, String... args) {
        return LipregCli.execute(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true), args);
    }

    private Path config() throws IOException {
        Path config = dir.resolve("tiny.yaml");
        Files.writeString(config, TINY);
        return config;
    }

    /** returns.csv as lines, without the seconds column (wall time differs from run to run). */
    private static List<String> rowsWithoutSeconds(Path runDir) throws IOException {
        List<String> lines = Files.readAllLines(runDir.resolve(RlRunner.RETURNS_FILE));
        int seconds = List.of(lines.get(0).split(",")).indexOf("seconds");
        assertTrue(seconds > 0, lines.get(0));
        List<String> out = new ArrayList<>();
        for (String line : lines) {
            List<String> cells = new ArrayList<>(List.of(line.split(",", -1)));
            cells.remove(seconds);
            out.add(String.join(",", cells));
        }
        return out;
    }

    /** The rows of returns.csv as evaluation points (the file keeps every digit of a double). */
    private static List<EvaluationPoint> points(Path runDir) throws IOException {
        List<String> lines = Files.readAllLines(runDir.resolve(RlRunner.RETURNS_FILE));
        assertEquals(String.join(",", RlRunner.RETURNS_COLUMNS), lines.get(0));
        List<EvaluationPoint> points = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            // An empty cell is a figure not there yet (NaN).
            double[] v = Stream.of(line.split(",", -1))
                    .mapToDouble(c -> c.isEmpty() ? Double.NaN : Double.parseDouble(c)).toArray();
            points.add(new EvaluationPoint((long) v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7]));
        }
        return points;
    }

    /** Every file under a directory with its bytes, to show that nothing was touched. */
    private static Map<String, String> snapshot(Path root) throws IOException {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.toList()) {
                files.put(root.relativize(p).toString(),
                        Files.isDirectory(p) ? "/" : new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1));
            }
        }
        return files;
    }

    @Test
    void aKilledRunShowsItsRowsAndResumesToTheSameReturns() throws Exception {
        Path config = config();
        Path whole = dir.resolve("whole");
        StringWriter err = new StringWriter();
        assertEquals(0, cli(err, "rl", "--config", config.toString(), "--out", whole.toString()), err.toString());
        List<String> expected = rowsWithoutSeconds(whole);
        assertEquals(6, expected.size(), "header and evaluations at 60, 120, ..., 300");

        Path killed = dir.resolve("killed");
        RlConfig rl = RlConfigs.load(config, List.of());
        List<String> seenRows = new ArrayList<>();
        assertThrows(Stop.class, () -> RlRunner.run(rl, killed, line -> {
            try {
                // Each row is on disk by the time it is reported.
                seenRows.add(String.valueOf(Files.readAllLines(killed.resolve(RlRunner.RETURNS_FILE)).size() - 1));
            } catch (IOException e) {
                seenRows.add(e.toString());
            }
            if (seenRows.size() == 2) {
                throw new Stop();
            }
        }));
        assertEquals(List.of("1", "2"), seenRows);
        assertEquals(expected.subList(0, 3), rowsWithoutSeconds(killed), "the rows so far, as the whole run has them");
        assertFalse(Files.exists(killed.resolve("summary.json")), "not finished");
        // The plot is redrawn after each row: the killed run's shows the two rows it has.
        Path twoRows = dir.resolve("two-rows.png");
        RlRunner.plot(rl, points(killed), twoRows);
        assertArrayEquals(Files.readAllBytes(twoRows), Files.readAllBytes(killed.resolve("returns.png")));

        // Without --resume the run is not touched; with it, it finishes as if it had never stopped.
        Map<String, String> before = snapshot(killed);
        StringWriter refused = new StringWriter();
        assertEquals(2, cli(refused, "rl", "--config", config.toString(), "--out", killed.toString()));
        assertTrue(refused.toString().contains("--resume"), refused.toString());
        assertEquals(before, snapshot(killed));
        StringWriter resumed = new StringWriter();
        assertEquals(0, cli(resumed, "rl", "--config", config.toString(), "--out", killed.toString(), "--resume"),
                resumed.toString());
        assertEquals(expected, rowsWithoutSeconds(killed));
        assertArrayEquals(Files.readAllBytes(whole.resolve("returns.png")),
                Files.readAllBytes(killed.resolve("returns.png")), "the resumed run's plot is the whole run's");
        assertEquals(Files.readString(whole.resolve("summary.json")).replaceAll("\"seconds\" *: *[0-9.Ee+-]+", ""),
                Files.readString(killed.resolve("summary.json")).replaceAll("\"seconds\" *: *[0-9.Ee+-]+", ""));
    }

    @Test
    void aDirectoryThatIsNotAnRlRunIsRefusedUntouched() throws Exception {
        Path config = config();
        Path mine = dir.resolve("mine");
        Files.createDirectories(mine.resolve("model"));
        Files.writeString(mine.resolve("model/important.bin"), "w");
        Files.writeString(mine.resolve(RlRunner.RETURNS_FILE), "mine");
        Map<String, String> before = snapshot(mine);
        for (String resume : new String[] {null, "--resume"}) {
            StringWriter err = new StringWriter();
            List<String> args = new ArrayList<>(List.of("rl", "--config", config.toString(), "--out", mine.toString()));
            if (resume != null) {
                args.add(resume);
            }
            assertEquals(2, cli(err, args.toArray(String[]::new)), err.toString());
            assertTrue(err.toString().contains(mine.toString()) && err.toString().contains("not empty"),
                    err.toString());
            assertEquals(before, snapshot(mine));
        }

        // What a kill while writing config.json leaves (a temporary file) is no obstacle, and is removed.
        Path halfWritten = dir.resolve("half");
        Files.createDirectories(halfWritten);
        Files.writeString(halfWritten.resolve(".config.json.123.tmp"), "{\"na");
        StringWriter err = new StringWriter();
        assertEquals(0, cli(err, "rl", "--config", config.toString(), "--set", "steps=20", "--set", "learningStarts=10",
                "--set", "evalInterval=20", "--out", halfWritten.toString()), err.toString());
        assertFalse(Files.exists(halfWritten.resolve(".config.json.123.tmp")));
        assertTrue(Files.exists(halfWritten.resolve("summary.json")));
    }

    @Test
    void aLockedDirectoryAndAChangedConfigAreRefused() throws Exception {
        Path config = config();
        Path busy = dir.resolve("busy");
        try (RunDirectoryLock lock = RunDirectoryLock.acquire(busy)) {
            StringWriter err = new StringWriter();
            assertEquals(2, cli(err, "rl", "--config", config.toString(), "--out", busy.toString()));
            assertTrue(err.toString().contains(String.valueOf(ProcessHandle.current().pid())), err.toString());
            assertFalse(Files.exists(busy.resolve("config.json")));
        }

        Path run = dir.resolve("run");
        RlConfig rl = RlConfigs.load(config, List.of());
        assertThrows(Stop.class, () -> RlRunner.run(rl, run, line -> {
            throw new Stop();
        }));
        Map<String, String> before = snapshot(run);
        StringWriter err = new StringWriter();
        assertEquals(2, cli(err, "rl", "--config", config.toString(), "--set", "gamma=0.9", "--out", run.toString(),
                "--resume"));
        assertTrue(err.toString().contains("gamma"), err.toString());
        assertEquals(before, snapshot(run));
    }
}
