package org.lipreg.training.ascent;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;

import org.lipreg.normalization.engine.Scalars;

import java.util.Objects;

/**
 * Projected gradient ascent of an objective over an offset δ around a center x (DESIGN §3.3,
 * §4.5): from δ₀ (uniform in the ε-box, or zero), K times {@code δ ← P(δ + a·s(∇_δ f(x + δ)))},
 * where s is {@code sign(g)} for ℓ∞ and {@code g/(‖g‖₂ + floor)} per example for ℓ2, and P
 * projects onto the ball ‖δ‖ ≤ ε (per example) and then, if set, onto a box around the point.
 *
 * <p>Each step runs in its own {@link NDScope}: only the new δ survives it. The objective's
 * backward passes also reach the model's parameters; callers zero those gradients.
 *
 * <pre>{@code
 * ProjectedAscent ascent = ProjectedAscent.builder().optNorm(Norm.LINF).optEpsilon(0.1).optSteps(5).build();
 * NDArray delta = ascent.ascend(x, manager, point -> loss(model.forward(point)));
 * }</pre>
 */
public final class ProjectedAscent {

    /** The ball δ lives in. */
    public enum Norm {
        /** ‖δ‖∞ ≤ ε; steps {@code a·sign(g)}. */
        LINF,
        /** ‖δ‖₂ ≤ ε per example (first axis); steps {@code a·g/(‖g‖₂ + floor)} per example. */
        L2
    }

    /** The scalar to maximize. */
    @FunctionalInterface
    public interface Objective {
        /**
         * Evaluates the objective; it is differentiated with respect to the point.
         *
         * @param point x + δ (in the objective's type)
         * @return a scalar
         */
        NDArray at(NDArray point);
    }

    /** Sees each evaluated iterate and may end the ascent there. */
    @FunctionalInterface
    public interface Observer {
        /**
         * Called once per evaluated iterate, before the step from it.
         *
         * @param step the number of steps taken so far (0 … K)
         * @param point x + δ (in δ's type)
         * @param value the objective there
         * @param gradient its gradient with respect to δ (in δ's type)
         * @return true to stop at this iterate
         */
        boolean stopAt(int step, NDArray point, NDArray value, NDArray gradient);
    }

    private final Norm norm;
    private final double epsilon;
    private final int steps;
    private final double stepSize;
    private final boolean randomStart;
    private final double normFloor;
    private final double[] lower;
    private final double[] upper;
    private final DataType objectiveType;

    private ProjectedAscent(Builder b) {
        norm = b.norm;
        epsilon = b.epsilon;
        steps = b.steps;
        stepSize = Double.isNaN(b.stepSize) ? 2.5 * b.epsilon / b.steps : b.stepSize;
        randomStart = b.randomStart;
        normFloor = b.normFloor;
        lower = b.lower;
        upper = b.upper;
        objectiveType = b.objectiveType;
    }

    /**
     * Creates a builder (ℓ∞, ε 0.1, 5 steps, step size 2.5ε/K, random start, floor 1e-12).
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Runs the ascent.
     *
     * @param center x, first axis the batch
     * @param owner the manager of the random start and of the returned δ
     * @param objective the scalar to maximize
     * @return δ, shaped and typed like x
     */
    public NDArray ascend(NDArray center, NDManager owner, Objective objective) {
        return ascend(center, owner, objective, null);
    }

