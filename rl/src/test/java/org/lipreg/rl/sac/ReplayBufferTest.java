package org.lipreg.rl.sac;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

class ReplayBufferTest {

    @Test
    void keepsTheNewestTransitionsAndSamplesThemUniformly() {
        ReplayBuffer buffer = new ReplayBuffer(5, 2, 1);
        for (int t = 0; t < 8; t++) {
            buffer.add(new double[] {t, -t}, new double[] {0.1 * t}, 10 * t, new double[] {t + 1, -t - 1}, t == 6);
        }
        assertEquals(5, buffer.size());
        int[] counts = new int[8];
        ReplayBuffer.Batch batch = buffer.sample(50_000, new SplittableRandom(1));
        for (int i = 0; i < batch.size(); i++) {
            int t = (int) batch.observations()[2 * i];
            // Every field of a row belongs to the same transition.
            assertEquals(-t, batch.observations()[2 * i + 1]);
            assertEquals(0.1f * t, batch.actions()[i], 1e-6);
            assertEquals(10 * t, batch.rewards()[i]);
            assertEquals(t + 1, batch.nextObservations()[2 * i]);
            assertEquals(t == 6 ? 1f : 0f, batch.terminals()[i]);
            counts[t]++;
        }
        for (int t = 0; t < 3; t++) {
            assertEquals(0, counts[t], "transition " + t + " was overwritten");
        }
        for (int t = 3; t < 8; t++) {
            assertEquals(10_000, counts[t], 5 * Math.sqrt(10_000 * 0.8), "transition " + t);
        }
    }

    @Test
    void badSizesAndEmptyBufferAreRefused() {
        ReplayBuffer buffer = new ReplayBuffer(5, 2, 1);
        assertThrows(IllegalStateException.class, () -> buffer.sample(1, new SplittableRandom(1)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> buffer.add(new double[3], new double[1], 0, new double[2], false));
        assertTrue(e.getMessage().contains("2/1"), e.getMessage());
    }
}
