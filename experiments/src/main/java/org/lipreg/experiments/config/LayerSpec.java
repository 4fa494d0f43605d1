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
    @JsonSubTypes.Type(value = LayerSpec.GroupSort.class, name = "groupsort"),
    @JsonSubTypes.Type(value = LayerSpec.Householder.class, name = "householder")
})
public abstract class LayerSpec {

    /** The allowed {@code type} values. */
    public static final java.util.List<String> TYPES = ConfigRegistry.typeNames(LayerSpec.class);

    /** A 2-d convolution. */
    @Section(value = "a 2-d convolution", usedBy = "ModelFactory → DJL Conv2d, normalization.ws")
    public static final class Conv extends LayerSpec {
        /** Output channels. */
        @Key(value = "output channels (required)", usedBy = "ModelFactory", min = 1)
        public int channels;
        /** Square kernel size. */
        @Key(value = "square kernel size", usedBy = "ModelFactory", min = 1)
        public int kernel = 3;
        /** Stride. */
        @Key(value = "stride", usedBy = "ModelFactory", min = 1)
        public int stride = 1;
        /** Zero padding on each side. */
        @Key(value = "zero padding on each side", usedBy = "ModelFactory", min = 0)
        public int padding = 0;
        /** Weight-standardize the filters. */
        @Key(value = "weight-standardize the filters", usedBy = "ModelFactory → normalization.ws")
        public boolean weightStandardization = false;
    }

    /** Group normalization with per-channel affine. */
    @Section(value = "group normalization with per-channel affine", usedBy = "ModelFactory → normalization.groupnorm")
    public static final class GroupNorm extends LayerSpec {
        /** Number of groups; must divide the channels. */
        @Key(value = "groups; must divide the channels", usedBy = "normalization.groupnorm", min = 1)
        public int groups = 8;
    }

    /** Batch-channel normalization. */
    @Section(value = "batch-channel normalization", usedBy = "ModelFactory → normalization.groupnorm")
    public static final class BatchChannelNorm extends LayerSpec {
        /** Number of groups of its group-norm step; must divide the channels. */
        @Key(value = "groups of its group-norm step; must divide the channels", usedBy = "normalization.groupnorm", min = 1)
        public int groups = 8;
        /** {@code micro}, {@code large} or {@code auto} (micro at batch size 8 or less). */
        @Key(value = "its first step", usedBy = "normalization.groupnorm", choices = BcnMode.class)
        public String mode = "auto";
        /** Final moving speed of the micro-batch estimates. */
        @Key(value = "final moving speed of the micro-batch estimates", usedBy = "normalization.groupnorm", min = 0, minExclusive = true, max = 1)
        public double movingSpeed = 0.01;
    }

    /** A fully connected layer on the last axis; put a flatten before it after convolutions. */
    @Section(value = "a fully connected layer on the last axis (put a flatten before it after convolutions)", usedBy = "ModelFactory → DJL Linear")
    public static final class Linear extends LayerSpec {
        /** Output units. */
        @Key(value = "output units (required)", usedBy = "ModelFactory", min = 1)
        public int units;
    }

    /** ReLU. */
    @Section(value = "ReLU", usedBy = "ModelFactory → DJL")
    public static final class Relu extends LayerSpec {}

    /** MaxMin: each pair of channels sorted (1-Lipschitz, gradient-norm preserving). */
    @Section(value = "MaxMin: each pair of channels sorted", usedBy = "ModelFactory → normalization.activation")
    public static final class MaxMin extends LayerSpec {}

    /** GroupSort: each group of channels sorted. */
    @Section(value = "GroupSort: each group of channels sorted", usedBy = "ModelFactory → normalization.activation")
    public static final class GroupSort extends LayerSpec {
        /** Channels per group, at least 2. */
        @Key(value = "channels per group", usedBy = "normalization.activation", min = 2)
        public int groupSize = 4;
    }

    /** Householder activation: each pair of channels kept or reflected by a learnable unit vector. */
    @Section(value = "Householder activation: each pair of channels kept or reflected (learnable angle)",
            usedBy = "ModelFactory → normalization.activation")
    public static final class Householder extends LayerSpec {}

    /** Max pooling. */
    @Section(value = "max pooling", usedBy = "ModelFactory → DJL")
    public static final class MaxPool extends LayerSpec {
        /** Square window size. */
        @Key(value = "square window size", usedBy = "ModelFactory", min = 1)
        public int kernel = 2;
        /** Stride (0: equal to the kernel). */
        @Key(value = "stride (0: equal to the kernel)", usedBy = "ModelFactory", min = 0)
        public int stride = 0;
    }

    /** Average pooling. */
    @Section(value = "average pooling", usedBy = "ModelFactory → DJL")
    public static final class AvgPool extends LayerSpec {
        /** Square window size. */
        @Key(value = "square window size", usedBy = "ModelFactory", min = 1)
        public int kernel = 2;
        /** Stride (0: equal to the kernel). */
        @Key(value = "stride (0: equal to the kernel)", usedBy = "ModelFactory", min = 0)
        public int stride = 0;
    }

    /** Flattens all but the batch axis. */
    @Section(value = "flattens all but the batch axis", usedBy = "ModelFactory → DJL")
    public static final class Flatten extends LayerSpec {}

    /** DJL batch normalization over channels. */
    @Section(value = "DJL batch normalization over channels", usedBy = "ModelFactory → DJL")
    public static final class BatchNorm extends LayerSpec {}

    /** Dropout. */
    @Section(value = "dropout", usedBy = "ModelFactory → DJL")
    public static final class Dropout extends LayerSpec {
        /** Probability of dropping a unit, in [0, 1). */
        @Key(value = "probability of dropping a unit", usedBy = "ModelFactory", min = 0, max = 1, maxExclusive = true)
        public double rate = 0.5;
    }
}
