package org.lipreg.rl.env;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Makes environments by their Gymnasium id, like {@code gymnasium.make(id)}: each comes with
 * Gymnasium's time limit for that id.
 *
 * <pre>{@code
 * Environment env = Environments.create("Pendulum-v1");
 * double[] obs = env.reset(42);
 * }</pre>
 */
public final class Environments {

    private static final Map<String, Supplier<Environment>> REGISTRY = new LinkedHashMap<>();

    static {
        REGISTRY.put(Pendulum.ID, Pendulum::new);
        REGISTRY.put(MountainCarContinuous.ID, MountainCarContinuous::new);
        REGISTRY.put(CartPole.ID, CartPole::new);
        REGISTRY.put(Acrobot.ID, Acrobot::new);
    }

    private Environments() {}

    /**
     * A new, not yet reset environment for a Gymnasium id (case-sensitive, e.g. {@code
     * "CartPole-v1"}).
     *
     * @param id the Gymnasium id
     * @return the environment
     * @throws IllegalArgumentException for an unknown id; the message lists the known ones
     */
    public static Environment create(String id) {
        Supplier<Environment> factory = REGISTRY.get(id);
        if (factory == null) {
            throw new IllegalArgumentException(
                    "Unknown environment id '" + id + "'; known ids: " + String.join(", ", ids()));
        }
        return factory.get();
    }

    /**
     * The known ids, in registration order.
     *
     * @return the ids
     */
    public static List<String> ids() {
        return List.copyOf(REGISTRY.keySet());
    }
}
