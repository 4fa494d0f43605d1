package org.lipreg.experiments.config;

import org.lipreg.training.regularizer.AdversarialSmoothnessPenalty;

/** An adversarial regularizer's {@code divergence}: how it compares the outputs. */
public enum Divergence implements Choice {
    /** Squared difference. */
    SQUARED("squared", "‖f(x + δ) − f(x)‖²", AdversarialSmoothnessPenalty.Divergence.SQUARED),
    /** KL of the softmax outputs. */
    KL("kl", "KL(softmax f(x) ‖ softmax f(x + δ))", AdversarialSmoothnessPenalty.Divergence.KL);

    private final String id;
    private final String meaning;
    private final AdversarialSmoothnessPenalty.Divergence divergence;

    Divergence(String id, String meaning, AdversarialSmoothnessPenalty.Divergence divergence) {
        this.id = id;
        this.meaning = meaning;
        this.divergence = divergence;
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
     * Returns the penalty's divergence.
     *
     * @return the divergence
     */
    public AdversarialSmoothnessPenalty.Divergence divergence() {
        return divergence;
    }
}
