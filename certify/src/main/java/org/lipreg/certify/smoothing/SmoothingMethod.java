package org.lipreg.certify.smoothing;

import java.util.Locale;

/** How a smoothed classifier's certificate is computed. */
public enum SmoothingMethod {

    /** Votes and a Clopper–Pearson bound (Cohen, Rosenfeld &amp; Kolter 2019). */
    COHEN,

    /** Averaged simplex maps and empirical-Bernstein bounds (Delattre et al., LVM-RS). */
    SOFT;

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses a name, ignoring case.
     *
     * @param name "cohen" or "soft"
     * @return the method
     */
    public static SmoothingMethod parse(String name) {
        for (SmoothingMethod m : values()) {
            if (m.name().equalsIgnoreCase(name.trim())) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown smoothing method '" + name + "' (cohen, soft)");
    }
}
