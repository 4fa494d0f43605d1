package org.lipreg.training.regularizer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;

import org.lipreg.normalization.engine.Scalars;
import org.lipreg.normalization.hook.StepContext;
import org.lipreg.training.ascent.ProjectedAscent;

import java.util.Objects;

/**
 * The adversarial smoothness penalty (a local Lipschitz regularizer, DESIGN §3.3):
 * {@code λ · E_x max_{‖δ‖ ≤ ε} D(f(x + δ), f(x))}, with δ found by K steps of projected gradient
 * ascent from a uniform random start ({@link ProjectedAscent}), and D the squared output difference (summed over outputs,
 * averaged over the batch) or, for classifiers, {@code KL(softmax f(x) ‖ softmax f(x + δ))}.
 *
 * <p>Only one gradient collector may be open at a time, and the runner holds one while it
 * computes the loss; so the ascent runs in {@link #beforeForward}, on the step's inputs, with
 * the model in inference mode (no batch-statistics updates, no dropout). Its backward passes
 * also reach the parameters, so their gradients are zeroed afterwards: the training gradient
 * stays exactly what it would be without the ascent. The penalty is then computed in {@link
 * #auxiliaryLoss} in training mode with δ fixed: it is differentiated with respect to the weights
 * only (no double backpropagation).
 */
public final class AdversarialSmoothnessPenalty implements Regularizer {

    /** The ball δ lives in. */
    public enum Norm {
        /** ‖δ‖∞ ≤ ε; ascent steps {@code a·sign(g)}. */
        LINF,
        /** ‖δ‖₂ ≤ ε per example; ascent steps {@code a·g/‖g‖₂}. */
        L2
    }

    /** How the output change is measured. */
    public enum Divergence {
        /** {@code ‖f(x + δ) − f(x)‖²}, averaged over the batch. */
        SQUARED,
        /** {@code KL(softmax f(x) ‖ softmax f(x + δ))}, averaged over the batch. */
        KL
    }

    private final Block model;
    private final float lambda;
    private final ProjectedAscent ascent;
    private final Divergence divergence;
    private NDArray delta;

    private AdversarialSmoothnessPenalty(Builder b) {
        model = Objects.requireNonNull(b.model, "model");
        lambda = b.lambda;
        float stepSize = Float.isNaN(b.stepSize) ? 2.5f * b.epsilon / b.steps : b.stepSize;
        ascent = ProjectedAscent.builder()
                .optNorm(b.norm == Norm.LINF ? ProjectedAscent.Norm.LINF : ProjectedAscent.Norm.L2)
                .optEpsilon(b.epsilon).optSteps(b.steps).optStepSize(stepSize).build();
        divergence = b.divergence;
    }

    /**
     * Creates a builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String name() {
        return "adversarial-smoothness";
    }

    @Override
    public void beforeForward(StepContext step) {
        if (step.inputs().isEmpty()) {
            throw new IllegalStateException("the adversarial penalty needs the step's inputs in its StepContext");
        }
        delta = perturbation(step.inputs().head(), step.manager());
    }

    /**
     * Finds the perturbation by projected gradient ascent (inference mode); leaves the model's
     * parameter gradients zero.
     *
     * @param x the inputs
     * @param owner the manager of the returned δ
     * @return δ, in the ball
     */
    public NDArray perturbation(NDArray x, NDManager owner) {
        ParameterStore store = new ParameterStore(owner, false);
        NDArray result;
        try (NDScope scope = new NDScope()) {
            NDArray clean = x.stopGradient();
            NDArray reference = model.forward(store, new NDList(clean), false).head().stopGradient();
            result = ascent.ascend(clean, owner,
                    point -> divergence(reference, model.forward(store, new NDList(point), false).head()));
            NDScope.unregister(result);
            scope.suppressNotUsedWarning();
        }
        result.attach(owner);
        zeroParameterGradients();
        return result;
    }

