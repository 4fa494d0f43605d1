package org.lipreg.rl.sac;

import org.lipreg.rl.env.Environment;
import org.lipreg.training.regularizer.LipschitzMonitor;

import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * One row of a training run's learning curve.
 *
 * @param step environment steps taken so far
 * @param meanReturn mean undiscounted return of the deterministic policy's evaluation episodes
 * @param stdReturn their standard deviation
 * @param seconds wall time since the start of training
 * @param alpha the entropy temperature
 * @param criticLoss mean critic loss since the previous row (NaN before learning starts)
 * @param criticLipschitzProduct product of the first critic's layer norms (a global bound)
 * @param criticGradientMax largest ‖∇Q‖₂ over a replay batch (a sampled local estimate)
 */
public record EvaluationPoint(
        long step,
        double meanReturn,
        double stdReturn,
        double seconds,
        double alpha,
        double criticLoss,
        double criticLipschitzProduct,
        double criticGradientMax) {

    /**
     * Evaluates the agent now: deterministic-policy episodes and the critic's Lipschitz figures.
     *
     * @param agent the agent
     * @param environments makes one environment per episode
     * @param episodes how many episodes
     * @param seed the run's seed (evaluation episodes get seeds of their own: {@link LoopRandom#evaluationSeed})
     * @param buffer replay data for the sampled gradient norm
     * @param probe the generator that samples it
     * @param step environment steps so far
     * @param start {@code System.nanoTime()} at the start of training
     * @param criticLoss the mean critic loss since the previous point
     * @return the point
     */
    public static EvaluationPoint measure(SacAgent agent, Supplier<Environment> environments, int episodes, long seed,
            ReplayBuffer buffer, SplittableRandom probe, long step, long start, double criticLoss) {
        double[] returns = DeterministicEvaluation.returns(agent, environments, episodes,
                episode -> LoopRandom.evaluationSeed(seed, step, episode));
        double mean = 0;
        for (double r : returns) {
            mean += r / returns.length;
        }
        double variance = 0;
        for (double r : returns) {
            variance += (r - mean) * (r - mean) / returns.length;
        }
        double product = new LipschitzMonitor().of(agent.critics()[0]).get("lipschitz_product");
        double gradient = agent.criticGradientMax(buffer.sample(Math.min(256, buffer.size()), probe));
        return new EvaluationPoint(step, mean, Math.sqrt(variance), (System.nanoTime() - start) / 1e9, agent.alpha(),
                criticLoss, product, gradient);
    }
}
