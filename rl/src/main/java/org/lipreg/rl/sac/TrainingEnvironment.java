package org.lipreg.rl.sac;

import org.lipreg.rl.env.Environment;
import org.lipreg.rl.env.Step;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The environment a training loop acts in, kept so that a checkpoint can rebuild it exactly.
 * Episode {@code k} starts from {@code reset(LoopRandom.episodeSeed(seed, k))}, and the actions of
 * the episode in progress are remembered: restoring resets to that seed and replays them. The
 * tasks are deterministic given their start and actions, so this rebuilds every part of their
 * state (including what an observation does not show, such as MountainCar's float32 flag or the
 * step count of the time limit) without the tasks having to expose it; the replay's last
 * observation is checked against the saved one.
 */
public final class TrainingEnvironment {

    private final Environment environment;
    private final long seed;
    private final List<double[]> episodeActions = new ArrayList<>();
    private int episode;
    private double[] observation;

    /**
     * Starts the first episode.
     *
     * @param environment a fresh environment
     * @param seed the run's seed
     */
    public TrainingEnvironment(Environment environment, long seed) {
        this.environment = environment;
        this.seed = seed;
        this.observation = environment.reset(LoopRandom.episodeSeed(seed, 0));
    }

    /**
     * Returns the observation to act on: the current state, or the first of a new episode after
     * one ended.
     *
     * @return the observation (not to be modified)
     */
    public double[] observation() {
        return observation;
    }

    /**
     * Takes one step; when the episode ends, the next one starts at once.
     *
     * @param action the environment's action
     * @return the step, with the observation that ended the episode if it did
     */
    public Step step(double[] action) {
        Step step = environment.step(action);
        episodeActions.add(action.clone());
        if (step.done()) {
            episode++;
            episodeActions.clear();
            observation = environment.reset(LoopRandom.episodeSeed(seed, episode));
        } else {
            observation = step.observation();
        }
        return step;
    }

    /**
     * Writes the episode's number, its actions so far and the current observation.
     *
     * @param out the checkpoint stream
     * @throws IOException if writing fails
     */
    public void save(DataOutputStream out) throws IOException {
        out.writeInt(episode);
        out.writeInt(episodeActions.size());
        for (double[] action : episodeActions) {
            writeDoubles(out, action);
        }
        writeDoubles(out, observation);
    }

    /**
     * Rebuilds the episode that {@link #save} wrote by replaying its actions.
     *
     * @param in the checkpoint stream
     * @throws IOException if the stream is malformed or the replay does not reach the saved state
     */
    public void load(DataInputStream in) throws IOException {
        int savedEpisode = in.readInt();
        int steps = in.readInt();
        if (savedEpisode < 0 || steps < 0 || steps >= environment.maxEpisodeSteps()) {
            throw new IOException("training episode " + savedEpisode + " after " + steps + " steps is impossible in "
                    + environment.id());
        }
        episode = savedEpisode;
        episodeActions.clear();
        observation = environment.reset(LoopRandom.episodeSeed(seed, episode));
        for (int t = 0; t < steps; t++) {
            double[] action = readDoubles(in);
            Step step = environment.step(action);
            if (step.done()) {
                throw new IOException(environment.id() + ": replaying the checkpoint's episode ended it at step "
                        + (t + 1) + " of " + steps);
            }
            episodeActions.add(action);
            observation = step.observation();
        }
        double[] saved = readDoubles(in);
        if (!java.util.Arrays.equals(saved, observation)) {
            throw new IOException(environment.id() + ": replaying the checkpoint's episode reaches "
                    + java.util.Arrays.toString(observation) + ", the checkpoint has " + java.util.Arrays.toString(saved));
        }
    }

    private static void writeDoubles(DataOutputStream out, double[] values) throws IOException {
        out.writeInt(values.length);
        for (double v : values) {
            out.writeDouble(v);
        }
    }

    private static double[] readDoubles(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > 1 << 16) {
            throw new IOException("malformed checkpoint: a vector of " + n + " values");
        }
        double[] values = new double[n];
        for (int i = 0; i < n; i++) {
            values[i] = in.readDouble();
        }
        return values;
    }
}
