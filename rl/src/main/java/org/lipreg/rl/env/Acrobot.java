package org.lipreg.rl.env;

import java.util.SplittableRandom;

/**
 * Gymnasium's {@code Acrobot-v1}: a two-link pendulum, actuated at the middle joint only, must
 * swing its tip above a line one link-length over the base.
 *
 * <p>State {@code s = (θ1, θ2, θ̇1, θ̇2)}: θ1 is the first link's angle from hanging straight down,
 * θ2 the second link's angle relative to the first. Observation {@code [cos θ1, sin θ1, cos θ2, sin
 * θ2, θ̇1, θ̇2]}. Three discrete actions, passed as {@code action[0]}: torque −1, 0, +1 on the middle
 * joint ({@code torque_noise_max = 0}: no noise).
 *
 * <p>Constants: both links of length 1 and mass 1, centres of mass at 0.5, moments of inertia 1,
 * g = 9.8, dt = 0.2. One step integrates the "book" dynamics (Sutton &amp; Barto; Gymnasium's default
 * {@code book_or_nips = "book"}) over dt with a single classical Runge–Kutta-4 step, holding the
 * torque constant; then wraps both angles into {@code [-π, π]} and bounds the velocities, {@code
 * |θ̇1| ≤ 4π}, {@code |θ̇2| ≤ 9π}. The dynamics, with d1, d2, φ1, φ2 as in {@link #derivatives}:
 *
 * <pre>
 *   θ̈2 = (τ + d2/d1 φ1 − m2 l1 lc2 θ̇1² sin θ2 − φ2) / (m2 lc2² + I2 − d2²/d1)
 *   θ̈1 = −(d2 θ̈2 + φ1) / d1
 * </pre>
 *
 * <p>Terminated when {@code −cos θ1 − cos(θ2 + θ1) > 1} after the step. Reward −1 per step, 0 on
 * the terminating step. Truncated after 500 steps. Reset: all four ~ U(−0.1, 0.1), rounded to
 * {@code float32} as Gymnasium does (its later states are {@code float64}).
 */
public final class Acrobot extends AbstractEnvironment {

    /** The Gymnasium id. */
    public static final String ID = "Acrobot-v1";
    /** Gymnasium's time limit for this id. */
    public static final int MAX_EPISODE_STEPS = 500;

    static final double DT = 0.2;
    static final double LINK_LENGTH_1 = 1.0;
    static final double LINK_MASS_1 = 1.0;
    static final double LINK_MASS_2 = 1.0;
    static final double LINK_COM_POS_1 = 0.5;
    static final double LINK_COM_POS_2 = 0.5;
    static final double LINK_MOI = 1.0;
    static final double GRAVITY = 9.8;
    static final double MAX_VEL_1 = 4 * Math.PI;
    static final double MAX_VEL_2 = 9 * Math.PI;
    static final double[] AVAILABLE_TORQUE = {-1.0, 0.0, +1.0};

    private final double[] s = new double[4];

    /** Acrobot-v1 with Gymnasium's time limit of 500 steps. */
    public Acrobot() {
        this(MAX_EPISODE_STEPS);
    }

    /**
     * Acrobot-v1 with another time limit.
     *
     * @param maxEpisodeSteps the number of steps after which an episode is truncated
     */
    public Acrobot(int maxEpisodeSteps) {
        super(ID, 6, new DiscreteActionSpace(3), maxEpisodeSteps);
    }

    @Override
    protected void sampleInitialState(SplittableRandom random) {
        for (int i = 0; i < 4; i++) {
            s[i] = (float) random.nextDouble(-0.1, 0.1);
        }
    }

    @Override
    protected Outcome advance(double[] action) {
        double torque = AVAILABLE_TORQUE[actionIndex(action)];
        double[] next = rk4Step(s, torque, DT);
        s[0] = wrap(next[0], -Math.PI, Math.PI);
        s[1] = wrap(next[1], -Math.PI, Math.PI);
        s[2] = clip(next[2], -MAX_VEL_1, MAX_VEL_1);
        s[3] = clip(next[3], -MAX_VEL_2, MAX_VEL_2);
        boolean terminated = -Math.cos(s[0]) - Math.cos(s[1] + s[0]) > 1.0;
        return new Outcome(terminated ? 0.0 : -1.0, terminated);
    }

