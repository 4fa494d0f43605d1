package org.lipreg.certify.lipschitz;

/** The bound methods, from loosest to tightest (and cheapest to dearest). */
public enum Method {
    /** The product of per-layer ℓ∞ operator norms: global, ignores the box. */
    NAIVE,
    /** Interval forward bounds, interval arithmetic through the gradient graph. */
    IBP,
    /** CROWN forward bounds; linear gradient bounds with constant intervals where h crosses 0. */
    RECURJAC,
    /** CROWN forward bounds; linear gradient bounds with chord relaxations (Shi et al. 2022). */
    CROWN,
    /**
     * CROWN with every forward bound's lower slopes optimized by gradient steps (α-CROWN, Xu
     * et al. 2021); the same linear gradient bounds.
     */
    ALPHA_CROWN,
    /** CROWN refined by branch-and-bound on unstable forward activations. */
    BAB;

    /**
     * Parses a method name, case-insensitively.
     *
     * @param name e.g. {@code crown}
     * @return the method
     * @throws IllegalArgumentException naming the allowed values
     */
    public static Method parse(String name) {
        String wanted = name.trim().replace('-', '_');
        for (Method m : values()) {
            if (m.name().equalsIgnoreCase(wanted)) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown method '" + name
                + "' (allowed: naive, ibp, recurjac, crown, alpha_crown, bab)");
    }

    @Override
    public String toString() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
