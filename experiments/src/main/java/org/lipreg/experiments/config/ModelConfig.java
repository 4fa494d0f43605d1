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
    "groups", "bcnMode", "bcnMovingSpeed", "spectralNorm", "spectralNormTarget", "spectralNormIterations", "layers"})
public final class ModelConfig {

    /** The allowed values of {@link #preset}. */
    public static final List<String> PRESETS = List.of("cnn", "mlp", "custom");

    /** The allowed values of {@link #norm}. */
    public static final List<String> NORMS = List.of("none", "bn", "gn", "bcn");

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
     * {@code custom}: exactly {@link #layers}.
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
     * batch norm), {@code gn} (group norm) or {@code bcn} (batch-channel norm).
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
}