    /** The perturbation found at this step's {@link #beforeForward}, or null (for tests). */
    NDArray pendingPerturbation() {
        return delta;
    }

    @Override
    public NDArray auxiliaryLoss(StepContext step) {
        if (delta == null || lambda == 0) {
            return null;
        }
        NDArray x = step.inputs().head().stopGradient();
        ParameterStore store = new ParameterStore(step.manager(), false);
        NDArray clean = model.forward(store, new NDList(x), true).head();
        NDArray perturbed = model.forward(store, new NDList(x.add(delta)), true).head();
        NDArray penalty = Scalars.mul(divergence(clean, perturbed), lambda);
        delta = null;
        return penalty;
    }

    private NDArray divergence(NDArray reference, NDArray out) {
        long batch = out.getShape().get(0);
        if (divergence == Divergence.SQUARED) {
            return Scalars.div(out.sub(reference).square().sum(), batch);
        }
        NDArray p = reference.logSoftmax(-1);
        NDArray q = out.logSoftmax(-1);
        return Scalars.div(p.exp().mul(p.sub(q)).sum(), batch);
    }

    private void zeroParameterGradients() {
        for (Pair<String, Parameter> p : model.getParameters()) {
            NDArray array = p.getValue().getArray();
            if (p.getValue().requiresGradient() && array.hasGradient()) {
                try (NDArray grad = array.getGradient()) {
                    grad.subi(grad);
                }
            }
        }
    }

    /** Builds an {@link AdversarialSmoothnessPenalty}. */
    public static final class Builder {
        private Block model;
        private float epsilon = 0.1f;
        private float lambda = 1f;
        private int steps = 5;
        private float stepSize = Float.NaN;
        private Norm norm = Norm.LINF;
        private Divergence divergence = Divergence.SQUARED;

        Builder() {}

        /**
         * Sets the model whose smoothness is penalized.
         *
         * @param model the root block
         * @return this builder
         */
        public Builder setModel(Block model) {
            this.model = model;
            return this;
        }

        /**
         * Sets the radius ε of the ball (default 0.1).
         *
         * @param epsilon positive
         * @return this builder
         */
        public Builder optEpsilon(float epsilon) {
            if (!(epsilon > 0) || !Float.isFinite(epsilon)) {
                throw new IllegalArgumentException("epsilon must be a positive number, got " + epsilon);
            }
            this.epsilon = epsilon;
            return this;
        }

        /**
         * Sets λ (default 1).
         *
         * @param lambda at least 0
         * @return this builder
         */
        public Builder optLambda(float lambda) {
            if (!(lambda >= 0) || !Float.isFinite(lambda)) {
                throw new IllegalArgumentException("lambda must be a finite number at least 0, got " + lambda);
            }
            this.lambda = lambda;
            return this;
        }

        /**
         * Sets the number of ascent steps K (default 5).
         *
         * @param steps at least 1
         * @return this builder
         */
        public Builder optSteps(int steps) {
            if (steps < 1) {
                throw new IllegalArgumentException("steps must be at least 1, got " + steps);
            }
            this.steps = steps;
            return this;
        }

        /**
         * Sets the ascent step size a (default 2.5·ε/K).
         *
         * @param stepSize positive
         * @return this builder
         */
        public Builder optStepSize(float stepSize) {
            if (!(stepSize > 0) || !Float.isFinite(stepSize)) {
                throw new IllegalArgumentException("stepSize must be a positive number, got " + stepSize);
            }
            this.stepSize = stepSize;
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
         * Sets how the output change is measured (default squared difference).
         *
         * @param divergence the divergence
         * @return this builder
         */
        public Builder optDivergence(Divergence divergence) {
            this.divergence = Objects.requireNonNull(divergence, "divergence");
            return this;
        }

        /**
         * Builds the penalty.
         *
         * @return the penalty
         */
        public AdversarialSmoothnessPenalty build() {
            return new AdversarialSmoothnessPenalty(this);
        }
    }
}
