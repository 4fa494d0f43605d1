package org.lipreg.experiments.config;

/**
 * {@code model.norm}: the normalization after each conv of the {@code cnn} preset, or in each
 * block of the {@code transformer} preset. Each constant owns its name, meaning, which presets
 * take it and the layer it adds to a {@code cnn}.
 */
public enum Norm implements Choice {

    /** No normalization. */
    NONE("none", "no normalization (cnn)", false, true) {
        @Override
        public LayerSpec layer(ModelConfig model) {
            return null;
        }
    },

    /** DJL batch norm. */
    BN("bn", "batch norm: DJL's over channels (cnn); over all tokens per channel (transformer)", true, true) {
        @Override
        public LayerSpec layer(ModelConfig model) {
            return new LayerSpec.BatchNorm();
        }
    },

    /** Group norm. */
    GN("gn", "group norm with model.groups groups (cnn)", false, true) {
        @Override
        public LayerSpec layer(ModelConfig model) {
            LayerSpec.GroupNorm gn = new LayerSpec.GroupNorm();
            gn.groups = model.groups;
            return gn;
        }
    },

    /** Batch-channel norm. */
    BCN("bcn", "batch-channel norm: model.groups, model.bcnMode, model.bcnMovingSpeed (cnn)", false, true) {
        @Override
        public LayerSpec layer(ModelConfig model) {
            LayerSpec.BatchChannelNorm bcn = new LayerSpec.BatchChannelNorm();
            bcn.groups = model.groups;
            bcn.mode = model.bcnMode;
            bcn.movingSpeed = model.bcnMovingSpeed;
            return bcn;
        }
    },

    /** Layer norm. */
    LN("ln", "layer norm (transformer)", true, false),

    /** PowerNorm. */
    PN("pn", "PowerNorm: model.pnGroups, model.pnWarmup (transformer)", true, false),

    /** PowerNorm with batch statistics only. */
    PNV("pnv", "PowerNorm with batch statistics only, PN-V (transformer)", true, false);

    private final String id;
    private final String meaning;
    private final boolean transformer;
    private final boolean cnn;

    Norm(String id, String meaning, boolean transformer, boolean cnn) {
        this.id = id;
        this.meaning = meaning;
        this.transformer = transformer;
        this.cnn = cnn;
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
     * Returns whether the {@code transformer} preset takes this norm.
     *
     * @return true for ln, bn, pn, pnv
     */
    public boolean transformer() {
        return transformer;
    }

    /**
     * Returns whether the {@code cnn} and {@code mlp} presets take this norm.
     *
     * @return true for none, bn, gn, bcn
     */
    public boolean cnn() {
        return cnn;
    }

    /**
     * Returns the layer the {@code cnn} preset adds after each conv.
     *
     * @param model the model config
     * @return the layer, or null for none
     * @throws IllegalStateException for a transformer-only norm (validation refuses it)
     */
    public LayerSpec layer(ModelConfig model) {
        throw new IllegalStateException(id + " is a transformer norm");
    }
}