    /**
     * Runs the ascent, showing each iterate to an observer. With an observer the last iterate is
     * evaluated too (K + 1 evaluations); without one it is not (nothing would see it).
     *
     * @param center x, first axis the batch
     * @param owner the manager of the random start and of the returned δ
     * @param objective the scalar to maximize
     * @param observer sees each iterate and may stop the ascent, or null
     * @return δ at the last iterate, shaped and typed like x
     */
    public NDArray ascend(NDArray center, NDManager owner, Objective objective, Observer observer) {
        NDArray d = randomStart
                ? owner.randomUniform((float) -epsilon, (float) epsilon, center.getShape(), center.getDataType())
                : owner.zeros(center.getShape(), center.getDataType());
        try (NDArray low = box(owner, center, lower); NDArray high = box(owner, center, upper)) {
            if (randomStart) {
                NDArray start = d;
                d = replace(d, scoped(() -> project(start, center, low, high)));
            }
            for (int k = 0; k < steps || observer != null; k++) {
                NDArray current = d;
                int step = k;
                NDArray next = scoped(() -> {
                    // ∇_δ f(x + δ) = ∇_p f(p) at p = x + δ: the point itself is the leaf, in the
                    // objective's type (e.g. float32 for a model, while δ stays float64).
                    NDArray exact = center.add(current);
                    NDArray point = objectiveType == null ? exact : exact.toType(objectiveType, false);
                    point.setRequiresGradient(true);
                    NDArray value;
                    try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                        value = objective.at(point);
                        collector.backward(value);
                    }
                    NDArray g = point.getGradient().toType(current.getDataType(), false);
                    if ((observer != null && observer.stopAt(step, exact, value, g)) || step == steps) {
                        return null;
                    }
                    NDArray direction = norm == Norm.LINF ? g.sign() : g.div(perExampleNorm(g).add(normFloor));
                    return project(current.add(Scalars.mul(direction, stepSize)), center, low, high);
                });
                if (next == null) {
                    break;
                }
                d = replace(d, next);
            }
        }
        return d;
    }

    /** Runs a step in its own scope; only its result survives (in its array's manager). */
    private static NDArray scoped(java.util.function.Supplier<NDArray> body) {
        try (NDScope scope = new NDScope()) {
            NDArray result = body.get();
            if (result != null) {
                NDScope.unregister(result);
            }
            scope.suppressNotUsedWarning();
            return result;
        }
    }

    private static NDArray replace(NDArray old, NDArray next) {
        if (next != old) {
            old.close();
        }
        return next;
    }

    /** Onto the ball, then onto the box (a box that holds x never moves a point away from x). */
    private NDArray project(NDArray d, NDArray center, NDArray low, NDArray high) {
        NDArray inBall;
        if (norm == Norm.LINF) {
            inBall = d.clip(-epsilon, epsilon);
        } else if (Double.isInfinite(epsilon)) {
            inBall = d;
        } else {
            NDArray n = perExampleNorm(d);
            inBall = d.mul(Scalars.rdiv(epsilon, Scalars.maximum(n, epsilon)));
        }
        if (low == null) {
            return inBall;
        }
        return inBall.add(center).maximum(low).minimum(high).sub(center); // stays in δ's manager
    }

    /** A per-feature bound as an array that broadcasts over the batch, or null. */
    private static NDArray box(NDManager owner, NDArray center, double[] bound) {
        if (bound == null) {
            return null;
        }
        try (NDArray exact = owner.create(bound, center.getShape().slice(1))) {
            return exact.toType(center.getDataType(), true);
        }
    }

    /** ‖·‖₂ of each example, shaped to broadcast over it. */
    private static NDArray perExampleNorm(NDArray d) {
        long batch = d.getShape().get(0);
        long[] shape = new long[d.getShape().dimension()];
        java.util.Arrays.fill(shape, 1);
        shape[0] = batch;
        return d.reshape(batch, -1).square().sum(new int[] {1}).sqrt().reshape(shape);
    }

    /** Builds a {@link ProjectedAscent}. */
    public static final class Builder {
        private Norm norm = Norm.LINF;
        private double epsilon = 0.1;
        private int steps = 5;
        private double stepSize = Double.NaN;
        private boolean randomStart = true;
        private double normFloor = 1e-12;
        private double[] lower;
        private double[] upper;
        private DataType objectiveType;

        Builder() {}

        /**
         * Evaluates the objective at points of this type (default: the center's), while δ keeps
         * the center's type: a float64 iterate for a float32 model.
         *
         * @param objectiveType the type of the points the objective sees
         * @return this builder
         */
        public Builder optObjectiveType(DataType objectiveType) {
            this.objectiveType = objectiveType;
            return this;
        }

        /**
         * Sets the ball (default ℓ∞).
         *
         * @param norm the norm
         * @return this builder
         */
        public Builder optNorm(Norm norm) {
            this.norm = Objects.requireNonNull(norm, "norm");
            return this;
        }

        /**
         * Sets the radius ε (default 0.1; infinite for no ball, ℓ2 without a random start only).
         *
         * @param epsilon at least 0
         * @return this builder
         */
        public Builder optEpsilon(double epsilon) {
            if (!(epsilon >= 0)) {
                throw new IllegalArgumentException("epsilon must be at least 0, got " + epsilon);
            }
            this.epsilon = epsilon;
            return this;
        }

        /**
         * Sets the number of steps K (default 5).
         *
         * @param steps at least 0
         * @return this builder
         */
        public Builder optSteps(int steps) {
            if (steps < 0) {
                throw new IllegalArgumentException("steps must be at least 0, got " + steps);
            }
            this.steps = steps;
            return this;
        }

        /**
         * Sets the step size a (default 2.5ε/K).
         *
         * @param stepSize positive
         * @return this builder
         */
        public Builder optStepSize(double stepSize) {
            if (!(stepSize > 0) || !Double.isFinite(stepSize)) {
                throw new IllegalArgumentException("stepSize must be a positive number, got " + stepSize);
            }
            this.stepSize = stepSize;
            return this;
        }

        /**
         * Starts from δ uniform in the ε-box, projected (default), or from δ = 0.
         *
         * @param randomStart whether to start at random
         * @return this builder
         */
        public Builder optRandomStart(boolean randomStart) {
            this.randomStart = randomStart;
            return this;
        }

        /**
         * Sets the floor added to ‖g‖₂ in an ℓ2 step (default 1e-12; 0 when the caller stops at a
         * zero gradient itself).
         *
         * @param normFloor at least 0
         * @return this builder
         */
        public Builder optNormFloor(double normFloor) {
            if (!(normFloor >= 0) || !Double.isFinite(normFloor)) {
                throw new IllegalArgumentException("normFloor must be a finite number at least 0, got " + normFloor);
            }
            this.normFloor = normFloor;
            return this;
        }

        /**
         * Keeps each point x + δ in a per-feature box (applied after the ball; default none).
         *
         * @param lower one example's lower bounds, flat
         * @param upper one example's upper bounds, flat
         * @return this builder
         */
        public Builder optBox(double[] lower, double[] upper) {
            if ((lower == null) != (upper == null) || (lower != null && lower.length != upper.length)) {
                throw new IllegalArgumentException("the box needs lower and upper bounds of the same length");
            }
            this.lower = lower == null ? null : lower.clone();
            this.upper = upper == null ? null : upper.clone();
            return this;
        }

        /**
         * Builds the ascent.
         *
         * @return the ascent
         */
        public ProjectedAscent build() {
            if (randomStart && Double.isInfinite(epsilon)) {
                throw new IllegalArgumentException("a random start needs a finite epsilon");
            }
            if (Double.isInfinite(epsilon) && norm == Norm.LINF) {
                throw new IllegalArgumentException("an infinite epsilon needs the L2 norm");
            }
            return new ProjectedAscent(this);
        }
    }
}
