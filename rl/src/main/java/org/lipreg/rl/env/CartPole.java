package org.lipreg.rl.env;

import java.util.SplittableRandom;

/**
 * Gymnasium's {@code CartPole-v1}: balance a pole on a cart by pushing the cart left or right.
 *
 * <p>State and observation {@code [x, ẋ, θ, θ̇]}. Two discrete actions, passed as {@code action[0]}:
 * 0 pushes left (force −10), 1 pushes right (+10). Constants: g = 9.8, cart mass 1.0, pole mass
 * 0.1, half pole length 0.5, τ = 0.02 s. One step computes the accelerations at the current state,
 *
 * <pre>
 *   temp = (F + m_p l θ̇² sin θ) / (m_c + m_p)
 *   θ̈    = (g sin θ − cos θ · temp) / (l (4/3 − m_p cos² θ / (m_c + m_p)))
 *   ẍ    = temp − m_p l θ̈ cos θ / (m_c + m_p)
 * </pre>
 *
 * then takes an explicit Euler step (Gymnasium's default {@code kinematics_integrator = "euler"}):
 * {@code x += τ ẋ; ẋ += τ ẍ; θ += τ θ̇; θ̇ += τ θ̈}, each from the old values. Every expression is
 * evaluated in Gymnasium's float64 order ({@code θ̇²} and {@code cos² θ} are squared before they are
 * multiplied), so the same actions give Gymnasium's states bit for bit, over a whole episode.
 *
 * <p>Terminated when {@code |x| > 2.4} or {@code |θ| > 12°} (= 12·2π/360 rad), strictly. Reward 1
 * on every step, the terminating one included. Truncated after 500 steps. Reset: all four ~ U(−0.05,
 * 0.05).
 */
public final class CartPole extends AbstractEnvironment {

    /** The Gymnasium id. */
    public static final String ID = "CartPole-v1";
    /** Gymnasium's time limit for this id. */
    public static final int MAX_EPISODE_STEPS = 500;

    static final double GRAVITY = 9.8;
    static final double MASS_CART = 1.0;
    static final double MASS_POLE = 0.1;
    static final double TOTAL_MASS = MASS_POLE + MASS_CART;
    static final double LENGTH = 0.5;
    static final double POLE_MASS_LENGTH = MASS_POLE * LENGTH;
    static final double FORCE_MAG = 10.0;
    static final double TAU = 0.02;
    static final double THETA_THRESHOLD_RADIANS = 12 * 2 * Math.PI / 360;
    static final double X_THRESHOLD = 2.4;

    private double x;
    private double xDot;
    private double theta;
    private double thetaDot;

    /** CartPole-v1 with Gymnasium's time limit of 500 steps. */
    public CartPole() {
        this(MAX_EPISODE_STEPS);
    }

    /**
     * CartPole-v1 with another time limit.
     *
     * @param maxEpisodeSteps the number of steps after which an episode is truncated
     */
    public CartPole(int maxEpisodeSteps) {
        super(ID, 4, new DiscreteActionSpace(2), maxEpisodeSteps);
    }

    @Override
    protected void sampleInitialState(SplittableRandom random) {
        x = random.nextDouble(-0.05, 0.05);
        xDot = random.nextDouble(-0.05, 0.05);
        theta = random.nextDouble(-0.05, 0.05);
        thetaDot = random.nextDouble(-0.05, 0.05);
    }

    @Override
    protected Outcome advance(double[] action) {
        double force = actionIndex(action) == 1 ? FORCE_MAG : -FORCE_MAG;
        double cos = Math.cos(theta);
        double sin = Math.sin(theta);
        // Gymnasium squares first (np.square(theta_dot), np.square(costheta)) and then multiplies:
        // keep its order, or rounding differs in the last bit and long episodes drift apart.
        double temp = (force + POLE_MASS_LENGTH * (thetaDot * thetaDot) * sin) / TOTAL_MASS;
        double thetaAcc =
                (GRAVITY * sin - cos * temp)
                        / (LENGTH * (4.0 / 3.0 - MASS_POLE * (cos * cos) / TOTAL_MASS));
        double xAcc = temp - POLE_MASS_LENGTH * thetaAcc * cos / TOTAL_MASS;

        x = x + TAU * xDot;
        xDot = xDot + TAU * xAcc;
        theta = theta + TAU * thetaDot;
        thetaDot = thetaDot + TAU * thetaAcc;

        boolean terminated =
                x < -X_THRESHOLD
                        || x > X_THRESHOLD
                        || theta < -THETA_THRESHOLD_RADIANS
                        || theta > THETA_THRESHOLD_RADIANS;
        return new Outcome(1.0, terminated);
    }

    @Override
    protected double[] observation() {
        return new double[] {x, xDot, theta, thetaDot};
    }

    /** For tests: sets {@code (x, ẋ, θ, θ̇)} and marks an episode as running. */
    void setState(double x, double xDot, double theta, double thetaDot) {
        this.x = x;
        this.xDot = xDot;
        this.theta = theta;
        this.thetaDot = thetaDot;
        markRunning();
    }
}
