package org.lipreg.rl.mbpo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lipreg.rl.env.Environments;
import org.lipreg.rl.model.LearnedDynamics;
import org.lipreg.rl.sac.EvaluationPoint;
import org.lipreg.rl.sac.SacAgent;
import org.lipreg.rl.sac.SacTraining;
import org.lipreg.training.runner.CheckpointStore;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * An MBPO run stopped after an evaluation resumes to the same curve as one that never stopped:
 * the dynamics ensemble (weights, Adam moments, log-variance bounds, elites, statistics), the real
 * buffer and the model buffer (wrapped around by then) all come back from the checkpoint. Its
 * newest checkpoint is corrupted on the way, so the run goes back to the one before.
 */
class MbpoResumeTest {

    @TempDir Path dir;

    /**
     * Evaluations every 45 steps, model fits every 30 from step 60; the model buffer (480 rows)
     * wraps around before the stop at step 135.
     */
    private static final MbpoTraining.Settings SETTINGS =
            new MbpoTraining.Settings(new SacTraining.Settings(180, 60, 16, 1, 45, 1, 9), 30, 4, 2, 0.25, 2);

    private static final class Stop extends RuntimeException {
        Stop() {
            super("stopped for the test");
        }
    }

    private static List<EvaluationPoint> run(CheckpointStore checkpoints, int stopAfter) throws IOException {
        List<EvaluationPoint> seen = new ArrayList<>();
        try (SacAgent agent = SacAgent.builder().setSizes(3, 1).optHidden(8).optSeed(9).build();
                LearnedDynamics model = LearnedDynamics.builder().setSizes(3, 1).optHidden(8).optTraining(10, 16)
                        .optSeed(2).ensemble(3, 2).build()) {
            return new MbpoTraining(SETTINGS).run(agent, model, () -> Environments.create("Pendulum-v1"), p -> {
                seen.add(p);
                if (seen.size() == stopAfter) {
                    throw new Stop();
                }
            }, checkpoints);
        }
    }

    @Test
    void aStoppedRunResumesToTheSameCurve() throws IOException {
        List<EvaluationPoint> whole = run(null, 0);
        assertEquals(4, whole.size());

        Path directory = dir.resolve("checkpoints");
        CheckpointStore checkpoints = new CheckpointStore(directory, 2);
        assertThrows(Stop.class, () -> run(checkpoints, 3));
        try (Stream<Path> files = Files.list(directory)) {
            assertEquals(List.of("checkpoint-0090.ckpt", "checkpoint-0135.ckpt"),
                    files.map(p -> p.getFileName().toString()).sorted().toList());
        }
        // A bit flipped in the newest checkpoint: its checksum fails and step 90's is used.
        try (RandomAccessFile file = new RandomAccessFile(directory.resolve("checkpoint-0135.ckpt").toFile(), "rw")) {
            file.seek(file.length() / 2);
            int b = file.read();
            file.seek(file.length() / 2);
            file.write(b ^ 0x10);
        }

        List<EvaluationPoint> resumed = run(checkpoints, 0);
        assertEquals(whole.size(), resumed.size());
        for (int i = 0; i < whole.size(); i++) {
            EvaluationPoint e = whole.get(i);
            EvaluationPoint a = resumed.get(i);
            String row = "row " + i + " (step " + e.step() + ")";
            assertEquals(e.step(), a.step(), row);
            assertEquals(e.meanReturn(), a.meanReturn(), row + " return");
            assertEquals(e.alpha(), a.alpha(), row + " alpha");
            assertEquals(e.criticLoss(), a.criticLoss(), row + " critic loss");
            assertEquals(e.criticGradientMax(), a.criticGradientMax(), row + " gradient norm");
            assertEquals(e.criticLipschitzProduct(), a.criticLipschitzProduct(), row + " Lipschitz product");
        }
        assertTrue(Double.isFinite(whole.get(3).criticLoss()), "learning ran");
    }
}
