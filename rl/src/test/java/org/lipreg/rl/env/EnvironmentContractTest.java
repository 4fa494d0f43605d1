package org.lipreg.rl.env;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The {@link Environment} contract, for every registered id. */
class EnvironmentContractTest {

    private static double[] someAction(Environment env) {
        return env.actionSpace() instanceof ContinuousActionSpace c ? new double[c.dimension()] : new double[] {1};
    }

    @Test
    void registryKnowsTheFourIdsWithGymnasiumsShapesAndLimits() {
        assertEquals(List.of("Pendulum-v1", "MountainCarContinuous-v0", "CartPole-v1", "Acrobot-v1"), Environments.ids());
        Environment pendulum = Environments.create("Pendulum-v1");
        assertEquals(3, pendulum.observationSize());
        assertEquals(ContinuousActionSpace.uniform(1, -2, 2), pendulum.actionSpace());
        assertEquals(200, pendulum.maxEpisodeSteps());
        Environment car = Environments.create("MountainCarContinuous-v0");
        assertEquals(2, car.observationSize());
        assertEquals(ContinuousActionSpace.uniform(1, -1, 1), car.actionSpace());
        assertEquals(999, car.maxEpisodeSteps());
        Environment cartPole = Environments.create("CartPole-v1");
        assertEquals(4, cartPole.observationSize());
        assertEquals(new DiscreteActionSpace(2), cartPole.actionSpace());
        assertEquals(500, cartPole.maxEpisodeSteps());
        Environment acrobot = Environments.create("Acrobot-v1");
        assertEquals(6, acrobot.observationSize());
        assertEquals(new DiscreteActionSpace(3), acrobot.actionSpace());
        assertEquals(500, acrobot.maxEpisodeSteps());
    }

    @Test
    void unknownIdListsTheKnownOnes() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> Environments.create("Pendulum-v0"));
        assertTrue(e.getMessage().contains("'Pendulum-v0'"), e.getMessage());
        for (String id : Environments.ids()) {
            assertTrue(e.getMessage().contains(id), e.getMessage());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"Pendulum-v1", "MountainCarContinuous-v0", "CartPole-v1", "Acrobot-v1"})
    void seededResetsAndTrajectoriesAreReproducible(String id) {
        Environment a = Environments.create(id);
        Environment b = Environments.create(id);
        double[] first = a.reset(123);
        assertArrayEquals(first, b.reset(123), 0.0);
        assertEquals(a.observationSize(), first.length);
        for (int t = 0; t < 20; t++) {
            Step sa = a.step(someAction(a));
            Step sb = b.step(someAction(b));
            assertArrayEquals(sa.observation(), sb.observation(), 0.0);
            assertEquals(sa.reward(), sb.reward(), 0.0);
            if (sa.done()) {
                break;
            }
        }
        // reset() continues the seeded generator: the same sequence of starts after the same seed.
        double[] second = a.reset();
        double[] third = a.reset();
        assertFalse(java.util.Arrays.equals(first, second));
        assertFalse(java.util.Arrays.equals(second, third));
        b.reset(123);
        assertArrayEquals(second, b.reset(), 0.0);
        assertArrayEquals(third, b.reset(), 0.0);
        // Another seed, another start.
        assertFalse(java.util.Arrays.equals(first, b.reset(124)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"Pendulum-v1", "MountainCarContinuous-v0", "CartPole-v1", "Acrobot-v1"})
    void steppingWithoutARunningEpisodeIsAnIllegalState(String id) {
        Environment env = Environments.create(id);
        IllegalStateException before =
                assertThrows(IllegalStateException.class, () -> env.step(someAction(env)));
        assertTrue(before.getMessage().contains(id) && before.getMessage().contains("reset"), before.getMessage());

        env.reset(1);
        Step step;
        do {
            step = env.step(someAction(env));
        } while (!step.done());
        IllegalStateException after =
                assertThrows(IllegalStateException.class, () -> env.step(someAction(env)));
        assertTrue(after.getMessage().contains("reset"), after.getMessage());
        env.reset();
        assertEquals(0, env.elapsedSteps());
        env.step(someAction(env));
        assertEquals(1, env.elapsedSteps());
    }

    @ParameterizedTest
    @ValueSource(strings = {"Pendulum-v1", "MountainCarContinuous-v0", "CartPole-v1", "Acrobot-v1"})
    void wrongActionSizeNamesTheEnvironmentAndTheExpectedSize(String id) {
        Environment env = Environments.create(id);
        env.reset(0);
        for (double[] bad : new double[][] {{}, {0, 0}}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> env.step(bad));
            assertTrue(e.getMessage().contains(id), e.getMessage());
            assertTrue(e.getMessage().contains("size 1"), e.getMessage());
            assertTrue(e.getMessage().contains("got size " + bad.length), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> env.step(null));
        assertThrows(IllegalArgumentException.class, () -> env.step(new double[] {Double.NaN}));
        // A rejected action leaves the episode running.
        env.step(someAction(env));
    }

    @ParameterizedTest
    @ValueSource(strings = {"Pendulum-v1", "CartPole-v1"})
    void truncationFlagAtACustomLimit(String id) {
        Environment env = id.equals("Pendulum-v1") ? new Pendulum(3) : new CartPole(3);
        env.reset(9);
        assertFalse(env.step(someAction(env)).truncated());
        assertFalse(env.step(someAction(env)).truncated());
        Step last = env.step(someAction(env));
        assertTrue(last.truncated());
        assertFalse(last.terminated());
        assertEquals(3, env.elapsedSteps());
    }

    @Test
    void actionSpacesCheckTheirArguments() {
        assertThrows(IllegalArgumentException.class, () -> new DiscreteActionSpace(0));
        assertThrows(IllegalArgumentException.class, () -> new ContinuousActionSpace(new double[] {1}, new double[] {0}));
        assertThrows(IllegalArgumentException.class, () -> new ContinuousActionSpace(new double[] {0}, new double[] {1, 2}));
        ContinuousActionSpace box = ContinuousActionSpace.uniform(2, -1, 1);
        box.low()[0] = 5;
        assertEquals(-1, box.low()[0], 0.0);
        assertEquals(2, box.actionSize());
    }
}
