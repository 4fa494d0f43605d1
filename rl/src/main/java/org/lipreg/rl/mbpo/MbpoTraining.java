package org.lipreg.rl.mbpo;

import org.lipreg.rl.env.Environment;
import org.lipreg.rl.env.Step;
import org.lipreg.rl.model.DynamicsModel;
import org.lipreg.rl.model.ModelRollouts;
import org.lipreg.rl.model.Termination;
import org.lipreg.rl.model.TransitionData;
import org.lipreg.rl.sac.ActionScaling;
import org.lipreg.rl.sac.EvaluationPoint;
import org.lipreg.rl.sac.ReplayBuffer;
import org.lipreg.rl.sac.SacAgent;
import org.lipreg.rl.sac.SacTraining;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Model-based policy optimization (Janner et al. 2019), the loop the ensemble-versus-single-model
 * comparison runs in: real steps go to the real buffer; every {@code modelInterval} steps the
 * dynamics model is refitted on all real data; every step, {@code rolloutsPerStep} short
 * rollouts of the current policy branch from real states into the model buffer; SAC then
 * updates on batches that are {@code realRatio} real and the rest model data.
 */
public final class MbpoTraining {

    private final Settings settings;

    /**
     * Creates the loop.
     *
     * @param settings its settings
     */
    public MbpoTraining(Settings settings) {
        this.settings = settings;
    }

    /**
     * The loop's settings.
     *
     * @param loop the shared off-policy settings (steps, warm-up, batch, updates, evaluation, seed)
     * @param modelInterval environment steps between model fits
     * @param rolloutsPerStep rollouts started per environment step
     * @param rolloutLength steps per rollout
     * @param realRatio the fraction of each SAC batch drawn from real data
     * @param modelRetain how many model fits' worth of rollouts the model buffer keeps
     */
    public record Settings(SacTraining.Settings loop, int modelInterval, int rolloutsPerStep, int rolloutLength,
            double realRatio, int modelRetain) {

        /** Checks the values. */
        public Settings {
            if (modelInterval < 1 || rolloutsPerStep < 1 || rolloutLength < 1 || modelRetain < 1
                    || !(realRatio >= 0 && realRatio <= 1)) {
                throw new IllegalArgumentException("need modelInterval, rolloutsPerStep, rolloutLength, modelRetain "
                        + ">= 1 and realRatio in [0, 1]");
            }
        }
    }

    /**
     * Trains the agent.
     *
     * @param agent the agent
     * @param model the dynamics model (fitted by the loop)
     * @param environments makes environments: one for training, one per evaluation episode
     * @param progress receives each evaluation row
     * @return the learning curve
     */
    public List<EvaluationPoint> run(SacAgent agent, DynamicsModel model, Supplier<Environment> environments,
            Consumer<EvaluationPoint> progress) {
        SacTraining.Settings loop = settings.loop();
        Environment env = environments.get();
        ActionScaling scaling = new ActionScaling(env.actionSpace(), env.id());
        Termination termination = Termination.of(env.id());
        int obs = env.observationSize();
        ReplayBuffer real = new ReplayBuffer(loop.totalSteps(), obs, scaling.size());
        ReplayBuffer imagined = new ReplayBuffer(
                settings.rolloutsPerStep() * settings.rolloutLength() * settings.modelInterval() * settings.modelRetain(),
                obs, scaling.size());
        SplittableRandom random = new SplittableRandom(loop.seed());
        SplittableRandom modelRandom = new SplittableRandom(loop.seed() * 31 + 7);
        SplittableRandom probe = new SplittableRandom(~loop.seed());
        int realPerBatch = (int) Math.round(settings.realRatio() * loop.batchSize());
        List<EvaluationPoint> curve = new ArrayList<>();
        long start = System.nanoTime();
        double[] observation = env.reset(loop.seed());
        double lossSum = 0;
        int lossCount = 0;
        for (int t = 1; t <= loop.totalSteps(); t++) {
            float[] action = t <= loop.learningStarts() ? scaling.uniform(random) : agent.act(SacTraining.toFloat(observation), false);
            Step step = env.step(scaling.toEnvironment(action, 0));
            real.add(observation, SacTraining.toDouble(action), step.reward(), step.observation(), step.terminated());
            observation = step.done() ? env.reset() : step.observation();
            if (t >= loop.learningStarts()) {
                if ((t - loop.learningStarts()) % settings.modelInterval() == 0) {
                    model.train(transitions(real, obs, scaling.size()), modelRandom);
                }
                ReplayBuffer.Batch starts = real.sample(settings.rolloutsPerStep(), random);
                ModelRollouts.run(agent, model, starts.observations(), settings.rolloutLength(), termination, imagined,
                        modelRandom);
                for (int u = 0; u < loop.updatesPerStep(); u++) {
                    lossSum += agent.update(mixed(real, imagined, realPerBatch, loop.batchSize(), random)).critic();
                    lossCount++;
                }
            }
            if (t % loop.evalInterval() == 0 || t == loop.totalSteps()) {
                EvaluationPoint point = EvaluationPoint.measure(agent, environments, loop.evalEpisodes(), loop.seed(),
                        real, probe, t, start, lossCount == 0 ? Double.NaN : lossSum / lossCount);
                lossSum = 0;
                lossCount = 0;
                curve.add(point);
                progress.accept(point);
            }
        }
        return curve;
    }

    private static TransitionData transitions(ReplayBuffer buffer, int obs, int act) {
        ReplayBuffer.Batch all = buffer.all();
        return new TransitionData(obs, act, all.observations(), all.actions(), all.rewards(), all.nextObservations());
    }

    /** A batch of {@code realCount} real rows followed by model rows. */
    static ReplayBuffer.Batch mixed(ReplayBuffer real, ReplayBuffer imagined, int realCount, int size,
            SplittableRandom random) {
        int fromReal = imagined.size() == 0 ? size : realCount;
        if (fromReal >= size) {
            return real.sample(size, random);
        }
        if (fromReal == 0) {
            return imagined.sample(size, random);
        }
        ReplayBuffer.Batch a = real.sample(fromReal, random);
        ReplayBuffer.Batch b = imagined.sample(size - fromReal, random);
        return new ReplayBuffer.Batch(size, concat(a.observations(), b.observations()), concat(a.actions(), b.actions()),
                concat(a.rewards(), b.rewards()), concat(a.nextObservations(), b.nextObservations()),
                concat(a.terminals(), b.terminals()));
    }

    private static float[] concat(float[] a, float[] b) {
        float[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
