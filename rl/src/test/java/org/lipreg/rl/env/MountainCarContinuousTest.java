package org.lipreg.rl.env;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * MountainCarContinuous-v0 against its equations at fixed states. Gymnasium stores the state as
 * float32 after a step, so the expected values are rounded the same way.
 */
class MountainCarContinuousTest {

    private static double[] f32(double position, double velocity) {
        return new double[] {(float) position, (float) velocity};
    }

    @Test
    void interiorStep() {
        MountainCarContinuous env = new MountainCarContinuous();
        env.setState(-0.5, 0.01);
        Step step = env.step(new double[] {0.4});
        double v = 0.01 + 0.4 * 0.0015 - 0.0025 * Math.cos(-1.5);
        double x = -0.5 + v;
        assertArrayEquals(f32(x, v), step.observation(), 0.0);
        assertEquals(-0.1 * 0.16, step.reward(), 1e-15);
        assertFalse(step.terminated());
        assertFalse(step.truncated());
    }

    @Test
    void leftWallStopsTheCar() {
        MountainCarContinuous env = new MountainCarContinuous();
        env.setState(-1.19, -0.05);
        Step step = env.step(new double[] {-1.0});
        // v = -0.05 - 0.0015 - 0.0025 cos(-3.57) < 0 and -1.19 + v < -1.2: clipped, velocity zeroed.
        double v = -0.05 - 0.0015 - 0.0025 * Math.cos(3 * -1.19);
        assertTrue(-1.19 + v < -1.2 && v < 0);
        assertArrayEquals(f32(-1.2, 0.0), step.observation(), 0.0);
        assertEquals(-0.1, step.reward(), 1e-15);

        // From the wall with a push to the right the car leaves it.
        step = env.step(new double[] {1.0});
        // Now the state is float32 and numpy computes 3·position in float32.
        double x0 = (float) -1.2;
        double v1 = 0 + 0.0015 - 0.0025 * Math.cos((float) (3 * x0));
        assertTrue(v1 > 0);
        assertArrayEquals(f32(x0 + v1, v1), step.observation(), 0.0);
    }

    @Test
    void velocityIsClipped() {
        MountainCarContinuous env = new MountainCarContinuous();
        // cos(-3) < 0, so gravity speeds the car up: 0.069 + 0.0015 + 0.0025·0.99 > 0.07.
        env.setState(-1.0, 0.069);
        Step step = env.step(new double[] {1.0});
        assertArrayEquals(f32(-1.0 + 0.07, 0.07), step.observation(), 0.0);

        env.setState(-0.2, -0.069);
        // cos(-0.6) > 0: gravity pulls left, -0.069 - 0.0015 - 0.0025·0.825 < -0.07.
        step = env.step(new double[] {-1.0});
        assertArrayEquals(f32(-0.2 - 0.07, -0.07), step.observation(), 0.0);
    }

    @Test
    void reachingTheGoalTerminatesWithTheBonus() {
        MountainCarContinuous env = new MountainCarContinuous();
        env.setState(0.44, 0.02);
        Step step = env.step(new double[] {0.5});
        double v = 0.02 + 0.5 * 0.0015 - 0.0025 * Math.cos(3 * 0.44);
        double x = 0.44 + v;
        assertTrue(x >= 0.45 && v >= 0);
        assertArrayEquals(f32(x, v), step.observation(), 0.0);
        assertTrue(step.terminated());
        assertFalse(step.truncated());
        assertEquals(100 - 0.1 * 0.25, step.reward(), 1e-12);
    }

    @Test
    void beyondTheGoalPositionButRollingBackIsNotTheGoal() {
        MountainCarContinuous env = new MountainCarContinuous();
        env.setState(0.47, -0.01);
        Step step = env.step(new double[] {0.0});
        double v = -0.01 - 0.0025 * Math.cos(3 * 0.47);
        assertTrue(0.47 + v >= 0.45 && v < 0);
        assertFalse(step.terminated());
        assertEquals(0.0, step.reward(), 0.0);
    }

    @Test
    void rightEdgeClipsPositionButKeepsVelocity() {
        MountainCarContinuous env = new MountainCarContinuous();
        env.setState(0.58, 0.05);
        Step step = env.step(new double[] {1.0});
        double v = 0.05 + 0.0015 - 0.0025 * Math.cos(3 * 0.58);
        assertArrayEquals(f32(0.6, v), step.observation(), 0.0);
        assertTrue(step.terminated());
    }

    @Test
    void actionIsClippedForTheForceButPenalizedAsGiven() {
        // Gymnasium: force = clip(a), reward -= 0.1·a² with the action as given.
        MountainCarContinuous clipped = new MountainCarContinuous();
        MountainCarContinuous atBound = new MountainCarContinuous();
        clipped.setState(-0.5, 0.0);
        atBound.setState(-0.5, 0.0);
        Step big = clipped.step(new double[] {3.0});
        Step one = atBound.step(new double[] {1.0});
        assertArrayEquals(one.observation(), big.observation(), 0.0);
        assertEquals(-0.1 * 9.0, big.reward(), 1e-15);
        assertEquals(-0.1, one.reward(), 1e-15);

        clipped.setState(-0.5, 0.0);
        atBound.setState(-0.5, 0.0);
        assertArrayEquals(
                atBound.step(new double[] {-1.0}).observation(),
                clipped.step(new double[] {-2.5}).observation(),
                0.0);
    }

    @Test
    void resetDrawsPositionInRangeAndZeroVelocity() {
        MountainCarContinuous env = new MountainCarContinuous();
        double min = 1, max = -1;
        for (long seed = 0; seed < 2000; seed++) {
            double[] obs = env.reset(seed);
            assertTrue(obs[0] >= -0.6 && obs[0] < -0.4, "position " + obs[0]);
            assertEquals(0.0, obs[1], 0.0);
            min = Math.min(min, obs[0]);
            max = Math.max(max, obs[0]);
        }
        assertTrue(min < -0.59 && max > -0.41);
    }

    @Test
    void truncatedAfter999StepsWithoutPower() {
        // Without force the car rocks in the valley and never reaches the flag.
        MountainCarContinuous env = new MountainCarContinuous();
        env.reset(11);
        for (int t = 1; t <= 999; t++) {
            Step step = env.step(new double[] {0.0});
            assertFalse(step.terminated());
            assertEquals(t == 999, step.truncated(), "step " + t);
        }
    }
}
