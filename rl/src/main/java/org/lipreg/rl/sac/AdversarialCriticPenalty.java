package org.lipreg.rl.sac;

/**
 * The critic's robust loss under adversarial state perturbations (a local Lipschitz regularizer,
 * DESIGN §3.3 applied to Q): {@code λ Σ_i mean (Q_i(s + δ, a) − Q_i(s, a))²} with
 * {@code ‖δ‖∞ ≤ ε} found by K steps of projected sign-gradient ascent on the first critic's
 * change from a uniform random start, step size 2.5ε/K. Only states are perturbed: the claim is
 * about the value function's smoothness in the state.
 *
 * @param epsilon the ℓ∞ radius ε of δ, in observation units
 * @param lambda the penalty weight λ
 * @param steps the ascent steps K
 */
public record AdversarialCriticPenalty(double epsilon, double lambda, int steps) {

    /**
     * Checks the values.
     *
     * @param epsilon the ℓ∞ radius ε of δ, in observation units
     * @param lambda the penalty weight λ
     * @param steps the ascent steps K
     */
    public AdversarialCriticPenalty {
        if (!(epsilon > 0) || !(lambda >= 0) || steps < 1) {
            throw new IllegalArgumentException("need epsilon > 0, lambda >= 0 and steps >= 1");
        }
    }

    /**
     * Returns the ascent step size.
     *
     * @return 2.5ε/K
     */
    public double stepSize() {
        return 2.5 * epsilon / steps;
    }
}
