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
 * <p>Details kept from Gymnasium's source: the action penalty uses the action <em>as given</em>,
 * before clipping (an action of 2 moves the car like 1 but costs 0.4), computed as {@code a² · 0.1}
 * in that order. The state is stored as {@code float32} after each step (the state drawn at reset
 * is {@code float64}, in Gymnasium and here), and numpy's type rules then decide the precision of
 * the next step: {@code 3 · position} is a {@code float32} product; a clipped action or a velocity
 * held at the speed limit is a plain Python float, which numpy adds to the {@code float32} state
 * in {@code float32} (and compares with the bounds and the goal in {@code float32}), while an
 * in-range {@code float64} action makes the update {@code float64}. This port follows each case,
 * so with the same {@code double} actions, inside or outside {@code [-1, 1]}, it reproduces
 * Gymnasium's states, rewards and terminations bit for bit wherever Java's {@code Math.cos} and
 * the C library's {@code cos} agree (on every step of the reference trajectories in the tests).
 * Not copied: Gymnasium's action space is {@code float32}, and a {@code float32} action (as a
 * policy might send it to Gymnasium) would make numpy compute the velocity in {@code float32}.
 * Truncated after 999 steps. Reset: position ~ U(−0.6, −0.4), velocity 0.
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

    /**
     * MountainCarContinuous-v0 with another time limit.
     *
     * @param maxEpisodeSteps the number of steps after which an episode is truncated
     */
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
        double a = action[0];
        // Gymnasium's min(max(a, -1.0), 1.0) returns the numpy float64 action when it is in range,
        // but the plain Python float bound when it clips. numpy (NEP 50) adds a Python float to a
        // float32 state in float32, a float64 in float64: so after the first step (state float32)
        // a clipped action updates the velocity in float32, and a velocity held at the speed limit
        // (another Python float) updates the position in float32. Each `f32` flag below says in
        // which precision numpy computes and compares that value.
        boolean actionClipped = a < MIN_ACTION || a > MAX_ACTION;
        double force = clip(a, MIN_ACTION, MAX_ACTION);
        // numpy multiplies a float32 position by 3 in float32: round the product as it does.
        double threePosition = float32State ? (float) (3 * position) : 3 * position;
        double change = force * POWER - 0.0025 * Math.cos(threePosition);

        boolean velocityF32 = float32State && actionClipped;
        double v = velocityF32 ? (float) (velocity + (float) change) : velocity + change;
        boolean velocityAtLimit = false;
        if (greater(v, MAX_SPEED, velocityF32)) {
            v = MAX_SPEED;
            velocityAtLimit = true;
        } else if (less(v, -MAX_SPEED, velocityF32)) {
            v = -MAX_SPEED;
            velocityAtLimit = true;
        }

        boolean positionF32 = float32State && (velocityF32 || velocityAtLimit);
        double x = positionF32 ? (float) (position + (float) v) : position + v;
        if (greater(x, MAX_POSITION, positionF32)) {
            x = MAX_POSITION;
            positionF32 = false;
        } else if (less(x, MIN_POSITION, positionF32)) {
            x = MIN_POSITION;
            positionF32 = false;
        }
        if (equal(x, MIN_POSITION, positionF32) && v < 0) {
            v = 0;
        }
        boolean terminated = atLeast(x, GOAL_POSITION, positionF32) && v >= GOAL_VELOCITY;
        // Gymnasium: reward -= math.pow(action[0], 2) * 0.1 — square first, then scale.
        double reward = (terminated ? 100.0 : 0.0) - a * a * 0.1;
        // Gymnasium keeps the state in a float32 array.
        position = (float) x;
        velocity = (float) v;
        float32State = true;
        return new Outcome(reward, terminated);
    }

    /** {@code p > q} as numpy compares them: in float32 when the value is a float32. */
    private static boolean greater(double p, double q, boolean f32) {
        return f32 ? (float) p > (float) q : p > q;
    }

    /** {@code p < q} as numpy compares them: in float32 when the value is a float32. */
    private static boolean less(double p, double q, boolean f32) {
        return f32 ? (float) p < (float) q : p < q;
    }

    /** {@code p >= q} as numpy compares them: in float32 when the value is a float32. */
    private static boolean atLeast(double p, double q, boolean f32) {
        return f32 ? (float) p >= (float) q : p >= q;
    }

    /** {@code p == q} as numpy compares them: in float32 when the value is a float32. */
    private static boolean equal(double p, double q, boolean f32) {
        return f32 ? (float) p == (float) q : p == q;
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
