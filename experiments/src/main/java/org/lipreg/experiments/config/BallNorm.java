package org.lipreg.experiments.config;

import org.lipreg.training.regularizer.AdversarialSmoothnessPenalty;

/** An adversarial regularizer's {@code norm}: the ball its ascent searches. */
public enum BallNorm implements Choice {
    /** The ℓ∞ ball. */
    LINF("linf", "‖δ‖∞ ≤ ε, sign steps", AdversarialSmoothnessPenalty.Norm.LINF),
    /** The ℓ2 ball. */
    L2("l2", "‖δ‖₂ ≤ ε per example, normalized gradient steps", AdversarialSmoothnessPenalty.Norm.L2);

    private final String id;
    private final String meaning;
    private final AdversarialSmoothnessPenalty.Norm norm;

    BallNorm(String id, String meaning, AdversarialSmoothnessPenalty.Norm norm) {
        this.id = id;
        this.meaning = meaning;
        this.norm = norm;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String meaning() {
        return meaning;
    }

    /**
     * Returns the penalty's norm.
     *
     * @return the norm
     */
    public AdversarialSmoothnessPenalty.Norm norm() {
        return norm;
    }
}
