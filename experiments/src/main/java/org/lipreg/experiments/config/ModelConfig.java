package org.lipreg.experiments.config;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import java.util.ArrayList;
import java.util.List;

/**
 * The network: a preset ({@code cnn}, {@code mlp}) shaped by a few widths, or {@code custom}
 * with an explicit layer list.
 */
@JsonPropertyOrder({"preset", "channels", "hidden", "activation", "groupSize", "norm", "weightStandardization",
    "groups", "bcnMode", "bcnMovingSpeed", "spectralNorm", "spectralNormTarget", "spectralNormIterations", "layers",
    "blocks", "heads", "width", "ffWidth", "normPosition", "dropout", "sequenceLength", "pnGroups", "pnWarmup"})
@Section("the network: a preset shaped by a few widths, or custom with an explicit layer list")
public final class ModelConfig {

    /**
     * {@code cnn}: per entry of {@link #channels} a 3×3 conv (padding 1), the normalization,
     * ReLU and 2×2 max-pooling; then per entry of {@link #hidden} a linear layer with ReLU; then a
     * linear layer to the classes. {@code mlp}: flatten, the hidden layers, the classifier.
     * {@code custom}: exactly {@link #layers}. {@code transformer}: a causal transformer language
     * model for {@code data.type: text} ({@link #blocks} blocks of {@link #width}, {@link #heads},
     * {@link #ffWidth}, {@link #norm} one of {@code ln}, {@code bn}, {@code pn}, {@code pnv}).
     */
    @Key(value = "how the network is described", usedBy = "ModelFactory", choices = Preset.class)
    public String preset = "cnn";

    /** Convolution widths of the {@code cnn} preset. */
    @Key(value = "cnn: convolution widths", usedBy = "ModelFactory", min = 1)
    public List<Integer> channels = new ArrayList<>(List.of(16, 32));

    /** Hidden widths of the dense layers (both presets). */
    @Key(value = "cnn, mlp: widths of the dense layers before the classifier", usedBy = "ModelFactory", min = 1)
    public List<Integer> hidden = new ArrayList<>(List.of(64));

    /**
     * The activation of both presets: {@code relu}, {@code maxmin} (sorted pairs of channels) or
     * {@code groupsort} (sorted groups of {@link #groupSize}); the latter two are 1-Lipschitz and
     * need channel and hidden widths divisible by their group size.
     */
    @Key(value = "the activation of the cnn and mlp presets", usedBy = "ModelFactory → normalization.activation", choices = Activation.class)
    public String activation = "relu";

    /** Group size of {@code groupsort}. */
    @Key(value = "groupsort: channels per sorted group", usedBy = "Activation.GROUPSORT", min = 2)
    public int groupSize = 4;

    /**
     * Normalization after each conv of the {@code cnn} preset: {@code none}, {@code bn} (DJL
     * batch norm), {@code gn} (group norm) or {@code bcn} (batch-channel norm). Of the {@code
     * transformer} preset (required there): {@code ln} (layer norm), {@code bn} (batch norm over all
     * tokens per channel), {@code pn} (PowerNorm) or {@code pnv} (PowerNorm with batch statistics only).
     */
    @Key(value = "normalization after each conv (cnn) or in each block (transformer, required there)", usedBy = "ModelFactory → normalization", choices = Norm.class)
    public String norm = "none";

    /** Weight-standardize the convolutions of the {@code cnn} preset. */
    @Key(value = "cnn: weight-standardize the convolutions", usedBy = "ModelFactory → normalization.ws")
    public boolean weightStandardization = false;

    /** Groups of {@code gn} and {@code bcn}; must divide every entry of {@link #channels}. */
    @Key(value = "gn, bcn: groups; must divide every entry of channels", usedBy = "Norm.GN, Norm.BCN → normalization.groupnorm", min = 1)
    public int groups = 8;

    /**
     * BCN's first step: {@code micro} (estimated statistics), {@code large} (batch norm), or
     * {@code auto}: micro when {@code data.batchSize} is at most 8.
     */
    @Key(value = "bcn: its first step", usedBy = "Norm.BCN → normalization.groupnorm", choices = BcnMode.class)
    public String bcnMode = "auto";

