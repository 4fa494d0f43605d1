package org.lipreg.rl.env;

import java.util.SplittableRandom;

/**
 * Gymnasium's {@code MountainCarContinuous-v0}: drive an underpowered car out of a valley to the
 * flag on the right hill.
 *
 * <p>State and observation {@code [position, velocity]}. Action: one force, clipped to {@code [-1,
 * 1]}. One step:
 *
 * <pre>
 *   force    = clip(a, -1, 1)
 *   velocity = clip(velocity + 0.0015 force − 0.0025 cos(3 position), -0.07, 0.07)
 *   position = clip(position + velocity, -1.2, 0.6)
 *   if position == -1.2 and velocity &lt; 0: velocity = 0        (inelastic left wall)
 *   terminated = position ≥ 0.45 and velocity ≥ 0             (goal_velocity = 0)
 *   reward     = (terminated ? 100 : 0) − 0.1 a²
 * </pre>
 *
 * <p>Two details kept from Gymnasium's source: the action penalty uses the action <em>as given</em>,
 * before clipping (an action of 2 moves the car like 1 but costs 0.4), and the state is stored as
 * {@code float32} after each step, so the next step starts from the rounded values, and numpy
 * then computes {@code 3 · position} in {@code float32} too (this port rounds the same way; the
 * state drawn at reset is {@code float64} in Gymnasium and here). With the same {@code double}
 * actions this reproduces Gymnasium's trajectories to the last bit of {@code cos}. Truncated after 999 steps. Reset: position ~ U(−0.6, −0.4), velocity 0.
 */
public final class MountainCarContinuous extends AbstractEnvironment {

    /** The Gymnasium id. */
    public static final String ID = "MountainCarContinuous-v0";
    /** Gymnasium's time limit for this id. */
    public static final int MAX_EPISODE_STEPS = 999;

    static final double MIN_ACTION = -1.0;
    static final double MAX_ACTION = 1.0;
    static final double MIN_POSITION = -1.2;
    static final double MAX_POSITION = 0.6;
    static final double MAX_SPEED = 0.07;
    static final double GOAL_POSITION = 0.45;
    static final double GOAL_VELOCITY = 0;
    static final double POWER = 0.0015;

    private double position;
    private double velocity;
    /** Whether the state came out of a step, so is held in float32 as Gymnasium holds it. */
    private boolean float32State;

    /** MountainCarContinuous-v0 with Gymnasium's time limit of 999 steps. */
    public MountainCarContinuous() {
        this(MAX_EPISODE_STEPS);
    }

    /** MountainCarContinuous-v0 with another time limit. */
    public MountainCarContinuous(int maxEpisodeSteps) {
        super(ID, 2, ContinuousActionSpace.uniform(1, MIN_ACTION, MAX_ACTION), maxEpisodeSteps);
    }

    @Override
    protected void sampleInitialState(SplittableRandom random) {
        position = random.nextDouble(-0.6, -0.4);
        velocity = 0;
        float32State = false;
    }

    @Override
    protected Outcome advance(double[] action) {
        double force = clip(action[0], MIN_ACTION, MAX_ACTION);
        // numpy multiplies a float32 position by 3 in float32: round the product as it does.
        double threePosition = float32State ? (float) (3 * position) : 3 * position;
        double v = velocity + force * POWER - 0.0025 * Math.cos(threePosition);
        v = clip(v, -MAX_SPEED, MAX_SPEED);
        double x = clip(position + v, MIN_POSITION, MAX_POSITION);
        if (x == MIN_POSITION && v < 0) {
            v = 0;
        }
        boolean terminated = x >= GOAL_POSITION && v >= GOAL_VELOCITY;
        double reward = (terminated ? 100.0 : 0.0) - 0.1 * action[0] * action[0];
        // Gymnasium keeps the state in a float32 array.
        position = (float) x;
        velocity = (float) v;
        float32State = true;
        return new Outcome(reward, terminated);
    }

    @Override
    protected double[] observation() {
        return new double[] {position, velocity};
    }

    /** For tests: sets {@code (position, velocity)} and marks an episode as running. */
    void setState(double position, double velocity) {
        this.position = position;
        this.velocity = velocity;
        this.float32State = false;
        markRunning();
    }
}
