package org.lipreg.rl.model;

/**
 * Whether a predicted transition ends the episode, for model rollouts; the environment's own
 * rule applied to the predicted next observation (a learned model is not asked to predict it).
 */
@FunctionalInterface
public interface Termination {

    /**
     * Decides one transition.
     *
     * @param nextObservation the predicted next observation
     * @param offset where it starts in the array
     * @return true when it is terminal
     */
    boolean terminal(float[] nextObservation, int offset);

    /**
     * Returns the rule of a Gymnasium task with continuous actions.
     *
     * @param environment the id
     * @return the rule
     */
    static Termination of(String environment) {
        return switch (environment) {
            case "Pendulum-v1" -> (s, i) -> false;
            // Gymnasium: position >= 0.45 and velocity >= 0 (observation = [position, velocity]).
            case "MountainCarContinuous-v0" -> (s, i) -> s[i] >= 0.45f && s[i + 1] >= 0f;
            default -> throw new IllegalArgumentException("no model termination rule for " + environment
                    + " (Pendulum-v1, MountainCarContinuous-v0)");
        };
    }
}
