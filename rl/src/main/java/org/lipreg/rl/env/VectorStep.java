package org.lipreg.rl.env;

/**
 * What one {@link VectorEnvironment#step(double[][])} returns: row or entry {@code i} belongs to
 * copy {@code i}.
 *
 * <p>For a copy whose episode ended on this step ({@code terminated[i] || truncated[i]}), {@code
 * observations[i]} is already the first observation of its <em>next</em> episode (the copy was
 * reset in the same step), while {@code finalObservations[i]} is the last observation of the
 * episode that ended — the one to store as the transition's next state. For the other copies
 * {@code finalObservations[i]} is {@code null}.
 *
 * @param observations the observation each copy's next action should be chosen from
 * @param rewards the reward of each copy's transition
 * @param terminated whether each copy's episode reached a terminal state
 * @param truncated whether each copy's episode hit its time limit
 * @param finalObservations the last observation of each episode that ended, else {@code null}
 */
public record VectorStep(
        double[][] observations,
        double[] rewards,
        boolean[] terminated,
        boolean[] truncated,
        double[][] finalObservations) {

    /**
     * The number of copies.
     *
     * @return the number of copies
     */
    public int size() {
        return rewards.length;
    }

    /**
     * Whether copy {@code i}'s episode ended on this step (and the copy was reset).
     *
     * @param i the copy
     * @return whether copy {@code i}'s episode ended
     */
    public boolean done(int i) {
        return terminated[i] || truncated[i];
    }
}
