package org.lipreg.rl.env;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Acrobot-v1 against an independent integration: the test solves the book's equations of motion
 * as the 2×2 linear system they are,
 *
 * <pre>
 *   d1 θ̈1 + d2 θ̈2                = −φ1
 *   d2 θ̈1 + (m2 lc2² + I2) θ̈2   = τ − m2 l1 lc2 θ̇1² sin θ2 − φ2
 * </pre>
 *
 * by Cramer's rule (not the closed form the environment uses), and integrates it with its own RK4.
 */
class AcrobotTest {

    /** The accelerations from the linear system above, all masses, lengths, inertias as literals. */
    private static double[] rhs(double[] y, double tau) {
        double th1 = y[0], th2 = y[1], w1 = y[2], w2 = y[3];
        // m1 = m2 = l1 = 1, lc1 = lc2 = 0.5, I1 = I2 = 1, g = 9.8.
        double d1 = 0.25 + (1 + 0.25 + Math.cos(th2)) + 2;
        double d2 = 0.25 + 0.5 * Math.cos(th2) + 1;
        double phi2 = 0.5 * 9.8 * Math.cos(th1 + th2 - Math.PI / 2);
        double phi1 =
                -0.5 * w2 * w2 * Math.sin(th2) - w2 * w1 * Math.sin(th2) + 1.5 * 9.8 * Math.sin(th1) + phi2;
        double a11 = d1, a12 = d2, a21 = d2, a22 = 0.25 + 1;
        double b1 = -phi1;
        double b2 = tau - 0.5 * w1 * w1 * Math.sin(th2) - phi2;
        double det = a11 * a22 - a12 * a21;
        double acc1 = (b1 * a22 - a12 * b2) / det;
        double acc2 = (a11 * b2 - a21 * b1) / det;
        return new double[] {w1, w2, acc1, acc2};
    }

