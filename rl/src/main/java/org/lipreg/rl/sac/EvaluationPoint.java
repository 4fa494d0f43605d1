package org.lipreg.rl.sac;

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
        double criticGradientMax) {}