    @Override
    protected double[] observation() {
        return new double[] {
            Math.cos(s[0]), Math.sin(s[0]), Math.cos(s[1]), Math.sin(s[1]), s[2], s[3]
        };
    }

    /** One classical RK4 step of length {@code dt} from {@code y} with a constant torque. */
    static double[] rk4Step(double[] y, double torque, double dt) {
        double half = dt / 2.0;
        double[] k1 = derivatives(y, torque);
        double[] k2 = derivatives(axpy(half, k1, y), torque);
        double[] k3 = derivatives(axpy(half, k2, y), torque);
        double[] k4 = derivatives(axpy(dt, k3, y), torque);
        double[] out = new double[4];
        for (int i = 0; i < 4; i++) {
            out[i] = y[i] + dt / 6.0 * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]);
        }
        return out;
    }

    /** {@code y + a·k}. */
    private static double[] axpy(double a, double[] k, double[] y) {
        double[] out = new double[4];
        for (int i = 0; i < 4; i++) {
            out[i] = y[i] + a * k[i];
        }
        return out;
    }

    /** The time derivative {@code (θ̇1, θ̇2, θ̈1, θ̈2)} of the book dynamics at {@code y}. */
    static double[] derivatives(double[] y, double torque) {
        double m1 = LINK_MASS_1;
        double m2 = LINK_MASS_2;
        double l1 = LINK_LENGTH_1;
        double lc1 = LINK_COM_POS_1;
        double lc2 = LINK_COM_POS_2;
        double i1 = LINK_MOI;
        double i2 = LINK_MOI;
        double g = GRAVITY;
        double theta1 = y[0];
        double theta2 = y[1];
        double dtheta1 = y[2];
        double dtheta2 = y[3];

        double d1 = m1 * lc1 * lc1 + m2 * (l1 * l1 + lc2 * lc2 + 2 * l1 * lc2 * Math.cos(theta2)) + i1 + i2;
        double d2 = m2 * (lc2 * lc2 + l1 * lc2 * Math.cos(theta2)) + i2;
        double phi2 = m2 * lc2 * g * Math.cos(theta1 + theta2 - Math.PI / 2.0);
        double phi1 =
                -m2 * l1 * lc2 * dtheta2 * dtheta2 * Math.sin(theta2)
                        - 2 * m2 * l1 * lc2 * dtheta2 * dtheta1 * Math.sin(theta2)
                        + (m1 * lc1 + m2 * l1) * g * Math.cos(theta1 - Math.PI / 2)
                        + phi2;
        double ddtheta2 =
                (torque + d2 / d1 * phi1 - m2 * l1 * lc2 * dtheta1 * dtheta1 * Math.sin(theta2) - phi2)
                        / (m2 * lc2 * lc2 + i2 - d2 * d2 / d1);
        double ddtheta1 = -(d2 * ddtheta2 + phi1) / d1;
        return new double[] {dtheta1, dtheta2, ddtheta1, ddtheta2};
    }

    /**
     * Brings an angle into {@code [low, high]} by adding or subtracting whole turns {@code high −
     * low} (Gymnasium's {@code wrap}; unlike clipping, it keeps the angle's meaning).
     */
    static double wrap(double x, double low, double high) {
        double diff = high - low;
        while (x > high) {
            x -= diff;
        }
        while (x < low) {
            x += diff;
        }
        return x;
    }

    /** For tests: sets {@code (θ1, θ2, θ̇1, θ̇2)} and marks an episode as running. */
    void setState(double theta1, double theta2, double dtheta1, double dtheta2) {
        s[0] = theta1;
        s[1] = theta2;
        s[2] = dtheta1;
        s[3] = dtheta2;
        markRunning();
    }

    /** For tests: {@code {θ1, θ2, θ̇1, θ̇2}}. */
    double[] state() {
        return s.clone();
    }
}
