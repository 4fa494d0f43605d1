package org.lipreg.rl.sac;

import org.lipreg.rl.env.Environment;
import org.lipreg.rl.env.Step;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The off-policy loop: uniform random actions for the first {@code learningStarts} steps, then
 * the policy's samples, with gradient updates on replay batches after every environment step,
 * and deterministic evaluation episodes every {@code evalInterval} steps (and at the end).
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

        /** Checks the values. */
        public Settings {
            if (totalSteps < 1 || learningStarts < 0 || batchSize < 1 || updatesPerStep < 0 || evalInterval < 1
                    || evalEpisodes < 1) {
                throw new IllegalArgumentException("need totalSteps, batchSize, evalInterval, evalEpisodes >= 1 and "
                        + "learningStarts, updatesPerStep >= 0");
            }
        }
    }

    /**
     * Trains the agent.
     *
     * @param agent the agent (its sizes match the environment)
     * @param environments makes environments: one for training, one per evaluation episode
     * @param progress receives each evaluation row as it is made
     * @return the learning curve
     */
    public List<EvaluationPoint> run(SacAgent agent, Supplier<Environment> environments,
            Consumer<EvaluationPoint> progress) {
        Environment env = environments.get();
        ActionScaling scaling = new ActionScaling(env.actionSpace(), env.id());
        ReplayBuffer buffer = new ReplayBuffer(settings.totalSteps(), env.observationSize(), scaling.size());
        SplittableRandom random = new SplittableRandom(settings.seed());
        // The critic's gradient probe samples from its own stream, so evaluating does not change training.
        SplittableRandom probe = new SplittableRandom(~settings.seed());
        List<EvaluationPoint> curve = new ArrayList<>();
        long start = System.nanoTime();
        double[] observation = env.reset(settings.seed());
        double lossSum = 0;
        int lossCount = 0;
        for (int t = 1; t <= settings.totalSteps(); t++) {
            float[] action = t <= settings.learningStarts() ? scaling.uniform(random) : agent.act(toFloat(observation), false);
            Step step = env.step(scaling.toEnvironment(action, 0));
            buffer.add(observation, toDouble(action), step.reward(), step.observation(), step.terminated());
            observation = step.done() ? env.reset() : step.observation();
            if (t > settings.learningStarts()) {
                for (int u = 0; u < settings.updatesPerStep(); u++) {
                    lossSum += agent.update(buffer.sample(settings.batchSize(), random)).critic();
                    lossCount++;
                }
            }
            if (t % settings.evalInterval() == 0 || t == settings.totalSteps()) {
                EvaluationPoint point = EvaluationPoint.measure(agent, environments, settings.evalEpisodes(),
                        settings.seed(), buffer, probe, t, start, lossCount == 0 ? Double.NaN : lossSum / lossCount);
                lossSum = 0;
                lossCount = 0;
                curve.add(point);
                progress.accept(point);
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
