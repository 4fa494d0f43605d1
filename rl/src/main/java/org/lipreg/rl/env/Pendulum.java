package org.lipreg.rl.env;

import java.util.SplittableRandom;

/**
 * Gymnasium's {@code Pendulum-v1}: swing a pendulum up and hold it upright.
 *
 * <p>State {@code (θ, θ̇)}, θ = 0 upright. Observation {@code [cos θ, sin θ, θ̇]}. Action: one
 * torque, clipped to {@code [-2, 2]}. One step (dt = 0.05, g = 10, m = l = 1), semi-implicit Euler:
 *
 * <pre>
 *   u      = clip(a, -2, 2)
 *   reward = -(normalize(θ)² + 0.1 θ̇² + 0.001 u²)        (θ, θ̇ before the step)
 *   θ̇'     = clip(θ̇ + (3g/(2l) sin θ + 3/(m l²) u) dt, -8, 8)
 *   θ'     = θ + θ̇' dt                                    (θ itself is never wrapped)
 * </pre>
 *
 * where {@code normalize(x) = ((x + π) mod 2π) − π} with a floored modulo (Python's {@code %}), in
 * {@code [-π, π)}. Never terminates; truncated after 200 steps. Reset: θ ~ U(−π, π), θ̇ ~ U(−1, 1),
 * drawn in that order.
 */
public final class Pendulum extends AbstractEnvironment {

    /** The Gymnasium id. */
    public static final String ID = "Pendulum-v1";
    /** Gymnasium's time limit for this id. */
    public static final int MAX_EPISODE_STEPS = 200;

    static final double MAX_SPEED = 8;
    static final double MAX_TORQUE = 2.0;
    static final double DT = 0.05;
    static final double G = 10.0;
    static final double M = 1.0;
    static final double L = 1.0;

    private double theta;
    private double thetaDot;

    /** Pendulum-v1 with Gymnasium's time limit of 200 steps. */
    public Pendulum() {
        this(MAX_EPISODE_STEPS);
    }

    /**
     * Pendulum-v1 with another time limit.
     *
     * @param maxEpisodeSteps the number of steps after which an episode is truncated
     */
    public Pendulum(int maxEpisodeSteps) {
        super(ID, 3, ContinuousActionSpace.uniform(1, -MAX_TORQUE, MAX_TORQUE), maxEpisodeSteps);
    }

    @Override
    protected void sampleInitialState(SplittableRandom random) {
        theta = random.nextDouble(-Math.PI, Math.PI);
        thetaDot = random.nextDouble(-1.0, 1.0);
    }

    @Override
    protected Outcome advance(double[] action) {
        double u = clip(action[0], -MAX_TORQUE, MAX_TORQUE);
        double norm = angleNormalize(theta);
        double cost = norm * norm + 0.1 * thetaDot * thetaDot + 0.001 * u * u;

        double newThetaDot =
                thetaDot + (3 * G / (2 * L) * Math.sin(theta) + 3.0 / (M * L * L) * u) * DT;
        newThetaDot = clip(newThetaDot, -MAX_SPEED, MAX_SPEED);
        theta = theta + newThetaDot * DT;
        thetaDot = newThetaDot;
        return new Outcome(-cost, false);
    }

    @Override
    protected double[] observation() {
        return new double[] {Math.cos(theta), Math.sin(theta), thetaDot};
    }

    /**
     * Maps an angle to {@code [-π, π)}: {@code ((x + π) mod 2π) − π} with the modulo taking the sign
     * of the divisor, as Python's {@code %} (Java's {@code %} would keep the sign of {@code x}).
     */
    static double angleNormalize(double x) {
        double twoPi = 2 * Math.PI;
        double r = (x + Math.PI) % twoPi;
        if (r < 0) {
            r += twoPi;
        }
        return r - Math.PI;
    }

    /** For tests: sets {@code (θ, θ̇)} and marks an episode as running. */
    void setState(double theta, double thetaDot) {
        this.theta = theta;
        this.thetaDot = thetaDot;
        markRunning();
    }

    /** For tests: {@code {θ, θ̇}}. */
    double[] state() {
        return new double[] {theta, thetaDot};
    }
}
