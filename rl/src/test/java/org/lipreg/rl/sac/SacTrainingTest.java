package org.lipreg.rl.sac;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.lipreg.rl.env.ActionSpace;
import org.lipreg.rl.env.Environment;
import org.lipreg.rl.env.Environments;
import org.lipreg.rl.env.Step;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

class SacTrainingTest {

    private static List<EvaluationPoint> run(long seed) {
        SacTraining.Settings settings = new SacTraining.Settings(400, 150, 32, 1, 200, 2, seed);
        List<EvaluationPoint> seen = new ArrayList<>();
        try (SacAgent agent = SacAgent.builder().setSizes(3, 1).optHidden(16, 16).optSeed(seed).build()) {
            List<EvaluationPoint> curve = new SacTraining(settings).run(agent, () -> Environments.create("Pendulum-v1"),
                    seen::add);
            assertEquals(seen, curve);
            return curve;
        }
    }

    @Test
    void seededRunsAreReproducible() {
        List<EvaluationPoint> a = run(5);
        List<EvaluationPoint> b = run(5);
        assertEquals(2, a.size());
        for (int i = 0; i < a.size(); i++) {
            assertEquals(a.get(i).step(), b.get(i).step());
            assertEquals(a.get(i).meanReturn(), b.get(i).meanReturn(), "return at row " + i);
            assertEquals(a.get(i).criticLoss(), b.get(i).criticLoss(), "critic loss at row " + i);
            assertEquals(a.get(i).alpha(), b.get(i).alpha());
            // Pendulum's reward is in [−16.27, 0] per step, 200 steps per episode.
            assertTrue(a.get(i).meanReturn() <= 0 && a.get(i).meanReturn() >= -16.3 * 200);
            assertTrue(a.get(i).criticLipschitzProduct() >= a.get(i).criticGradientMax() * (1 - 1e-4),
                    "the product of layer norms bounds every gradient norm");
        }
        assertTrue(a.get(1).alpha() != 1, "the temperature adapts");
    }

    @Test
    void runsOfNeighbouringSeedsShareNoEpisodeStart() {
        Set<Long> first = resetSeeds(1);
        Set<Long> second = resetSeeds(2);
        // 2 evaluations of 3 episodes, and the training episodes (300 steps: 2)
        assertTrue(first.size() >= 8 && second.size() >= 8, first + " " + second);
        Set<Long> shared = new HashSet<>(first);
        shared.retainAll(second);
        assertEquals(Set.of(), shared, "seeds 1 and 2 reset episodes with the same seeds");
    }

    /** Every seed a short run passes to {@code Environment.reset(long)}, in training and evaluation. */
    private static Set<Long> resetSeeds(long seed) {
        Set<Long> seeds = new HashSet<>();
        try (SacAgent agent = SacAgent.builder().setSizes(3, 1).optHidden(8).optSeed(seed).build()) {
            new SacTraining(new SacTraining.Settings(300, 150, 16, 1, 150, 3, seed))
                    .run(agent, () -> new ResetRecorder(Environments.create("Pendulum-v1"), seeds), p -> { });
        }
        return seeds;
    }

    /** An environment that notes the seeds it is reset with. */
    private record ResetRecorder(Environment inner, Set<Long> seeds) implements Environment {
        @Override public String id() { return inner.id(); }
        @Override public int observationSize() { return inner.observationSize(); }
        @Override public ActionSpace actionSpace() { return inner.actionSpace(); }
        @Override public int maxEpisodeSteps() { return inner.maxEpisodeSteps(); }
        @Override public double[] reset() { return inner.reset(); }
        @Override public Step step(double[] action) { return inner.step(action); }
        @Override public int elapsedSteps() { return inner.elapsedSteps(); }

        @Override
        public double[] reset(long seed) {
            seeds.add(seed);
            return inner.reset(seed);
        }
    }

    @Test
    void discreteEnvironmentsAreRefusedByName() {
        try (SacAgent agent = SacAgent.builder().setSizes(4, 1).optHidden(8).build()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new SacTraining(new SacTraining.Settings(10, 5, 4, 1, 5, 1, 1))
                            .run(agent, () -> Environments.create("CartPole-v1"), p -> { }));
            assertTrue(e.getMessage().contains("CartPole-v1") && e.getMessage().contains("continuous"), e.getMessage());
        }
    }
}
