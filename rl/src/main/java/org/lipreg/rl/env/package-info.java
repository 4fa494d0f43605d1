/**
 * Reinforcement-learning environments: Java ports of Gymnasium's classic-control tasks.
 *
 * <p>Start with {@link org.lipreg.rl.env.Environment} (the contract every task follows) and
 * {@link org.lipreg.rl.env.Environments#create(String)} (make one by its Gymnasium id, e.g.
 * {@code "Pendulum-v1"}). {@link org.lipreg.rl.env.VectorEnvironment} steps several seeded copies
 * at once and resets finished ones automatically.
 *
 * <p>The four tasks — {@link org.lipreg.rl.env.Pendulum}, {@link
 * org.lipreg.rl.env.MountainCarContinuous}, {@link org.lipreg.rl.env.CartPole} and {@link
 * org.lipreg.rl.env.Acrobot} — follow Gymnasium's source ({@code
 * gymnasium/envs/classic_control/*.py}): the same constants, integrators, rewards, termination
 * rules, time limits, observation layouts, action clipping and reset distributions. Two things
 * cannot match bit for bit:
 *
 * <ul>
 *   <li>random numbers: resets draw from a seeded {@link java.util.SplittableRandom}, not numpy's
 *       PCG64, so a seed gives the same <em>distribution</em> as Gymnasium, not the same numbers;
 *   <li>precision: observations are {@code double}s, where Gymnasium hands out {@code float32}
 *       arrays. Where Gymnasium's own state passes through {@code float32} and the dynamics continue
 *       from the rounded value (MountainCarContinuous after every step, Acrobot at reset), the
 *       ports round the same way, and follow numpy's type rules where they make an update
 *       {@code float32} (MountainCarContinuous with a clipped action). Actions are taken as {@code double}s; an agent feeding Gymnasium
 *       {@code float32} actions gets some products rounded to {@code float32} by numpy, a
 *       difference at that rounding level.
 * </ul>
 *
 * <p>Given the same state and the same ({@code float64}) actions, the ports reproduce trajectories
 * printed by Gymnasium's own source to the last bit, operation for operation in Gymnasium's order
 * (see {@code GymnasiumReferenceTest}, and {@code GymnasiumTrajectoryTest} for whole episodes
 * compared bit for bit).
 */
package org.lipreg.rl.env;
