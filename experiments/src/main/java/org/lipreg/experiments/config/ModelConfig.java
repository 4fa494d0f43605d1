package org.lipreg.experiments.config;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import java.util.ArrayList;
import java.util.List;

/**
 * The network: a preset ({@code cnn}, {@code mlp}) shaped by a few widths, or {@code custom}
 * with an explicit layer list.
 */
@JsonPropertyOrder({"preset", "channels", "hidden", "norm", "layers"})
public final class ModelConfig {

    /** The allowed values of {@link #preset}. */
    public static final List<String> PRESETS = List.of("cnn", "mlp", "custom");

    /** The allowed values of {@link #norm}. */
    public static final List<String> NORMS = List.of("none", "bn");

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

    /** Normalization after each conv of the {@code cnn} preset: {@code none} or {@code bn}. */
    public String norm = "none";

    /** The layers of a {@code custom} model, in order; the last must produce one value per class. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public List<LayerSpec> layers;
}
