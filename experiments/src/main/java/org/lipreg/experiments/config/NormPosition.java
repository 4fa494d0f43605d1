package org.lipreg.experiments.config;

/** {@code model.normPosition}: where a transformer block normalizes. */
public enum NormPosition implements Choice {
    /** Pre-norm. */
    PRE("pre", "normalize before each branch"),
    /** Post-norm. */
    POST("post", "normalize after each residual sum");

    private final String id;
    private final String meaning;

    NormPosition(String id, String meaning) {
        this.id = id;
        this.meaning = meaning;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String meaning() {
        return meaning;
    }
}
