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
public final class ModelConfig {

    /** The allowed values of {@link #preset}. */
    public static final List<String> PRESETS = List.of("cnn", "mlp", "custom", "transformer");

    /** The allowed values of {@link #norm}. */
    public static final List<String> NORMS = List.of("none", "bn", "gn", "bcn", "ln", "pn", "pnv");

    /** The norms of the {@code transformer} preset. */
    public static final List<String> TRANSFORMER_NORMS = List.of("ln", "bn", "pn", "pnv");

    /** The allowed values of {@link #normPosition}. */
    public static final List<String> NORM_POSITIONS = List.of("pre", "post");

    /** The allowed values of {@link #activation}. */
    public static final List<String> ACTIVATIONS = List.of("relu", "maxmin", "groupsort");

    /** The allowed values of {@link #spectralNorm}. */
    public static final List<String> SPECTRAL_NORMS = List.of("none", "reshaped", "conv");

    /** The allowed values of {@link #bcnMode}. */
    public static final List<String> BCN_MODES = List.of("auto", "micro", "large");

    /** Batch sizes up to this use micro-batch BCN when {@link #bcnMode} is {@code auto}. */
    public static final int MICRO_BATCH_LIMIT = 8;

    /**
     * {@code cnn}: per entry of {@link #channels} a 3×3 conv (padding 1), the normalization,
     * ReLU and 2×2 max-pooling; then per entry of {@link #hidden} a linear layer with ReLU; then a
     * linear layer to the classes. {@code mlp}: flatten, the hidden layers, the classifier.
     * {@code custom}: exactly {@link #layers}. {@code transformer}: a causal transformer language
     * model for {@code data.type: text} ({@link #blocks} blocks of {@link #width}, {@link #heads},
     * {@link #ffWidth}, {@link #norm} one of {@code ln}, {@code bn}, {@code pn}, {@code pnv}).
     */
    public String preset = "cnn";

    /** Convolution widths of the {@code cnn} preset. */
    public List<Integer> channels = new ArrayList<>(List.of(16, 32));

    /** Hidden widths of the dense layers (both presets). */
    public List<Integer> hidden = new ArrayList<>(List.of(64));

    /**
     * The activation of both presets: {@code relu}, {@code maxmin} (sorted pairs of channels) or
     * {@code groupsort} (sorted groups of {@link #groupSize}); the latter two are 1-Lipschitz and
     * need channel and hidden widths divisible by their group size.
     */
    public String activation = "relu";

    /** Group size of {@code groupsort}. */
    public int groupSize = 4;

    /**
     * Normalization after each conv of the {@code cnn} preset: {@code none}, {@code bn} (DJL
     * batch norm), {@code gn} (group norm) or {@code bcn} (batch-channel norm). Of the {@code
     * transformer} preset (required there): {@code ln} (layer norm), {@code bn} (batch norm over all
     * tokens per channel), {@code pn} (PowerNorm) or {@code pnv} (PowerNorm with batch statistics only).
     */
    public String norm = "none";

    /** Weight-standardize the convolutions of the {@code cnn} preset. */
    public boolean weightStandardization = false;

    /** Groups of {@code gn} and {@code bcn}; must divide every entry of {@link #channels}. */
    public int groups = 8;

    /**
     * BCN's first step: {@code micro} (estimated statistics), {@code large} (batch norm), or
     * {@code auto}: micro when {@code data.batchSize} is at most 8.
     */
    public String bcnMode = "auto";

    /** Micro-batch BCN's final moving speed r (schedule {@code max(r, 1/t)}). */
    public double bcnMovingSpeed = 0.01;

    /**
     * Spectral normalization of every conv and linear layer: {@code none}, {@code reshaped}
     * (convolutions as reshaped matrices) or {@code conv} (their true operator norm).
     */
    public String spectralNorm = "none";

    /** The σ every spectrally normalized layer is scaled to. */
    public double spectralNormTarget = 1.0;

    /** Power iterations per step of spectral normalization (σ is under-estimated until they converge). */
    public int spectralNormIterations = 1;

    /** The layers of a {@code custom} model, in order; the last must produce one value per class. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public List<LayerSpec> layers;

    // ---- the transformer preset: null (left out of the resolved config) for other presets ----

    /** Transformer blocks (default 2). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public Integer blocks;

    /** Attention heads (default 4); must divide {@link #width}. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public Integer heads;

    /** Model width, also the embedding size (default 128). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public Integer width;

    /** Feed-forward hidden width (default 4 × width). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public Integer ffWidth;

    /** {@code pre} (default) or {@code post}: normalize before each branch or after each residual sum. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public String normPosition;

    /** Dropout on embeddings, attention weights, branch outputs and the feed-forward layer (default 0.1). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public Double dropout;

    /** Tokens per training and test window, the context length (default 35). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public Integer sequenceLength;

    /** PowerNorm's group-scaling groups (default 1); must divide {@link #width}. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public Integer pnGroups;

    /** PowerNorm's warm-up: steps that normalize with batch statistics (default 1000). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public Integer pnWarmup;

    /**
     * Fills the transformer keys left out with their defaults, when the preset is {@code
     * transformer} (so the resolved config names them all); other presets are left as they are.
     */
    public void resolveDefaults() {
        if (!"transformer".equals(preset)) {
            return;
        }
        blocks = blocks == null ? 2 : blocks;
        heads = heads == null ? 4 : heads;
        width = width == null ? 128 : width;
        ffWidth = ffWidth == null ? 4 * width : ffWidth;
        normPosition = normPosition == null ? "pre" : normPosition;
        dropout = dropout == null ? 0.1 : dropout;
        sequenceLength = sequenceLength == null ? 35 : sequenceLength;
        pnGroups = pnGroups == null ? 1 : pnGroups;
        pnWarmup = pnWarmup == null ? 1000 : pnWarmup;
    }
}