    /** Micro-batch BCN's final moving speed r (schedule {@code max(r, 1/t)}). */
    @Key(value = "bcn micro: the final moving speed r of the estimates (schedule max(r, 1/t))", usedBy = "Norm.BCN → normalization.groupnorm", min = 0, minExclusive = true, max = 1)
    public double bcnMovingSpeed = 0.01;

    /**
     * Spectral normalization of every conv and linear layer: {@code none}, {@code reshaped}
     * (convolutions as reshaped matrices) or {@code conv} (their true operator norm).
     */
    @Key(value = "spectral normalization of every conv and linear layer", usedBy = "ModelFactory → training.regularizer", choices = Operator.class)
    public String spectralNorm = "none";

    /** The σ every spectrally normalized layer is scaled to. */
    @Key(value = "the σ every spectrally normalized layer is scaled to", usedBy = "ModelFactory → training.regularizer", min = 0, minExclusive = true)
    public double spectralNormTarget = 1.0;

    /** Power iterations per step of spectral normalization (σ is under-estimated until they converge). */
    @Key(value = "power iterations per step of spectral normalization", usedBy = "ModelFactory → training.regularizer", min = 1)
    public int spectralNormIterations = 1;

    /** The layers of a {@code custom} model, in order; the last must produce one value per class. */
    @Key(value = "custom: the layers in order; the last gives one value per class", usedBy = "ModelFactory", optional = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public List<LayerSpec> layers;

    // ---- the transformer preset: null (left out of the resolved config) for other presets ----

    /** Transformer blocks. */
    @Key(value = "transformer: blocks", usedBy = "ModelFactory → normalization.transformer", min = 1, optional = true, whenUnset = "2")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public Integer blocks;

    /** Attention heads; must divide {@link #width}. */
    @Key(value = "transformer: attention heads; must divide width", usedBy = "ModelFactory → normalization.transformer", min = 1, optional = true, whenUnset = "4")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public Integer heads;

    /** Model width, also the embedding size. */
    @Key(value = "transformer: model width, also the embedding size", usedBy = "ModelFactory → normalization.transformer", min = 1, optional = true, whenUnset = "128")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public Integer width;

    /** Feed-forward hidden width. */
    @Key(value = "transformer: feed-forward hidden width (unset: 4 × width)", usedBy = "ModelFactory → normalization.transformer", min = 1, optional = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public Integer ffWidth;

    /** {@code pre} (default) or {@code post}: normalize before each branch or after each residual sum. */
    @Key(value = "transformer: where a block normalizes", usedBy = "ModelFactory → normalization.transformer", choices = NormPosition.class, optional = true, whenUnset = "pre")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public String normPosition;

    /** Dropout on embeddings, attention weights, branch outputs and the feed-forward layer. */
    @Key(value = "transformer: dropout on embeddings, attention weights, branch outputs and the feed-forward layer", usedBy = "ModelFactory → normalization.transformer", min = 0, max = 1, maxExclusive = true, optional = true, whenUnset = "0.1")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public Double dropout;

    /** Tokens per training and test window, the context length. */
    @Key(value = "transformer: tokens per training and test window, the context length", usedBy = "TokenWindows", min = 1, optional = true, whenUnset = "35")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public Integer sequenceLength;

    /** PowerNorm's group-scaling groups; must divide {@link #width}. */
    @Key(value = "pn, pnv: PowerNorm's group-scaling groups; must divide width", usedBy = "ModelFactory → normalization.powernorm", min = 1, optional = true, whenUnset = "1")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public Integer pnGroups;

    /** PowerNorm's warm-up: steps that normalize with batch statistics. */
    @Key(value = "pn: steps that normalize with batch statistics", usedBy = "ModelFactory → normalization.powernorm", min = 0, optional = true, whenUnset = "1000")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public Integer pnWarmup;

    /**
     * Fills the transformer keys left out with their defaults ({@link Key#whenUnset}; the
     * feed-forward width 4 × width), when the preset is {@code transformer} (so the resolved config
     * names them all); other presets are left as they are.
     */
    public void resolveDefaults() {
        if (!"transformer".equals(preset)) {
            return;
        }
        ConfigRegistry.fillUnset(this);
        ffWidth = ffWidth == null ? 4 * width : ffWidth;
    }
}
