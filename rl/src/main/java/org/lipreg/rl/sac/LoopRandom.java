package org.lipreg.rl.sac;

import ai.djl.engine.Engine;

import java.util.SplittableRandom;

/**
 * The random streams of an off-policy loop for the steps up to its next evaluation, seeded from
 * {@code (seed, step)}: at the start and again after every evaluation, the engine's generator (the
 * policy's noise, the adversarial critic's starts) included. Neither {@link SplittableRandom}'s
 * state nor PyTorch's can be read out; seeding at the evaluations, where the loop writes its
 * checkpoints, makes a run resumed from one draw exactly what a run that never stopped draws.
 */
public final class LoopRandom {

    private final SplittableRandom training;
    private final SplittableRandom model;
    private final SplittableRandom probe;

    private LoopRandom(SplittableRandom root) {
        this.training = root.split();
        this.model = root.split();
        this.probe = root.split();
    }

    /**
     * Seeds the streams, and the engine's generator, for the steps after {@code step}.
     *
     * @param seed the run's seed
     * @param step the environment steps taken so far (0 at the start)
     * @return the streams
     */
    public static LoopRandom at(long seed, long step) {
        SplittableRandom root = new SplittableRandom(mix(seed, step, 0x5EED));
        Engine.getInstance().setRandomSeed(root.nextInt(Integer.MAX_VALUE));
        return new LoopRandom(root);
    }

    /**
     * Returns the reset seed of a training episode, a pure function of the run's seed and the
     * episode's number, so that a checkpoint can rebuild the episode in progress.
     *
     * @param seed the run's seed
     * @param episode the episode's number, from 0
     * @return the seed for {@code Environment.reset(long)}
     */
    public static long episodeSeed(long seed, long episode) {
        return mix(seed, episode, 0xE915);
    }

    /**
     * Returns the reset seed of an evaluation episode, a pure function of the run's seed, the step
     * of the evaluation and the episode's number. Mixed, not added: with {@code seed + step·c + i}
     * the runs of seeds s and s + 1 shared all but one of their evaluation episodes' start states,
     * so returns compared over seeds varied less than independent runs do.
     *
     * @param seed the run's seed
     * @param step environment steps at the evaluation
     * @param episode the episode's number, from 0
     * @return the seed for {@code Environment.reset(long)}
     */
    public static long evaluationSeed(long seed, long step, int episode) {
        return mix(mix(seed, step, 0xE7A1), episode, 0xE7A2);
    }

    /**
     * Returns the stream of exploration actions and replay batches.
     *
     * @return the training stream
     */
    public SplittableRandom training() {
        return training;
    }

    /**
     * Returns the stream of a dynamics model's fits and predictions (MBPO).
     *
     * @return the model stream
     */
    public SplittableRandom model() {
        return model;
    }

    /**
     * Returns the stream that samples the replay batch of an evaluation's gradient probe, apart
     * from training's so that measuring does not change what is learned.
     *
     * @return the probe stream
     */
    public SplittableRandom probe() {
        return probe;
    }

    /** SplitMix64's finalizer over a combination of the three numbers. */
    private static long mix(long seed, long index, long salt) {
        long z = seed * 0x9E3779B97F4A7C15L + (index + 1) * 0xBF58476D1CE4E5B9L + salt;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
