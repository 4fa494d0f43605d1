package org.lipreg.experiments.model;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.pooling.Pool;

import org.lipreg.experiments.config.BcnMode;
import org.lipreg.experiments.config.Choice;
import org.lipreg.experiments.config.ConfigException;
import org.lipreg.experiments.config.LayerSpec;
import org.lipreg.experiments.config.ModelConfig;
import org.lipreg.experiments.config.Norm;
import org.lipreg.experiments.config.Operator;
import org.lipreg.normalization.activation.GroupSort;
import org.lipreg.normalization.groupnorm.BatchChannelNorm;
import org.lipreg.normalization.groupnorm.GroupNorm;
import org.lipreg.normalization.transformer.CausalLanguageModel;
import org.lipreg.normalization.transformer.TransformerNorm;
import org.lipreg.normalization.ws.WeightStandardizedConv2d;
import org.lipreg.training.regularizer.SpectrallyNormalized;

import java.util.ArrayList;
import java.util.List;

/** Builds a DJL block from a {@link ModelConfig}: presets expand to a layer list first. */
public final class ModelFactory {

    private ModelFactory() {}

    /**
     * Expands a config into its layer list (the custom list as is, or a preset's layers).
     *
     * @param config the model config
     * @param numClasses the number of outputs of the last layer
     * @return the layers, in order
     */
    public static List<LayerSpec> layers(ModelConfig config, int numClasses) {
        if ("custom".equals(config.preset)) {
            return config.layers;
        }
        List<LayerSpec> layers = new ArrayList<>();
        if ("cnn".equals(config.preset)) {
            for (int channels : config.channels) {
                LayerSpec.Conv conv = new LayerSpec.Conv();
                conv.channels = channels;
                conv.kernel = 3;
                conv.padding = 1;
                conv.weightStandardization = config.weightStandardization;
                layers.add(conv);
                LayerSpec norm = Choice.of(Norm.class, config.norm).layer(config);
                if (norm != null) {
                    layers.add(norm);
                }
                layers.add(activation(config));
                layers.add(new LayerSpec.MaxPool());
            }
        }
        layers.add(new LayerSpec.Flatten());
        for (int units : config.hidden) {
            layers.add(linear(units));
            layers.add(activation(config));
        }
        layers.add(linear(numClasses));
        return layers;
    }

    /**
     * Builds the block and checks that it maps one example to one score per class.
     *
     * @param config the model config
     * @param exampleShape the shape of one example, e.g. (1, 28, 28)
     * @param numClasses the number of classes
     * @param batchSize the training batch size (BCN's {@code auto} mode depends on it)
     * @return an uninitialized block
     * @throws ConfigException naming {@code model.layers} if the output shape is wrong
     */
    public static Block build(ModelConfig config, Shape exampleShape, int numClasses, int batchSize)
            throws ConfigException {
        SequentialBlock block = new SequentialBlock();
        for (LayerSpec layer : layers(config, numClasses)) {
            block.add(spectral(toBlock(layer, batchSize), config));
        }
        Shape input = new Shape(1).addAll(exampleShape);
        Shape output;
        try (NDManager manager = NDManager.newBaseManager()) {
            // A throwaway copy: shape inference needs initialization, the real block stays fresh.
            SequentialBlock probe = new SequentialBlock();
            for (LayerSpec layer : layers(config, numClasses)) {
                probe.add(spectral(toBlock(layer, batchSize), config));
            }
            probe.initialize(manager, DataType.FLOAT32, input);
            output = probe.getOutputShapes(new Shape[] {input})[0];
        } catch (IllegalArgumentException | IllegalStateException | ai.djl.engine.EngineException e) {
            throw new ConfigException("model: the layers do not fit an input of shape " + input + ": " + e.getMessage());
        }
        if (!output.equals(new Shape(1, numClasses))) {
            throw new ConfigException("model.layers: the model maps an input " + input + " to " + output
                    + "; it must give (1, " + numClasses + "), one score per class "
                    + "(end with flatten and a linear layer of " + numClasses + " units)");
        }
        return block;
    }

