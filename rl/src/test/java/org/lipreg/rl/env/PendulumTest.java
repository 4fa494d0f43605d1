package org.lipreg.rl.env;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Pendulum-v1 against its equations, evaluated by hand at fixed states. */
class PendulumTest {

    private static final double TOL = 1e-12;

    /** The expected step, written out from Gymnasium's equations with its constants as literals. */
    private static double[] expected(double th, double thdot, double u) {
        double newThdot = thdot + (3 * 10.0 / 2 * Math.sin(th) + 3.0 * u) * 0.05;
        newThdot = Math.max(-8, Math.min(8, newThdot));
        return new double[] {th + newThdot * 0.05, newThdot};
    }

    @Test
    void interiorStepFollowsSemiImplicitEuler() {
        Pendulum env = new Pendulum();
        env.setState(0.3, -0.7);
        Step step = env.step(new double[] {1.5});

        // θ̇' = -0.7 + (15 sin 0.3 + 4.5)·0.05 ; θ' = 0.3 + θ̇'·0.05 (the new velocity)
        double thdot = -0.7 + (15 * Math.sin(0.3) + 4.5) * 0.05;
        double th = 0.3 + thdot * 0.05;
        assertArrayEquals(new double[] {th, thdot}, env.state(), TOL);
        assertArrayEquals(new double[] {Math.cos(th), Math.sin(th), thdot}, step.observation(), TOL);
        // Reward from the state before the step.
        assertEquals(-(0.3 * 0.3 + 0.1 * 0.49 + 0.001 * 2.25), step.reward(), TOL);
        assertFalse(step.terminated());
        assertFalse(step.truncated());
    }

    @Test
    void torqueIsClippedInDynamicsAndReward() {
        for (double a : new double[] {5.0, -3.0}) {
            Pendulum env = new Pendulum();
            env.setState(1.0, 0.2);
            Step step = env.step(new double[] {a});
            double u = Math.signum(a) * 2.0;
            assertArrayEquals(expected(1.0, 0.2, u), env.state(), TOL);
            assertEquals(-(1.0 + 0.1 * 0.04 + 0.001 * 4.0), step.reward(), TOL);
        }
    }

    @Test
    void speedIsClippedToEight() {
        Pendulum env = new Pendulum();
        env.setState(Math.PI / 2, 7.9);
        Step step = env.step(new double[] {2.0});
        // Unclipped: 7.9 + (15 + 6)·0.05 = 8.95 > 8.
        assertEquals(8.0, step.observation()[2], 0.0);
        assertEquals(Math.PI / 2 + 8.0 * 0.05, env.state()[0], TOL);

        env.setState(-Math.PI / 2, -7.9);
        step = env.step(new double[] {-2.0});
        assertEquals(-8.0, step.observation()[2], 0.0);
    }

    @Test
    void rewardUsesTheNormalizedAngle() {
        // θ = 5: normalized 5 − 2π; θ = −7: normalized −7 + 2π; θ = 3π + 0.25: normalized −π + 0.25.
        double[][] cases = {{5.0, 5.0 - 2 * Math.PI}, {-7.0, -7.0 + 2 * Math.PI}, {3 * Math.PI + 0.25, -Math.PI + 0.25}};
        for (double[] c : cases) {
            Pendulum env = new Pendulum();
            env.setState(c[0], 0.5);
            Step step = env.step(new double[] {1.0});
            assertEquals(-(c[1] * c[1] + 0.1 * 0.25 + 0.001), step.reward(), 1e-9, "theta " + c[0]);
            // θ itself is not wrapped.
            assertEquals(expected(c[0], 0.5, 1.0)[0], env.state()[0], TOL);
        }
    }

    @Test
    void angleNormalizeIsAFlooredModulo() {
        assertEquals(0.0, Pendulum.angleNormalize(0.0), 0.0);
        assertEquals(-Math.PI, Pendulum.angleNormalize(Math.PI), 1e-15);
        assertEquals(-Math.PI, Pendulum.angleNormalize(-Math.PI), 1e-15);
        assertEquals(1.0, Pendulum.angleNormalize(1.0 + 4 * Math.PI), 1e-12);
        assertEquals(-1.0, Pendulum.angleNormalize(-1.0 - 6 * Math.PI), 1e-12);
        for (double x = -20; x <= 20; x += 0.37) {
            double n = Pendulum.angleNormalize(x);
            assertTrue(n >= -Math.PI && n < Math.PI, "in [-π, π): " + n);
            assertEquals(0.0, Math.sin(n) - Math.sin(x), 1e-12);
            assertEquals(0.0, Math.cos(n) - Math.cos(x), 1e-12);
        }
    }

    @Test
    void resetDrawsFromGymnasiumsRanges() {
        Pendulum env = new Pendulum();
        double minTh = 1e9, maxTh = -1e9, minV = 1e9, maxV = -1e9;
        for (long seed = 0; seed < 2000; seed++) {
            double[] obs = env.reset(seed);
            double[] s = env.state();
            assertTrue(s[0] >= -Math.PI && s[0] < Math.PI);
            assertTrue(s[1] >= -1 && s[1] < 1);
            assertArrayEquals(new double[] {Math.cos(s[0]), Math.sin(s[0]), s[1]}, obs, 0.0);
            minTh = Math.min(minTh, s[0]);
            maxTh = Math.max(maxTh, s[0]);
            minV = Math.min(minV, s[1]);
            maxV = Math.max(maxV, s[1]);
        }
        // The whole range is used, not a corner of it.
        assertTrue(minTh < -3.0 && maxTh > 3.0 && minV < -0.95 && maxV > 0.95);
    }

    @Test
    void truncatedAfter200StepsAndNeverTerminated() {
        Pendulum env = new Pendulum();
        env.reset(3);
        for (int t = 1; t <= 200; t++) {
            Step step = env.step(new double[] {0.0});
            assertFalse(step.terminated());
            assertEquals(t == 200, step.truncated(), "step " + t);
            assertTrue(step.reward() <= 0);
        }
        assertEquals(200, env.elapsedSteps());
    }
}
