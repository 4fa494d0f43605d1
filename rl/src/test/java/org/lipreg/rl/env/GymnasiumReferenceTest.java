package org.lipreg.rl.env;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Whole trajectories against numbers printed by Gymnasium's own Python source
 * ({@code gymnasium/envs/classic_control/*.py} at Farama-Foundation/Gymnasium commit 3f0476a, run
 * with numpy 2.4, float64 actions): the state was set directly, then the listed actions were
 * applied. A regression check on top of the per-equation tests. On the machine where they were
 * written the Java values equal these exactly; the tolerances only leave room for last-bit
 * differences between platforms' sin and cos.
 */
class GymnasiumReferenceTest {

    @Test
    void pendulumFortySteps() {
        Pendulum env = new Pendulum();
        env.setState(2.5, -0.5);
        double[] actions = {1.7, -3.0, 0.4, 2.0, -0.3};
        double total = 0;
        Step step = null;
        for (int t = 0; t < 40; t++) {
            step = env.step(new double[] {actions[t % 5]});
            total += step.reward();
        }
        assertArrayEquals(new double[] {2.9047012548166764, 2.3363760206765316}, env.state(), 1e-10);
        assertEquals(-8.222493199300196, step.reward(), 1e-10);
        assertEquals(-299.08778140035037, total, 1e-9);
    }

    @Test
    void mountainCarReachesTheGoalOnStep97() {
        MountainCarContinuous env = new MountainCarContinuous();
        env.setState(-0.5, 0.0);
        double total = 0;
        Step step;
        int t = 0;
        do {
            // 30 steps right, 30 left, 30 right, ...
            step = env.step(new double[] {(t / 30) % 2 == 0 ? 1.0 : -1.0});
            total += step.reward();
            t++;
        } while (!step.done());
        assertEquals(97, t);
        assertTrue(step.terminated());
        assertArrayEquals(new double[] {0.4810255169868469, 0.04322357103228569}, step.observation(), 1e-9);
        assertEquals(99.9, step.reward(), 1e-12);
        assertEquals(90.30000000000003, total, 1e-9);
    }

    @Test
    void cartPoleTwentySteps() {
        CartPole env = new CartPole();
        env.setState(0.01, -0.02, 0.03, 0.04);
        int[] actions = {1, 0, 0, 1, 1, 1, 0, 1, 0, 0};
        Step step = null;
        for (int t = 0; t < 20; t++) {
            step = env.step(new double[] {actions[t % 10]});
            assertFalse(step.done());
        }
        assertArrayEquals(
                new double[] {0.05537623075430105, -0.024921783056690322, -0.008224876701064459, 0.1485574436522128},
                step.observation(),
                1e-12);
    }

    @Test
    void acrobotFiftySteps() {
        Acrobot env = new Acrobot();
        env.setState(0.05, -0.03, 0.02, 0.01);
        int[] actions = {2, 2, 2, 0, 0, 0, 1, 2, 0, 2};
        double total = 0;
        for (int t = 0; t < 50; t++) {
            total += env.step(new double[] {actions[t % 10]}).reward();
        }
        assertArrayEquals(
                new double[] {0.19807657247949112, -0.3410371586994513, 0.9657061347309924, -1.5541501406783056},
                env.state(),
                1e-9);
        assertEquals(-50.0, total, 0.0);
    }
}
