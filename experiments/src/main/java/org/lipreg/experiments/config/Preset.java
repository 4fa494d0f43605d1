package org.lipreg.experiments.config;

/** {@code model.preset}: how the network is described ({@code ModelFactory} expands each). */
public enum Preset implements Choice {
    /** Convolutions, then dense layers. */
    CNN("cnn", "per model.channels entry a 3x3 conv (padding 1), model.norm, model.activation, 2x2 max-pool; then model.hidden; then the classifier"),
    /** Dense layers. */
    MLP("mlp", "flatten, a dense layer with model.activation per model.hidden entry, the classifier"),
    /** An explicit layer list. */
    CUSTOM("custom", "exactly model.layers"),
    /** The transformer language model. */
    TRANSFORMER("transformer", "a causal transformer language model for data.type text (model.blocks, model.width, ...)");

    private final String id;
    private final String meaning;

    Preset(String id, String meaning) {
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
