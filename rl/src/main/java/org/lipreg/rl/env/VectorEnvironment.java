package org.lipreg.rl.env;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * Steps {@code N} copies of one environment together and resets finished copies automatically.
 *
 * <p><b>Seeds.</b> {@link #reset(long)} derives one seed per copy from the given seed ({@link
 * #copySeeds(long, int)}: the first {@code N} outputs of a {@link SplittableRandom} seeded with
 * it), so the copies start independently and the whole vector is reproducible from one number.
 * Later automatic resets continue each copy's own generator, as {@link Environment#reset()} does.
 *
 * <p><b>Auto-reset, same step.</b> When a copy's episode ends, the copy is reset inside the same
 * {@link #step(double[][])} call: the returned {@link VectorStep#observations()} row is the first
 * observation of the new episode, and {@link VectorStep#finalObservations()} holds the last
 * observation of the episode that ended. This is Gymnasium's {@code AutoresetMode.SAME_STEP}
 * (with {@code final_obs} in its info), not its default {@code NEXT_STEP}, which instead returns
 * the final observation and spends the copy's next step (action ignored, reward 0) on the reset.
 * Same-step keeps every call a real transition for every copy, which is what a replay buffer wants:
 * store {@code (obs, action, reward, finalObservation or observation, terminated)}.
 */
public final class VectorEnvironment {

    private final List<Environment> copies;
    private boolean started;

    /**
     * {@code n} copies made by {@code factory}, which must return a new environment on each call.
     *
     * @param factory makes one copy per call
     * @param n the number of copies
     * @throws IllegalArgumentException if {@code n < 1}, or the copies are not distinct objects or
     *     disagree on id, observation size or action space
     */
    public VectorEnvironment(Supplier<? extends Environment> factory, int n) {
        if (n < 1) {
            throw new IllegalArgumentException("a vector environment needs at least 1 copy, got " + n);
        }
        List<Environment> made = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Environment env = factory.get();
            for (Environment other : made) {
                if (other == env) {
                    throw new IllegalArgumentException(
                            "the factory returned the same environment object twice; it must make a new one per call");
                }
            }
            Environment first = made.isEmpty() ? env : made.get(0);
            if (!first.id().equals(env.id())
                    || first.observationSize() != env.observationSize()
                    || !first.actionSpace().equals(env.actionSpace())) {
                throw new IllegalArgumentException(
                        "all copies must be the same task; got " + first.id() + " and " + env.id());
            }
            made.add(env);
        }
        this.copies = List.copyOf(made);
    }

    /**
     * {@code n} copies of the environment with Gymnasium id {@code id}.
     *
     * @param id the Gymnasium id
     * @param n the number of copies
     * @return the vector environment
     */
    public static VectorEnvironment create(String id, int n) {
        return new VectorEnvironment(() -> Environments.create(id), n);
    }

    /**
     * The seed that {@link #reset(long)} gives each of {@code n} copies: the first {@code n}
     * outputs of {@code new SplittableRandom(seed).nextLong()}.
     *
     * @param seed the seed given to {@link #reset(long)}
     * @param n the number of copies
     * @return one seed per copy
     */
    public static long[] copySeeds(long seed, int n) {
        SplittableRandom master = new SplittableRandom(seed);
        long[] seeds = new long[n];
        for (int i = 0; i < n; i++) {
            seeds[i] = master.nextLong();
        }
        return seeds;
    }

    /**
     * The number of copies.
     *
     * @return the number of copies
     */
    public int size() {
        return copies.size();
    }

    /**
     * Copy {@code i} (for inspection; stepping it directly desynchronizes the vector).
     *
     * @param i the copy, {@code 0 <= i < size()}
     * @return the copy
     */
    public Environment copy(int i) {
        return copies.get(i);
    }

    /**
     * The length of each copy's observation.
     *
     * @return the observation length
     */
    public int observationSize() {
        return copies.get(0).observationSize();
    }

    /**
     * The action space of each copy.
     *
     * @return the action space
     */
    public ActionSpace actionSpace() {
        return copies.get(0).actionSpace();
    }

    /**
     * Resets every copy with its seed from {@link #copySeeds(long, int)}.
     *
     * @param seed the seed that {@link #copySeeds(long, int)} turns into one seed per copy
     * @return one first observation per copy
     */
    public double[][] reset(long seed) {
        long[] seeds = copySeeds(seed, copies.size());
        double[][] observations = new double[copies.size()][];
        for (int i = 0; i < copies.size(); i++) {
            observations[i] = copies.get(i).reset(seeds[i]);
        }
        started = true;
        return observations;
    }

    /**
     * Resets every copy, continuing each copy's generator.
     *
     * @return one first observation per copy
     */
    public double[][] reset() {
        double[][] observations = new double[copies.size()][];
        for (int i = 0; i < copies.size(); i++) {
            observations[i] = copies.get(i).reset();
        }
        started = true;
        return observations;
    }

    /**
     * Steps every copy with its action ({@code actions[i]} for copy {@code i}) and resets the copies
     * whose episode ended, as described in the class documentation.
     *
     * @param actions one action per copy
     * @return the observations, rewards and ends of every copy
     * @throws IllegalStateException before the first reset
     * @throws IllegalArgumentException if there is not one action per copy, or an action is invalid
     *     (sizes are checked before any copy moves; an invalid value is found by the copy itself, so
     *     the copies before it have then already stepped)
     */
    public VectorStep step(double[][] actions) {
        if (!started) {
            throw new IllegalStateException(
                    copies.get(0).id() + " x" + copies.size() + ": call reset before step");
        }
        if (actions == null || actions.length != copies.size()) {
            throw new IllegalArgumentException(
                    copies.get(0).id()
                            + " x"
                            + copies.size()
                            + ": expected one action per copy ("
                            + copies.size()
                            + "), got "
                            + (actions == null ? "null" : actions.length));
        }
        int n = copies.size();
        int expected = actionSpace().actionSize();
        for (int i = 0; i < n; i++) {
            if (actions[i] == null || actions[i].length != expected) {
                throw new IllegalArgumentException(
                        copies.get(i).id()
                                + ": expected an action of size "
                                + expected
                                + " for copy "
                                + i
                                + ", got "
                                + (actions[i] == null ? "null" : "size " + actions[i].length));
            }
        }
        double[][] observations = new double[n][];
        double[] rewards = new double[n];
        boolean[] terminated = new boolean[n];
        boolean[] truncated = new boolean[n];
        double[][] finalObservations = new double[n][];
        for (int i = 0; i < n; i++) {
            Environment env = copies.get(i);
            Step step = env.step(actions[i]);
            rewards[i] = step.reward();
            terminated[i] = step.terminated();
            truncated[i] = step.truncated();
            if (step.done()) {
                finalObservations[i] = step.observation();
                observations[i] = env.reset();
            } else {
                observations[i] = step.observation();
            }
        }
        return new VectorStep(observations, rewards, terminated, truncated, finalObservations);
    }
}
