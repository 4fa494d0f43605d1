package org.lipreg.rl.sac;

import org.lipreg.rl.env.Environment;
import org.lipreg.rl.env.Step;
import org.lipreg.training.runner.CheckpointStore;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The off-policy loop: uniform random actions for the first {@code learningStarts} steps, then
 * the policy's samples, with gradient updates on replay batches after every environment step,
 * and deterministic evaluation episodes every {@code evalInterval} steps (and at the end).
 *
 * <p>With a {@link CheckpointStore} the loop writes a checkpoint at every evaluation, before it
 * reports the row, and starts from the newest one: a run stopped anywhere and run again reaches
 * the same rows as a run that never stopped ({@link LoopRandom} reseeds the random streams at the
 * evaluations, {@link TrainingEnvironment} rebuilds the episode in progress).
 */
public final class SacTraining {

    private final Settings settings;

    /**
     * Creates the loop.
     *
     * @param settings its settings
     */
    public SacTraining(Settings settings) {
        this.settings = settings;
    }

    /**
     * The loop's settings.
     *
     * @param totalSteps environment steps
     * @param learningStarts steps of uniform random actions before the first update
     * @param batchSize transitions per update
     * @param updatesPerStep gradient updates per environment step once learning has started
     * @param evalInterval steps between evaluations
     * @param evalEpisodes episodes per evaluation
     * @param seed seed of the environment resets, exploration and replay sampling
     */
    public record Settings(int totalSteps, int learningStarts, int batchSize, int updatesPerStep, int evalInterval,
            int evalEpisodes, long seed) {

        /**
         * Checks the values.
         *
         * @param totalSteps environment steps
         * @param learningStarts steps of uniform random actions before the first update
         * @param batchSize transitions per update
         * @param updatesPerStep gradient updates per environment step once learning has started
         * @param evalInterval steps between evaluations
         * @param evalEpisodes episodes per evaluation
         * @param seed seed of the environment resets, exploration and replay sampling
         */
        public Settings {
            if (totalSteps < 1 || learningStarts < 0 || batchSize < 1 || updatesPerStep < 0 || evalInterval < 1
                    || evalEpisodes < 1) {
                throw new IllegalArgumentException("need totalSteps, batchSize, evalInterval, evalEpisodes >= 1 and "
                        + "learningStarts, updatesPerStep >= 0");
            }
        }

        /**
         * Tells whether the loop evaluates (and checkpoints) after a step.
         *
         * @param t the environment steps taken
         * @return every {@code evalInterval} steps and at the end
         */
        public boolean evaluatesAt(int t) {
            return t % evalInterval == 0 || t == totalSteps;
        }
    }

    /**
     * Trains the agent without checkpoints.
     *
     * @param agent the agent (its sizes match the environment)
     * @param environments makes environments: one for training, one per evaluation episode
     * @param progress receives each evaluation row as it is made
     * @return the learning curve
     */
    public List<EvaluationPoint> run(SacAgent agent, Supplier<Environment> environments,
            Consumer<EvaluationPoint> progress) {
        try {
            return run(agent, environments, progress, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // only checkpoints do I/O
        }
    }

    /**
     * Trains the agent, continuing from the newest checkpoint in {@code checkpoints} if there is
     * one, and writing one at every evaluation.
     *
     * @param agent the agent (its sizes match the environment), as built for a fresh run
     * @param environments makes environments: one for training, one per evaluation episode
     * @param progress receives each evaluation row as it is made (after its checkpoint)
     * @param checkpoints where checkpoints live, or null for none
     * @return the learning curve, the rows before a resume included
     * @throws IOException if a checkpoint cannot be written, or the newest one does not fit this run
     */
    public List<EvaluationPoint> run(SacAgent agent, Supplier<Environment> environments,
            Consumer<EvaluationPoint> progress, CheckpointStore checkpoints) throws IOException {
        Environment env = environments.get();
        ActionScaling scaling = new ActionScaling(env.actionSpace(), env.id());
        TrainingEnvironment training = new TrainingEnvironment(env, settings.seed());
        ReplayBuffer buffer = new ReplayBuffer(settings.totalSteps(), env.observationSize(), scaling.size());
        LoopCheckpoints store = checkpoints == null ? null
                : new LoopCheckpoints(checkpoints, "sac", settings.seed(), settings.totalSteps());
        LoopCheckpoints.PartsWriter parts = out -> {
            agent.save(out);
            buffer.save(out);
            training.save(out);
        };
        Optional<LoopCheckpoints.Resumed> resumed = store == null ? Optional.empty() : store.resume(in -> {
            agent.load(in);
            buffer.load(in, "replay buffer");
            training.load(in);
        });
        List<EvaluationPoint> curve = new ArrayList<>(resumed.map(LoopCheckpoints.Resumed::curve).orElse(List.of()));
        int done = resumed.map(LoopCheckpoints.Resumed::step).orElse(0);
        long start = System.nanoTime() - (long) (resumed.map(LoopCheckpoints.Resumed::seconds).orElse(0.0) * 1e9);
        LoopRandom random = LoopRandom.at(settings.seed(), done);
        double lossSum = 0;
        int lossCount = 0;
        for (int t = done + 1; t <= settings.totalSteps(); t++) {
            double[] observation = training.observation();
            float[] action = t <= settings.learningStarts() ? scaling.uniform(random.training())
                    : agent.act(toFloat(observation), false);
            Step step = training.step(scaling.toEnvironment(action, 0));
            buffer.add(observation, toDouble(action), step.reward(), step.observation(), step.terminated());
            if (t > settings.learningStarts()) {
                for (int u = 0; u < settings.updatesPerStep(); u++) {
                    lossSum += agent.update(buffer.sample(settings.batchSize(), random.training())).critic();
                    lossCount++;
                }
            }
            if (settings.evaluatesAt(t)) {
                EvaluationPoint point = EvaluationPoint.measure(agent, environments, settings.evalEpisodes(),
                        settings.seed(), buffer, random.probe(), t, start, lossCount == 0 ? Double.NaN : lossSum / lossCount);
                lossSum = 0;
                lossCount = 0;
                curve.add(point);
                if (store != null) {
                    store.write(t, point.seconds(), curve, parts);
                }
                progress.accept(point);
                random = LoopRandom.at(settings.seed(), t);
            }
        }
        return curve;
    }

    /**
     * Copies to float.
     *
     * @param v values
     * @return the same values as floats
     */
    public static float[] toFloat(double[] v) {
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (float) v[i];
        }
        return out;
    }

    /**
     * Copies to double.
     *
     * @param v values
     * @return the same values as doubles
     */
    public static double[] toDouble(float[] v) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i];
        }
        return out;
    }
}