    /**
     * Builds the {@code transformer} preset: a causal language model over a vocabulary.
     *
     * @param config the model config (preset transformer, defaults resolved, validated)
     * @param vocabularySize V
     * @return an uninitialized block mapping ids (B, T) to logits (B, T, V)
     */
    public static CausalLanguageModel languageModel(ModelConfig config, int vocabularySize) {
        return CausalLanguageModel.builder()
                .setVocabularySize(vocabularySize)
                .setLayers(config.blocks)
                .setWidth(config.width)
                .setHeads(config.heads)
                .setFeedForwardWidth(config.ffWidth)
                .optDropout(config.dropout.floatValue())
                .optNorm(TransformerNorm.parse(config.norm))
                .optPreNorm("pre".equals(config.normPosition))
                .optNormGroups(config.pnGroups)
                .optPowerWarmup(config.pnWarmup)
                .build();
    }

    /** Wraps Linear and Conv2d blocks in spectral normalization when the config asks for it. */
    private static Block spectral(Block block, ModelConfig config) {
        if ("none".equals(config.spectralNorm) || !(block instanceof Linear || block instanceof Conv2d)) {
            return block;
        }
        return SpectrallyNormalized.builder()
                .setLayer(block)
                .optOperatorModel(Choice.of(Operator.class, config.spectralNorm).model())
                .optTarget((float) config.spectralNormTarget)
                .optIterations(config.spectralNormIterations)
                .build();
    }

    private static LayerSpec activation(ModelConfig config) {
        return Choice.of(org.lipreg.experiments.config.Activation.class, config.activation).layer(config);
    }

    private static LayerSpec.Linear linear(int units) {
        LayerSpec.Linear linear = new LayerSpec.Linear();
        linear.units = units;
        return linear;
    }

    private static Block toBlock(LayerSpec layer, int batchSize) {
        if (layer instanceof LayerSpec.Conv c && c.weightStandardization) {
            return WeightStandardizedConv2d.builder()
                    .setFilters(c.channels)
                    .setKernelShape(new Shape(c.kernel, c.kernel))
                    .optStride(new Shape(c.stride, c.stride))
                    .optPadding(new Shape(c.padding, c.padding))
                    .build();
        }
        if (layer instanceof LayerSpec.MaxMin) {
            return GroupSort.maxMin();
        }
        if (layer instanceof LayerSpec.GroupSort g) {
            return GroupSort.of(g.groupSize);
        }
        if (layer instanceof LayerSpec.Householder) {
            return new org.lipreg.normalization.activation.HouseholderActivation();
        }
        if (layer instanceof LayerSpec.GroupNorm g) {
            return GroupNorm.builder().optGroups(g.groups).build();
        }
        if (layer instanceof LayerSpec.BatchChannelNorm b) {
            return BatchChannelNorm.builder()
                    .optGroups(b.groups)
                    .optMode(Choice.of(BcnMode.class, b.mode).resolve(batchSize))
                    .optMovingSpeed((float) b.movingSpeed)
                    .build();
        }
        if (layer instanceof LayerSpec.Conv c) {
            return Conv2d.builder()
                    .setFilters(c.channels)
                    .setKernelShape(new Shape(c.kernel, c.kernel))
                    .optStride(new Shape(c.stride, c.stride))
                    .optPadding(new Shape(c.padding, c.padding))
                    .build();
        }
        if (layer instanceof LayerSpec.Linear l) {
            return Linear.builder().setUnits(l.units).build();
        }
        if (layer instanceof LayerSpec.Relu) {
            return Activation.reluBlock();
        }
        if (layer instanceof LayerSpec.MaxPool p) {
            int stride = p.stride == 0 ? p.kernel : p.stride;
            return Pool.maxPool2dBlock(new Shape(p.kernel, p.kernel), new Shape(stride, stride));
        }
        if (layer instanceof LayerSpec.AvgPool p) {
            int stride = p.stride == 0 ? p.kernel : p.stride;
            return Pool.avgPool2dBlock(new Shape(p.kernel, p.kernel), new Shape(stride, stride));
        }
        if (layer instanceof LayerSpec.Flatten) {
            return Blocks.batchFlattenBlock();
        }
        if (layer instanceof LayerSpec.BatchNorm) {
            return BatchNorm.builder().build();
        }
        if (layer instanceof LayerSpec.Dropout d) {
            return Dropout.builder().optRate((float) d.rate).build();
        }
        throw new IllegalArgumentException("no block for layer " + layer);
    }
}
