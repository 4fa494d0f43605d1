package org.lipreg.rl.env;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** CartPole-v1 against its equations at fixed states. */
class CartPoleTest {

    private static final double THRESHOLD = 12 * 2 * Math.PI / 360;

    /** One explicit Euler step of the cart-pole equations, written out with the constants. */
    private static double[] expected(double x, double xDot, double th, double thDot, double force) {
        double mTotal = 1.1;
        double temp = (force + 0.05 * (thDot * thDot) * Math.sin(th)) / mTotal;
        double thAcc =
                (9.8 * Math.sin(th) - Math.cos(th) * temp)
                        / (0.5 * (4.0 / 3.0 - 0.1 * (Math.cos(th) * Math.cos(th)) / mTotal));
        double xAcc = temp - 0.05 * thAcc * Math.cos(th) / mTotal;
        return new double[] {x + 0.02 * xDot, xDot + 0.02 * xAcc, th + 0.02 * thDot, thDot + 0.02 * thAcc};
    }

    @Test
    void bothActionsFollowEulerDynamics() {
        CartPole env = new CartPole();
        env.setState(0.1, -0.3, 0.05, 0.4);
        Step right = env.step(new double[] {1});
        assertArrayEquals(expected(0.1, -0.3, 0.05, 0.4, 10.0), right.observation(), 1e-14);
        assertEquals(1.0, right.reward(), 0.0);
        assertFalse(right.terminated());

        env.setState(0.1, -0.3, 0.05, 0.4);
        Step left = env.step(new double[] {0});
        assertArrayEquals(expected(0.1, -0.3, 0.05, 0.4, -10.0), left.observation(), 1e-14);
    }

    @Test
    void positionThresholdIsStrict() {
        CartPole env = new CartPole();
        // x' = x + τ ẋ: exactly ±2.4 is still alive, a hair beyond terminates (with reward 1).
        env.setState(2.4, 0.0, 0.0, 0.0);
        Step step = env.step(new double[] {1});
        assertEquals(2.4, step.observation()[0], 0.0);
        assertFalse(step.terminated());

        env.setState(2.4, 0.01, 0.0, 0.0);
        step = env.step(new double[] {0});
        assertTrue(step.terminated());
        assertEquals(1.0, step.reward(), 0.0);

        env.setState(-2.4, 0.0, 0.0, 0.0);
        assertFalse(env.step(new double[] {0}).terminated());
        env.setState(-2.4, -0.01, 0.0, 0.0);
        assertTrue(env.step(new double[] {1}).terminated());
    }

    @Test
    void angleThresholdIsTwelveDegreesStrict() {
        CartPole env = new CartPole();
        env.setState(0.0, 0.0, THRESHOLD, 0.0);
        Step step = env.step(new double[] {1});
        assertEquals(THRESHOLD, step.observation()[2], 0.0);
        assertFalse(step.terminated());

        env.setState(0.0, 0.0, THRESHOLD, 0.01);
        step = env.step(new double[] {1});
        assertTrue(step.terminated());
        assertEquals(1.0, step.reward(), 0.0);

        env.setState(0.0, 0.0, -THRESHOLD, 0.0);
        assertFalse(env.step(new double[] {0}).terminated());
        env.setState(0.0, 0.0, -THRESHOLD, -0.01);
        assertTrue(env.step(new double[] {0}).terminated());
    }

    @Test
    void actionMustBeAnIndex() {
        CartPole env = new CartPole();
        env.reset(0);
        for (double bad : new double[] {0.5, 2, -1}) {
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> env.step(new double[] {bad}));
            assertTrue(e.getMessage().contains("CartPole-v1"), e.getMessage());
        }
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> env.step(new double[] {0, 1}));
        assertTrue(e.getMessage().contains("CartPole-v1") && e.getMessage().contains("size 1"), e.getMessage());
    }

    @Test
    void resetDrawsAllFourFromPlusMinus005() {
        CartPole env = new CartPole();
        double[] min = {1, 1, 1, 1};
        double[] max = {-1, -1, -1, -1};
        for (long seed = 0; seed < 2000; seed++) {
            double[] obs = env.reset(seed);
            for (int i = 0; i < 4; i++) {
                assertTrue(obs[i] >= -0.05 && obs[i] < 0.05);
                min[i] = Math.min(min[i], obs[i]);
                max[i] = Math.max(max[i], obs[i]);
            }
        }
        for (int i = 0; i < 4; i++) {
            assertTrue(min[i] < -0.049 && max[i] > 0.049);
        }
    }

    @Test
    void truncatedAt500UnderABalancingController() {
        CartPole env = new CartPole();
        double[] obs = env.reset(5);
        for (int t = 1; t <= 500; t++) {
            // Push toward where the pole (and a bit of the cart) is falling.
            double u = obs[2] + 0.5 * obs[3] + 0.01 * obs[0] + 0.1 * obs[1];
            Step step = env.step(new double[] {u > 0 ? 1 : 0});
            assertFalse(step.terminated(), "pole fell at step " + t);
            assertEquals(t == 500, step.truncated(), "step " + t);
            assertEquals(1.0, step.reward(), 0.0);
            obs = step.observation();
        }
    }

    @Test
    void terminationAndTruncationOnTheSameStep() {
        CartPole env = new CartPole();
        env.setState(2.4, 0.5, 0.0, 0.0);
        env.setElapsedSteps(499);
        Step step = env.step(new double[] {1});
        assertTrue(step.terminated());
        assertTrue(step.truncated());
    }
}
