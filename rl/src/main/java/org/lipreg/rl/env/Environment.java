package org.lipreg.rl.env;

/**
 * A reinforcement-learning task with Gymnasium's episode protocol: {@link #reset(long)} (or
 * {@link #reset()}), then {@link #step(double[])} until a {@link Step} says {@link Step#done()},
 * then reset again.
 *
 * <p><b>Actions</b> are always a {@code double[]} of length {@code actionSpace().actionSize()}.
 * For a {@link DiscreteActionSpace} that is one number, the index of the chosen action in {@code
 * action[0]} (e.g. CartPole: {@code new double[] {1}} pushes right). A wrong length, a non-finite
 * value or an invalid index throws {@link IllegalArgumentException} naming the environment and what
 * it expected.
 *
 * <p><b>Time limits</b> are built into each environment (there is no separate wrapper): the step
 * that brings the episode to {@link #maxEpisodeSteps()} steps returns {@code truncated = true},
 * exactly like Gymnasium's {@code TimeLimit} wrapper that {@code gymnasium.make} adds.
 *
 * <p><b>Randomness</b>: {@link #reset(long)} re-seeds the environment's generator; {@link
 * #reset()} continues it, so {@code reset(7), reset(), reset()} gives the same three starts every
 * time. Gymnasium's numpy streams cannot be reproduced bit for bit: the same seed gives the same
 * distribution as Gymnasium, not the same numbers.
 *
 * <p>Stepping before the first reset, or after the episode ended without a reset, throws {@link
 * IllegalStateException}. Environments are not thread-safe; use one per thread.
 */
public interface Environment {

    /**
     * The Gymnasium id of the task, e.g. {@code "Pendulum-v1"}.
     *
     * @return the id
     */
    String id();

    /**
     * The length of every observation array.
     *
     * @return the observation length
     */
    int observationSize();

    /**
     * The actions this environment accepts.
     *
     * @return the action space
     */
    ActionSpace actionSpace();

    /**
     * The time limit: the number of steps after which an episode is truncated.
     *
     * @return the time limit in steps
     */
    int maxEpisodeSteps();

    /**
     * Seeds the environment's generator with {@code seed} and starts a new episode.
     *
     * @param seed the seed of the generator
     * @return the first observation of the episode
     */
    double[] reset(long seed);

    /**
     * Starts a new episode, drawing its start from the generator as the last seeded reset left it
     * (an environment never seeded is seeded once from an unpredictable source, as Gymnasium does).
     *
     * @return the first observation of the episode
     */
    double[] reset();

    /**
     * Applies one action and advances the task by one time step.
     *
     * @param action the action, as described in the interface documentation
     * @return the next observation, the reward and whether the episode ended
     * @throws IllegalStateException if no episode is running (never reset, or already done)
     * @throws IllegalArgumentException if the action has the wrong size or an invalid value
     */
    Step step(double[] action);

    /**
     * The number of steps taken in the current episode (0 right after a reset).
     *
     * @return the steps taken since the last reset
     */
    int elapsedSteps();
}