    private static double[] rk4(double[] y, double tau, double h, int substeps) {
        double[] s = y.clone();
        double dt = h / substeps;
        for (int n = 0; n < substeps; n++) {
            double[] k1 = rhs(s, tau);
            double[] k2 = rhs(plus(s, dt / 2, k1), tau);
            double[] k3 = rhs(plus(s, dt / 2, k2), tau);
            double[] k4 = rhs(plus(s, dt, k3), tau);
            for (int i = 0; i < 4; i++) {
                s[i] += dt / 6 * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]);
            }
        }
        return s;
    }

    private static double[] euler(double[] y, double tau, double h, int substeps) {
        double[] s = y.clone();
        double dt = h / substeps;
        for (int n = 0; n < substeps; n++) {
            s = plus(s, dt, rhs(s, tau));
        }
        return s;
    }

    private static double[] plus(double[] y, double a, double[] k) {
        double[] out = new double[4];
        for (int i = 0; i < 4; i++) {
            out[i] = y[i] + a * k[i];
        }
        return out;
    }

    /** Angles wrapped by whole turns into [-π, π], velocities bounded, as Gymnasium does. */
    private static double[] wrapAndBound(double[] s) {
        double a0 = s[0], a1 = s[1];
        while (a0 > Math.PI) a0 -= 2 * Math.PI;
        while (a0 < -Math.PI) a0 += 2 * Math.PI;
        while (a1 > Math.PI) a1 -= 2 * Math.PI;
        while (a1 < -Math.PI) a1 += 2 * Math.PI;
        return new double[] {
            a0, a1, Math.max(-4 * Math.PI, Math.min(4 * Math.PI, s[2])), Math.max(-9 * Math.PI, Math.min(9 * Math.PI, s[3]))
        };
    }

    @Test
    void oneStepIsOneRk4StepOfTheBookDynamics() {
        double[][] starts = {{0.05, -0.08, 0.03, 0.01}, {1.2, -0.7, 2.0, -3.0}, {-2.0, 2.5, -1.0, 4.0}};
        for (double[] start : starts) {
            for (int a = 0; a < 3; a++) {
                Acrobot env = new Acrobot();
                env.setState(start[0], start[1], start[2], start[3]);
                env.step(new double[] {a});
                double[] expected = wrapAndBound(rk4(start, a - 1.0, 0.2, 1));
                assertArrayEquals(expected, env.state(), 1e-12, "start " + start[0] + ", action " + a);
            }
        }
    }

    @Test
    void rk4StepIsFourthOrderAccurate() {
        // Reference solution: the test's RK4 with 1000 substeps, itself confirmed by a fine Euler.
        double[] start = {0.4, -0.3, 1.0, -0.5};
        double[] truth02 = rk4(start, 1.0, 0.2, 1000);
        assertArrayEquals(truth02, euler(start, 1.0, 0.2, 200_000), 1e-4);
        double err02 = maxDiff(Acrobot.rk4Step(start, 1.0, 0.2), truth02);
        double err01 = maxDiff(Acrobot.rk4Step(start, 1.0, 0.1), rk4(start, 1.0, 0.1, 1000));
        assertTrue(err02 < 5e-3, "one step of 0.2 s is close to the true solution: " + err02);
        // Local error O(h^5): halving the step divides it by about 2^5 = 32.
        double ratio = err02 / err01;
        assertTrue(ratio > 20 && ratio < 48, "error ratio " + ratio);
    }

    private static double maxDiff(double[] a, double[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }

    @Test
    void observationLayoutAndInteriorReward() {
        Acrobot env = new Acrobot();
        env.setState(0.1, 0.2, 0.0, 0.0);
        Step step = env.step(new double[] {2});
        double[] s = env.state();
        assertArrayEquals(
                new double[] {Math.cos(s[0]), Math.sin(s[0]), Math.cos(s[1]), Math.sin(s[1]), s[2], s[3]},
                step.observation(),
                0.0);
        assertEquals(-1.0, step.reward(), 0.0);
        assertFalse(step.terminated());
    }

    @Test
    void anglesAreWrapped() {
        Acrobot env = new Acrobot();
        double[] start = {3.0, -3.0, 4.0, -4.0};
        double[] raw = rk4(start, 0.0, 0.2, 1);
        assertTrue(raw[0] > Math.PI && raw[1] < -Math.PI, "precondition: both angles leave [-π, π]");
        env.setState(start[0], start[1], start[2], start[3]);
        env.step(new double[] {1});
        double[] s = env.state();
        assertEquals(raw[0] - 2 * Math.PI, s[0], 1e-12);
        assertEquals(raw[1] + 2 * Math.PI, s[1], 1e-12);
    }

    @Test
    void velocitiesAreBounded() {
        double[] start = {0.0, 0.0, 4 * Math.PI, 9 * Math.PI};
        double[] raw = rk4(start, 1.0, 0.2, 1);
        double[] starts2 = {0.0, 0.0, -4 * Math.PI, -9 * Math.PI};
        double[] raw2 = rk4(starts2, -1.0, 0.2, 1);
        Acrobot env = new Acrobot();
        env.setState(start[0], start[1], start[2], start[3]);
        env.step(new double[] {2});
        double[] s = env.state();
        Acrobot env2 = new Acrobot();
        env2.setState(starts2[0], starts2[1], starts2[2], starts2[3]);
        env2.step(new double[] {0});
        double[] s2 = env2.state();
        for (int i = 2; i < 4; i++) {
            double bound = i == 2 ? 4 * Math.PI : 9 * Math.PI;
            assertEquals(Math.max(-bound, Math.min(bound, raw[i])), s[i], 1e-12);
            assertEquals(Math.max(-bound, Math.min(bound, raw2[i])), s2[i], 1e-12);
            assertTrue(Math.abs(s[i]) <= bound && Math.abs(s2[i]) <= bound);
        }
        // At least one of them was actually cut by its bound.
        assertTrue(
                Math.abs(raw[2]) > 4 * Math.PI || Math.abs(raw[3]) > 9 * Math.PI
                        || Math.abs(raw2[2]) > 4 * Math.PI || Math.abs(raw2[3]) > 9 * Math.PI,
                "precondition: a velocity leaves its bound");
    }

    @Test
    void terminalStepRewardsZero() {
        // Nearly upright and still: the tip height −cos θ1 − cos(θ1 + θ2) stays above 1.
        Acrobot env = new Acrobot();
        double[] start = {Math.PI - 0.05, 0.02, 0.0, 0.0};
        env.setState(start[0], start[1], start[2], start[3]);
        Step step = env.step(new double[] {1});
        double[] s = wrapAndBound(rk4(start, 0.0, 0.2, 1));
        assertTrue(-Math.cos(s[0]) - Math.cos(s[0] + s[1]) > 1.0);
        assertTrue(step.terminated());
        assertEquals(0.0, step.reward(), 0.0);
        assertFalse(step.truncated());
    }

    @Test
    void terminalConditionIsStrictlyAboveOne() {
        // States whose next tip height lands below and above 1: the flag and reward must follow
        // −cos θ1 − cos(θ1 + θ2) > 1 evaluated by hand on the independently integrated state.
        double[][] starts = {{2.0, 0.3, 0.5, -0.2}, {1.5, 0.1, 1.0, 0.0}, {2.9, 0.1, 0.0, 0.0}};
        for (double[] start : starts) {
            Acrobot env = new Acrobot();
            env.setState(start[0], start[1], start[2], start[3]);
            Step step = env.step(new double[] {0});
            double[] s = wrapAndBound(rk4(start, -1.0, 0.2, 1));
            boolean terminal = -Math.cos(s[0]) - Math.cos(s[1] + s[0]) > 1.0;
            assertEquals(terminal, step.terminated());
            assertEquals(terminal ? 0.0 : -1.0, step.reward(), 0.0);
        }
    }

    @Test
    void wrapMatchesGymnasium() {
        assertEquals(0.0, Acrobot.wrap(2 * Math.PI, -Math.PI, Math.PI), 1e-15);
        assertEquals(Math.PI, Acrobot.wrap(Math.PI, -Math.PI, Math.PI), 0.0);
        assertEquals(-Math.PI, Acrobot.wrap(-Math.PI, -Math.PI, Math.PI), 0.0);
        assertEquals(1.0, Acrobot.wrap(1.0 + 6 * Math.PI, -Math.PI, Math.PI), 1e-12);
    }

    @Test
    void resetDrawsFromPlusMinus01AsFloat32() {
        Acrobot env = new Acrobot();
        double[] min = {1, 1, 1, 1};
        double[] max = {-1, -1, -1, -1};
        for (long seed = 0; seed < 2000; seed++) {
            env.reset(seed);
            double[] s = env.state();
            for (int i = 0; i < 4; i++) {
                assertTrue(s[i] >= (float) -0.1 && s[i] <= (float) 0.1);
                assertEquals((float) s[i], s[i], 0.0, "float32 value");
                min[i] = Math.min(min[i], s[i]);
                max[i] = Math.max(max[i], s[i]);
            }
        }
        for (int i = 0; i < 4; i++) {
            assertTrue(min[i] < -0.099 && max[i] > 0.099);
        }
    }

    @Test
    void truncatedAfter500StepsWithoutTorque() {
        Acrobot env = new Acrobot();
        env.reset(2);
        for (int t = 1; t <= 500; t++) {
            Step step = env.step(new double[] {1});
            assertFalse(step.terminated(), "step " + t);
            assertEquals(-1.0, step.reward(), 0.0);
            assertEquals(t == 500, step.truncated(), "step " + t);
        }
    }
}
