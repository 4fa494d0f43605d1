package org.lipreg.rl.env;

/**
 * The actions an {@link Environment} accepts. Every action is passed to {@link
 * Environment#step(double[])} as a {@code double[]} of length {@link #actionSize()}:
 *
 * <ul>
 *   <li>{@link ContinuousActionSpace}: a vector of {@code dimension()} reals, each expected in
 *       {@code [low[i], high[i]]} (the environments clip, as Gymnasium does);
 *   <li>{@link DiscreteActionSpace}: one of {@code n} choices, passed as its index in {@code
 *       action[0]} (a whole number {@code 0 <= action[0] < n}).
 * </ul>
 */
public sealed interface ActionSpace permits ContinuousActionSpace, DiscreteActionSpace {

    /**
     * The length of the {@code double[]} that {@link Environment#step(double[])} expects.
     *
     * @return the action length
     */
    int actionSize();
}
