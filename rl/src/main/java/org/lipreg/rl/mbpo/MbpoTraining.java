package org.lipreg.rl.mbpo;

import org.lipreg.rl.env.Environment;
import org.lipreg.rl.env.Step;
import org.lipreg.rl.model.DynamicsModel;
import org.lipreg.rl.model.ModelRollouts;
import org.lipreg.rl.model.Termination;
import org.lipreg.rl.model.TransitionData;
import org.lipreg.rl.sac.ActionScaling;
import org.lipreg.rl.sac.EvaluationPoint;
import org.lipreg.rl.sac.LoopCheckpoints;
import org.lipreg.rl.sac.LoopRandom;
import org.lipreg.rl.sac.ReplayBuffer;
import org.lipreg.rl.sac.SacAgent;
import org.lipreg.rl.sac.SacTraining;
import org.lipreg.rl.sac.TrainingEnvironment;
import org.lipreg.training.runner.CheckpointStore;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Model-based policy optimization (Janner et al. 2019), the loop the ensemble-versus-single-model
 * comparison runs in: real steps go to the real buffer; every {@code modelInterval} steps the
 * dynamics model is refitted on all real data; every step, {@code rolloutsPerStep} short
 * rollouts of the current policy branch from real states into the model buffer; SAC then
 * updates on batches that are {@code realRatio} real and the rest model data. With a {@link
 * CheckpointStore} it checkpoints at every evaluation and resumes as {@link SacTraining} does.
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

        /**
         * Checks the values.
         *
         * @param loop the shared off-policy settings (steps, warm-up, batch, updates, evaluation, seed)
         * @param modelInterval environment steps between model fits
         * @param rolloutsPerStep rollouts started per environment step
         * @param rolloutLength steps per rollout
         * @param realRatio the fraction of each SAC batch drawn from real data
         * @param modelRetain how many model fits' worth of rollouts the model buffer keeps
         */
        public Settings {
            if (modelInterval < 1 || rolloutsPerStep < 1 || rolloutLength < 1 || modelRetain < 1
                    || !(realRatio >= 0 && realRatio <= 1)) {
                throw new IllegalArgumentException("need modelInterval, rolloutsPerStep, rolloutLength, modelRetain "
                        + ">= 1 and realRatio in [0, 1]");
            }
        }
    }

    /**
     * Trains the agent without checkpoints.
     *
     * @param agent the agent
     * @param model the dynamics model (fitted by the loop)
     * @param environments makes environments: one for training, one per evaluation episode
     * @param progress receives each evaluation row
     * @return the learning curve
     */
    public List<EvaluationPoint> run(SacAgent agent, DynamicsModel model, Supplier<Environment> environments,
            Consumer<EvaluationPoint> progress) {
        try {
            return run(agent, model, environments, progress, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // only checkpoints do I/O
        }
    }

    /**
     * Trains the agent, continuing from the newest checkpoint in {@code checkpoints} if there is
     * one, and writing one at every evaluation: agent, real and model buffers, the dynamics model
     * and the episode in progress (see {@link SacTraining} for how a resumed run stays identical).
     *
     * @param agent the agent, as built for a fresh run
     * @param model the dynamics model (fitted by the loop), as built for a fresh run
     * @param environments makes environments: one for training, one per evaluation episode
     * @param progress receives each evaluation row (after its checkpoint)
     * @param checkpoints where checkpoints live, or null for none
     * @return the learning curve, the rows before a resume included
     * @throws IOException if a checkpoint cannot be written, or the newest one does not fit this run
     */
    public List<EvaluationPoint> run(SacAgent agent, DynamicsModel model, Supplier<Environment> environments,
            Consumer<EvaluationPoint> progress, CheckpointStore checkpoints) throws IOException {
        SacTraining.Settings loop = settings.loop();
        Environment env = environments.get();
        ActionScaling scaling = new ActionScaling(env.actionSpace(), env.id());
        Termination termination = Termination.of(env.id());
        int obs = env.observationSize();
        TrainingEnvironment training = new TrainingEnvironment(env, loop.seed());
        ReplayBuffer real = new ReplayBuffer(loop.totalSteps(), obs, scaling.size());
        ReplayBuffer imagined = new ReplayBuffer(
                settings.rolloutsPerStep() * settings.rolloutLength() * settings.modelInterval() * settings.modelRetain(),
                obs, scaling.size());
        LoopCheckpoints store = checkpoints == null ? null
                : new LoopCheckpoints(checkpoints, "mbpo", loop.seed(), loop.totalSteps());
        LoopCheckpoints.PartsWriter parts = out -> {
            agent.save(out);
            real.save(out);
            imagined.save(out);
            model.save(out);
            training.save(out);
        };
        Optional<LoopCheckpoints.Resumed> resumed = store == null ? Optional.empty() : store.resume(in -> {
            agent.load(in);
            real.load(in, "real replay buffer");
            imagined.load(in, "model replay buffer");
            model.load(in);
            training.load(in);
        });
        List<EvaluationPoint> curve = new ArrayList<>(resumed.map(LoopCheckpoints.Resumed::curve).orElse(List.of()));
        int done = resumed.map(LoopCheckpoints.Resumed::step).orElse(0);
        long start = System.nanoTime() - (long) (resumed.map(LoopCheckpoints.Resumed::seconds).orElse(0.0) * 1e9);
        LoopRandom random = LoopRandom.at(loop.seed(), done);
        int realPerBatch = (int) Math.round(settings.realRatio() * loop.batchSize());
        double lossSum = 0;
        int lossCount = 0;
        for (int t = done + 1; t <= loop.totalSteps(); t++) {
            double[] observation = training.observation();
            float[] action = t <= loop.learningStarts() ? scaling.uniform(random.training())
                    : agent.act(SacTraining.toFloat(observation), false);
            Step step = training.step(scaling.toEnvironment(action, 0));
            real.add(observation, SacTraining.toDouble(action), step.reward(), step.observation(), step.terminated());
            if (t >= loop.learningStarts()) {
                if ((t - loop.learningStarts()) % settings.modelInterval() == 0) {
                    model.train(transitions(real, obs, scaling.size()), random.model());
                }
                ReplayBuffer.Batch starts = real.sample(settings.rolloutsPerStep(), random.training());
                ModelRollouts.run(agent, model, starts.observations(), settings.rolloutLength(), termination, imagined,
                        random.model());
                for (int u = 0; u < loop.updatesPerStep(); u++) {
                    lossSum += agent.update(mixed(real, imagined, realPerBatch, loop.batchSize(), random.training()))
                            .critic();
                    lossCount++;
                }
            }
            if (loop.evaluatesAt(t)) {
                EvaluationPoint point = EvaluationPoint.measure(agent, environments, loop.evalEpisodes(), loop.seed(),
                        real, random.probe(), t, start, lossCount == 0 ? Double.NaN : lossSum / lossCount);
                lossSum = 0;
                lossCount = 0;
                curve.add(point);
                if (store != null) {
                    store.write(t, point.seconds(), curve, parts);
                }
                progress.accept(point);
                random = LoopRandom.at(loop.seed(), t);
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
