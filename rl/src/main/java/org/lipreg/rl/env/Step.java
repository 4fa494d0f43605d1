package org.lipreg.rl.env;

/**
 * What one {@link Environment#step(double[])} returns, as in Gymnasium's 5-tuple without the
 * {@code info} dictionary.
 *
 * <p>{@code terminated} means the task itself ended the episode (the pole fell, the car reached
 * the flag): the observation is terminal and a value function should not bootstrap from it. {@code
 * truncated} means the time limit cut the episode short: the observation is an ordinary state and
 * bootstrapping from it is right. Both can be true on the same step (a terminal state reached on
 * the last allowed step). Either one ends the episode: call {@link Environment#reset()} before the
 * next step.
 *
 * @param observation the observation after the step; a fresh array that the caller owns
 * @param reward the reward for this transition
 * @param terminated whether the episode reached a terminal state
 * @param truncated whether the episode hit its time limit
 */
public record Step(double[] observation, double reward, boolean terminated, boolean truncated) {

    /**
     * Whether the episode is over, by termination or truncation.
     *
     * @return {@code terminated || truncated}
     */
    public boolean done() {
        return terminated || truncated;
    }
}
