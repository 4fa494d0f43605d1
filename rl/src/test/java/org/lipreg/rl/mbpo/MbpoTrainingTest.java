package org.lipreg.rl.mbpo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.lipreg.rl.env.Environments;
import org.lipreg.rl.model.LearnedDynamics;
import org.lipreg.rl.sac.EvaluationPoint;
import org.lipreg.rl.sac.ReplayBuffer;
import org.lipreg.rl.sac.SacAgent;
import org.lipreg.rl.sac.SacTraining;

import java.util.List;
import java.util.SplittableRandom;

class MbpoTrainingTest {

    private static List<EvaluationPoint> run(boolean ensemble) {
        SacTraining.Settings loop = new SacTraining.Settings(240, 80, 32, 1, 120, 1, 9);
        MbpoTraining.Settings settings = new MbpoTraining.Settings(loop, 80, 4, 2, 0.25, 2);
        LearnedDynamics.Builder model = LearnedDynamics.builder().setSizes(3, 1).optHidden(8).optTraining(20, 32)
                .optSeed(2);
        try (SacAgent agent = SacAgent.builder().setSizes(3, 1).optHidden(8).optSeed(9).build();
                LearnedDynamics dynamics = (ensemble ? model.ensemble(2, 1) : model.single()).build()) {
            return new MbpoTraining(settings).run(agent, dynamics, () -> Environments.create("Pendulum-v1"), p -> { });
        }
    }

    @Test
    void seededRunsReproduceWithEitherModel() {
        for (boolean ensemble : new boolean[] {true, false}) {
            List<EvaluationPoint> a = run(ensemble);
            List<EvaluationPoint> b = run(ensemble);
            assertEquals(2, a.size());
            for (int i = 0; i < a.size(); i++) {
                assertEquals(a.get(i).meanReturn(), b.get(i).meanReturn(), "return, row " + i);
                assertEquals(a.get(i).criticLoss(), b.get(i).criticLoss(), "critic loss, row " + i);
                assertTrue(Double.isFinite(a.get(i).criticLoss()), "updates ran by row " + i);
            }
        }
    }

    @Test
    void batchesMixRealAndModelDataInTheRequestedProportion() {
        ReplayBuffer real = new ReplayBuffer(10, 1, 1);
        ReplayBuffer imagined = new ReplayBuffer(10, 1, 1);
        for (int i = 0; i < 5; i++) {
            real.add(new double[] {1}, new double[] {0}, 0, new double[] {1}, false);
            imagined.add(new double[] {-1}, new double[] {0}, 0, new double[] {-1}, false);
        }
        ReplayBuffer.Batch batch = MbpoTraining.mixed(real, imagined, 3, 20, new SplittableRandom(1));
        assertEquals(20, batch.size());
        int fromReal = 0;
        for (float v : batch.observations()) {
            fromReal += v > 0 ? 1 : 0;
        }
        assertEquals(3, fromReal);
        assertEquals(20, MbpoTraining.mixed(real, imagined, 0, 20, new SplittableRandom(1)).observations().length);
        ReplayBuffer empty = new ReplayBuffer(10, 1, 1);
        ReplayBuffer.Batch onlyReal = MbpoTraining.mixed(real, empty, 3, 20, new SplittableRandom(1));
        for (float v : onlyReal.observations()) {
            assertTrue(v > 0, "before any rollout, batches are all real");
        }
    }
}
