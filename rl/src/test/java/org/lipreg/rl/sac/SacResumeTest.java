package org.lipreg.rl.sac;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lipreg.rl.env.Environments;
import org.lipreg.training.runner.CheckpointStore;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A SAC run stopped after an evaluation and run again on its checkpoints reaches the same curve
 * as a run that never stopped: every row, bit for bit (wall-clock seconds aside).
 */
class SacResumeTest {

    @TempDir Path dir;

    /** 300 steps, evaluations every 60: the stop at step 120 cuts a 200-step Pendulum episode. */
    private static final SacTraining.Settings SETTINGS = new SacTraining.Settings(300, 100, 16, 1, 60, 1, 7);

    /** Thrown from the progress callback to stop a run as a kill would. */
    static final class Stop extends RuntimeException {
        Stop() {
            super("stopped for the test");
        }
    }

    private static SacAgent agent() {
        // The adversarial critic draws its starts from the engine's generator, like the policy noise.
        return SacAgent.builder().setSizes(3, 1).optHidden(8).optSeed(7)
                .optCriticPenalty(new AdversarialCriticPenalty(0.05, 1, 2)).build();
    }

    /** Runs with checkpoints (or none), stopping after {@code stopAfter} rows (0: never). */
    private static List<EvaluationPoint> run(CheckpointStore checkpoints, int stopAfter) throws IOException {
        List<EvaluationPoint> seen = new ArrayList<>();
        try (SacAgent agent = agent()) {
            return new SacTraining(SETTINGS).run(agent, () -> Environments.create("Pendulum-v1"), p -> {
                seen.add(p);
                if (seen.size() == stopAfter) {
                    throw new Stop();
                }
            }, checkpoints);
        }
    }

    /** Every figure of every row equal, seconds aside. */
    static void assertSameCurve(List<EvaluationPoint> expected, List<EvaluationPoint> actual) {
        assertEquals(expected.size(), actual.size());
        for (int i = 0; i < expected.size(); i++) {
            EvaluationPoint e = expected.get(i);
            EvaluationPoint a = actual.get(i);
            String row = "row " + i + " (step " + e.step() + ")";
            assertEquals(e.step(), a.step(), row);
            assertEquals(e.meanReturn(), a.meanReturn(), row + " return");
            assertEquals(e.stdReturn(), a.stdReturn(), row + " std");
            assertEquals(e.alpha(), a.alpha(), row + " alpha");
            assertEquals(e.criticLoss(), a.criticLoss(), row + " critic loss");
            assertEquals(e.criticLipschitzProduct(), a.criticLipschitzProduct(), row + " Lipschitz product");
            assertEquals(e.criticGradientMax(), a.criticGradientMax(), row + " gradient norm");
        }
    }

    static List<String> files(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aStoppedRunResumesToTheSameCurve() throws IOException {
        List<EvaluationPoint> whole = run(null, 0);
        assertEquals(5, whole.size());
        assertTrue(Double.isFinite(whole.get(4).criticLoss()), "learning ran");

        Path directory = dir.resolve("checkpoints");
        CheckpointStore checkpoints = new CheckpointStore(directory, 2);
        assertThrows(Stop.class, () -> run(checkpoints, 2));
        assertEquals(List.of("checkpoint-0060.ckpt", "checkpoint-0120.ckpt"), files(directory));

        List<EvaluationPoint> resumed = run(checkpoints, 0);
        assertSameCurve(whole, resumed);
        assertEquals(List.of("checkpoint-0240.ckpt", "checkpoint-0300.ckpt"), files(directory), "the two newest");

        // A finished run resumed again has nothing left to do and returns the same curve.
        assertSameCurve(whole, run(checkpoints, 0));
    }

    @Test
    void aCheckpointOfAnotherSeedIsRefusedByName() throws IOException {
        CheckpointStore checkpoints = new CheckpointStore(dir, 2);
        assertThrows(Stop.class, () -> run(checkpoints, 1));
        SacTraining.Settings other = new SacTraining.Settings(300, 100, 16, 1, 60, 1, 8);
        try (SacAgent agent = agent()) {
            IOException e = assertThrows(IOException.class, () -> new SacTraining(other)
                    .run(agent, () -> Environments.create("Pendulum-v1"), p -> { }, checkpoints));
            assertTrue(e.getMessage().contains("checkpoint-0060.ckpt") && e.getMessage().contains("seed 7"),
                    e.getMessage());
        }
    }

    /** A checkpoint of the format before flat parameter arrays (version 1) is refused, saying why. */
    @Test
    void aCheckpointOfAnEarlierFormatIsRefusedWithTheReason() throws IOException {
        CheckpointStore checkpoints = new CheckpointStore(dir, 2);
        checkpoints.write(60, out -> {
            out.writeInt(1); // version 1's header; the rest does not matter, it is never read
            out.writeUTF("sac");
        });
        try (SacAgent agent = agent()) {
            IOException e = assertThrows(IOException.class, () -> new SacTraining(SETTINGS)
                    .run(agent, () -> Environments.create("Pendulum-v1"), p -> { }, checkpoints));
            assertTrue(e.getMessage().contains("checkpoint-0060.ckpt") && e.getMessage().contains("format version 1")
                    && e.getMessage().contains("earlier lipreg"), e.getMessage());
        }
    }
}
