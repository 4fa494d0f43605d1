package org.lipreg.experiments.config;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * One layer of a {@code custom} model, selected by its {@code type} key, e.g. {@code {type:
 * conv, channels: 16, kernel: 3, padding: 1}}.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = LayerSpec.Conv.class, name = "conv"),
    @JsonSubTypes.Type(value = LayerSpec.Linear.class, name = "linear"),
    @JsonSubTypes.Type(value = LayerSpec.Relu.class, name = "relu"),
    @JsonSubTypes.Type(value = LayerSpec.MaxPool.class, name = "maxpool"),
    @JsonSubTypes.Type(value = LayerSpec.AvgPool.class, name = "avgpool"),
    @JsonSubTypes.Type(value = LayerSpec.Flatten.class, name = "flatten"),
    @JsonSubTypes.Type(value = LayerSpec.BatchNorm.class, name = "batchnorm"),
    @JsonSubTypes.Type(value = LayerSpec.Dropout.class, name = "dropout"),
    @JsonSubTypes.Type(value = LayerSpec.GroupNorm.class, name = "groupnorm"),
    @JsonSubTypes.Type(value = LayerSpec.BatchChannelNorm.class, name = "bcn"),
    @JsonSubTypes.Type(value = LayerSpec.MaxMin.class, name = "maxmin"),
    @JsonSubTypes.Type(value = LayerSpec.GroupSort.class, name = "groupsort")
})
public abstract class LayerSpec {

    /** The allowed {@code type} values. */
    public static final java.util.List<String> TYPES =
            java.util.List.of(
                    "conv", "linear", "relu", "maxpool", "avgpool", "flatten", "batchnorm", "dropout", "groupnorm",
                    "bcn", "maxmin", "groupsort");

    /** A 2-d convolution. */
    public static final class Conv extends LayerSpec {
        /** Output channels. */
        public int channels;
        /** Square kernel size. */
        public int kernel = 3;
        /** Stride. */
        public int stride = 1;
        /** Zero padding on each side. */
        public int padding = 0;
        /** Weight-standardize the filters. */
        public boolean weightStandardization = false;
    }

    /** Group normalization with per-channel affine. */
    public static final class GroupNorm extends LayerSpec {
        /** Number of groups; must divide the channels. */
        public int groups = 8;
    }

    /** Batch-channel normalization. */
    public static final class BatchChannelNorm extends LayerSpec {
        /** Number of groups of its group-norm step; must divide the channels. */
        public int groups = 8;
        /** {@code micro}, {@code large} or {@code auto} (micro at batch size 8 or less). */
        public String mode = "auto";
        /** Final moving speed of the micro-batch estimates. */
        public double movingSpeed = 0.01;
    }

    /** A fully connected layer on the last axis; put a flatten before it after convolutions. */
    public static final class Linear extends LayerSpec {
        /** Output units. */
        public int units;
    }

    /** ReLU. */
    public static final class Relu extends LayerSpec {}

    /** MaxMin: each pair of channels sorted (1-Lipschitz, gradient-norm preserving). */
    public static final class MaxMin extends LayerSpec {}

    /** GroupSort: each group of channels sorted. */
    public static final class GroupSort extends LayerSpec {
        /** Channels per group, at least 2. */
        public int groupSize = 4;
    }

    /** Max pooling. */
    public static final class MaxPool extends LayerSpec {
        /** Square window size. */
        public int kernel = 2;
        /** Stride (0: equal to the kernel). */
        public int stride = 0;
    }

    /** Average pooling. */
    public static final class AvgPool extends LayerSpec {
        /** Square window size. */
        public int kernel = 2;
        /** Stride (0: equal to the kernel). */
        public int stride = 0;
    }

    /** Flattens all but the batch axis. */
    public static final class Flatten extends LayerSpec {}

    /** DJL batch normalization over channels. */
    public static final class BatchNorm extends LayerSpec {}

    /** Dropout. */
    public static final class Dropout extends LayerSpec {
        /** Probability of dropping a unit, in [0, 1). */
        public double rate = 0.5;
    }
}
