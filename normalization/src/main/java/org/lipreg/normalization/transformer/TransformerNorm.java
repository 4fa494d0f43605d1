package org.lipreg.normalization.transformer;

import ai.djl.nn.Block;
import ai.djl.nn.norm.LayerNorm;

import org.lipreg.normalization.powernorm.PowerNorm;

import java.util.Locale;

/**
 * The normalization a {@link TransformerBlock} (and the final norm of a {@link
 * CausalLanguageModel}) uses on its {@code (B, T, C)} activations.
 *
 * <p>Causality: {@link #LN} is per token, so a causal model stays causal in training and
 * inference. {@link #BN} and {@link #PN} pool statistics over all B·T tokens of the batch in
 * training (later tokens of a window influence the statistics, as in the PowerNorm paper) but use
 * running statistics in inference, where the model is strictly causal. {@link #PNV} uses batch
 * statistics in inference too: its outputs at position t depend on later tokens of the batch
 * through one per-channel quadratic mean over all B·T tokens.
 */
public enum TransformerNorm {
    /** DJL {@code LayerNorm} over the channel axis of each token. */
    LN,
    /** DJL {@code BatchNorm} over all B·T tokens, per channel ({@link TokenBatchNorm}). */
    BN,
    /** {@link PowerNorm}, variant {@link PowerNorm.Variant#POWER}. */
    PN,
    /** {@link PowerNorm}, variant {@link PowerNorm.Variant#VANILLA} (PN-V). */
    PNV;

    /**
     * Parses a config name: {@code ln}, {@code bn}, {@code pn} or {@code pnv} (any case).
     *
     * @param name the name
     * @return the norm
     * @throws IllegalArgumentException naming the allowed values
     */
    public static TransformerNorm parse(String name) {
        for (TransformerNorm n : values()) {
            if (n.configName().equalsIgnoreCase(name)) {
                return n;
            }
        }
        throw new IllegalArgumentException("unknown transformer norm '" + name + "'; use ln, bn, pn or pnv");
    }

    /**
     * Returns the config name, e.g. {@code pnv}.
     *
     * @return the lower-case name
     */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Creates a fresh normalization block for {@code (B, T, C)} inputs.
     *
     * @param groups PowerNorm's group-scaling groups (ignored by LN and BN)
     * @param powerWarmup PowerNorm's warm-up steps K (ignored by the others)
     * @return the block
     */
    public Block create(int groups, long powerWarmup) {
        return switch (this) {
            case LN -> LayerNorm.builder().axis(2).build();
            case BN -> new TokenBatchNorm();
            case PN -> PowerNorm.builder().optVariant(PowerNorm.Variant.POWER).optGroups(groups)
                    .optWarmup(powerWarmup).build();
            case PNV -> PowerNorm.builder().optVariant(PowerNorm.Variant.VANILLA).optGroups(groups).build();
        };
    }
}
