package org.lipreg.rl.env;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class VectorEnvironmentTest {

    private static double[][] zeros(int n, int size) {
        return new double[n][size];
    }

    @Test
    void copiesStartIndependentlyFromDerivedSeeds() {
        VectorEnvironment vec = VectorEnvironment.create("CartPole-v1", 4);
        double[][] obs = vec.reset(42);
        long[] seeds = VectorEnvironment.copySeeds(42, 4);
        assertEquals(4, new HashSet<>(Arrays.stream(seeds).boxed().toList()).size());
        Set<String> distinct = new HashSet<>();
        for (int i = 0; i < 4; i++) {
            assertArrayEquals(new CartPole().reset(seeds[i]), obs[i], 0.0);
            distinct.add(Arrays.toString(obs[i]));
        }
        assertEquals(4, distinct.size());
        assertArrayEquals(obs, VectorEnvironment.create("CartPole-v1", 4).reset(42));
    }

    @Test
    void finishedCopiesAreResetInTheSameStep() {
        // Pendulum with a 5-step limit: every copy truncates together on step 5.
        int n = 3;
        VectorEnvironment vec = new VectorEnvironment(() -> new Pendulum(5), n);
        vec.reset(7);
        long[] seeds = VectorEnvironment.copySeeds(7, n);
        Pendulum[] singles = new Pendulum[n];
        for (int i = 0; i < n; i++) {
            singles[i] = new Pendulum(5);
            singles[i].reset(seeds[i]);
        }
        double[][] actions = {{0.5}, {-1.0}, {2.0}};
        for (int round = 0; round < 2; round++) {
            for (int t = 1; t <= 5; t++) {
                VectorStep vs = vec.step(actions);
                for (int i = 0; i < n; i++) {
                    Step single = singles[i].step(actions[i]);
                    assertEquals(single.reward(), vs.rewards()[i], 0.0);
                    assertFalse(vs.terminated()[i]);
                    assertEquals(t == 5, vs.truncated()[i]);
                    if (t < 5) {
                        assertArrayEquals(single.observation(), vs.observations()[i], 0.0);
                        assertNull(vs.finalObservations()[i]);
                    } else {
                        // The true last observation is kept; the returned one starts the next episode, drawn by
                        // continuing the copy's generator.
                        assertTrue(vs.done(i));
                        assertArrayEquals(single.observation(), vs.finalObservations()[i], 0.0);
                        assertArrayEquals(singles[i].reset(), vs.observations()[i], 0.0);
                    }
                }
            }
        }
    }

    @Test
    void onlyTheFinishedCopyIsReset() {
        VectorEnvironment vec = VectorEnvironment.create("CartPole-v1", 2);
        vec.reset(3);
        // Copy 0 always pushes right and soon falls; copy 1 balances.
        double[][] obs = null;
        VectorStep vs;
        int t = 0;
        do {
            double[] o1 = obs == null ? null : obs[1];
            double u = o1 == null ? 0 : o1[2] + 0.5 * o1[3] + 0.01 * o1[0] + 0.1 * o1[1];
            vs = vec.step(new double[][] {{1}, {u > 0 ? 1 : 0}});
            obs = vs.observations();
            t++;
        } while (!vs.done(0));
        assertTrue(t < 100);
        assertTrue(vs.terminated()[0]);
        assertEquals(1.0, vs.rewards()[0], 0.0);
        double[] fin = vs.finalObservations()[0];
        assertTrue(Math.abs(fin[0]) > 2.4 || Math.abs(fin[2]) > 12 * 2 * Math.PI / 360);
        for (double v : vs.observations()[0]) {
            assertTrue(Math.abs(v) < 0.05, "a fresh start: " + v);
        }
        assertFalse(vs.done(1));
        assertNull(vs.finalObservations()[1]);
        assertEquals(t, vec.copy(1).elapsedSteps());
        assertEquals(0, vec.copy(0).elapsedSteps());
    }

    @Test
    void misuseIsReported() {
        VectorEnvironment vec = VectorEnvironment.create("Acrobot-v1", 2);
        assertThrows(IllegalStateException.class, () -> vec.step(zeros(2, 1)));
        vec.reset(0);
        assertThrows(IllegalArgumentException.class, () -> vec.step(zeros(3, 1)));
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> vec.step(zeros(2, 2)));
        assertTrue(e.getMessage().contains("Acrobot-v1") && e.getMessage().contains("size 1"), e.getMessage());
        // Sizes are checked before any copy moves.
        assertEquals(0, vec.copy(0).elapsedSteps());
        assertThrows(IllegalArgumentException.class, () -> new VectorEnvironment(Pendulum::new, 0));
        Pendulum shared = new Pendulum();
        assertThrows(IllegalArgumentException.class, () -> new VectorEnvironment(() -> shared, 2));
        assertEquals(6, vec.observationSize());
        assertEquals(new DiscreteActionSpace(3), vec.actionSpace());
    }
}
