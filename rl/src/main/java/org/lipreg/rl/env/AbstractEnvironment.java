package org.lipreg.rl.env;

import java.util.SplittableRandom;

/**
 * The episode bookkeeping shared by every environment: seeding, the time limit, the checks on
 * actions and on the episode's status. A concrete task only supplies its physics:
 *
 * <ul>
 *   <li>{@link #sampleInitialState(SplittableRandom)} — draw the start of an episode;
 *   <li>{@link #advance(double[])} — apply a (validated) action, return reward and termination;
 *   <li>{@link #observation()} — the observation of the current state.
 * </ul>
 *
 * <p>{@link #step(double[])} counts the step and sets {@code truncated} when the count reaches
 * {@link #maxEpisodeSteps()}, as Gymnasium's {@code TimeLimit} wrapper does.
 */
public abstract class AbstractEnvironment implements Environment {

    /** What {@link #advance(double[])} reports besides the new state. */
    protected record Outcome(double reward, boolean terminated) {}

    private final String id;
    private final int observationSize;
    private final ActionSpace actionSpace;
    private final int maxEpisodeSteps;

    private SplittableRandom random;
    private int elapsedSteps;
    private boolean running;

    /**
     * @param id the Gymnasium id, used in error messages
     * @param observationSize the length of an observation
     * @param actionSpace the accepted actions
     * @param maxEpisodeSteps the time limit, at least 1
     */
    protected AbstractEnvironment(
            String id, int observationSize, ActionSpace actionSpace, int maxEpisodeSteps) {
        if (maxEpisodeSteps < 1) {
            throw new IllegalArgumentException(
                    id + ": maxEpisodeSteps must be at least 1, got " + maxEpisodeSteps);
        }
        this.id = id;
        this.observationSize = observationSize;
        this.actionSpace = actionSpace;
        this.maxEpisodeSteps = maxEpisodeSteps;
    }

    /**
     * Draws the state at the start of an episode from {@code random}.
     *
     * @param random the environment's generator
     */
    protected abstract void sampleInitialState(SplittableRandom random);

    /**
     * Applies one action to the current state. The action has the right length and finite values;
     * for a discrete space it is a valid index (read it with {@link #actionIndex(double[])}).
     * Continuous actions are <em>not</em> clipped yet: each task clips where Gymnasium does.
     *
     * @param action the checked action
     * @return the reward and whether the task terminated
     */
    protected abstract Outcome advance(double[] action);

    /**
     * The observation of the current state, as a fresh array.
     *
     * @return the observation
     */
    protected abstract double[] observation();

    @Override
    public final String id() {
        return id;
    }

    @Override
    public final int observationSize() {
        return observationSize;
    }

    @Override
    public final ActionSpace actionSpace() {
        return actionSpace;
    }

    @Override
    public final int maxEpisodeSteps() {
        return maxEpisodeSteps;
    }

    @Override
    public final int elapsedSteps() {
        return elapsedSteps;
    }

    @Override
    public final double[] reset(long seed) {
        random = new SplittableRandom(seed);
        return startEpisode();
    }

    @Override
    public final double[] reset() {
        if (random == null) {
            random = new SplittableRandom();
        }
        return startEpisode();
    }

    private double[] startEpisode() {
        sampleInitialState(random);
        elapsedSteps = 0;
        running = true;
        return observation();
    }

    @Override
    public final Step step(double[] action) {
        if (!running) {
            throw new IllegalStateException(
                    id
                            + ": no episode is running; call reset() first"
                            + (elapsedSteps > 0 ? " (the last episode ended after " + elapsedSteps + " steps)" : ""));
        }
        validate(action);
        Outcome outcome = advance(action);
        elapsedSteps++;
        boolean truncated = elapsedSteps >= maxEpisodeSteps;
        if (outcome.terminated() || truncated) {
            running = false;
        }
        return new Step(observation(), outcome.reward(), outcome.terminated(), truncated);
    }

    private void validate(double[] action) {
        int expected = actionSpace.actionSize();
        if (action == null || action.length != expected) {
            throw new IllegalArgumentException(
                    id
                            + ": expected an action of size "
                            + expected
                            + (actionSpace instanceof DiscreteActionSpace d
                                    ? " (the index of one of " + d.n() + " actions in action[0])"
                                    : "")
                            + ", got "
                            + (action == null ? "null" : "size " + action.length));
        }
        for (int i = 0; i < action.length; i++) {
            if (!Double.isFinite(action[i])) {
                throw new IllegalArgumentException(
                        id + ": action[" + i + "] must be finite, got " + action[i]);
            }
        }
        if (actionSpace instanceof DiscreteActionSpace discrete) {
            double a = action[0];
            if (a != Math.rint(a) || a < 0 || a >= discrete.n()) {
                throw new IllegalArgumentException(
                        id
                                + ": action[0] must be an action index, a whole number in [0, "
                                + (discrete.n() - 1)
                                + "], got "
                                + a);
            }
        }
    }

    /**
     * The index of a (validated) discrete action.
     *
     * @param action a validated discrete action
     * @return {@code action[0]} as an int
     */
    protected static int actionIndex(double[] action) {
        return (int) action[0];
    }

    /**
     * Clips {@code x} to {@code [low, high]}, like {@code np.clip}.
     *
     * @param x the value
     * @param low the lower end
     * @param high the upper end
     * @return {@code x} clipped to {@code [low, high]}
     */
    protected static double clip(double x, double low, double high) {
        return Math.min(Math.max(x, low), high);
    }

    // ---- for tests in this package: put the task in a chosen situation ----

    /** Marks an episode as running after a test has set the state directly. */
    final void markRunning() {
        running = true;
    }

    /** Sets the step count of the current episode, to test the time limit without long runs. */
    final void setElapsedSteps(int steps) {
        elapsedSteps = steps;
    }
}
