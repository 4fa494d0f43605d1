package org.lipreg.certify;

import org.lipreg.certify.ir.Layer;
import org.lipreg.certify.ir.Network;
import org.lipreg.certify.ir.Tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Random small networks in the IR, for fuzz tests. */
public final class RandomNetworks {

    /** The number of architectures {@link #of} knows. */
    public static final int KINDS = 8;

    private RandomNetworks() {}

    /**
     * A dense layer with N(0, 1/in) weights and N(0, 0.1²) biases.
     *
     * @param random the source
     * @param in inputs
     * @param out outputs
     * @return the layer
     */
    public static Layer.Dense dense(Random random, int in, int out) {
        double[] w = new double[out * in];
        double[] b = new double[out];
        for (int i = 0; i < w.length; i++) {
            w[i] = random.nextGaussian() / Math.sqrt(in);
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = 0.1 * random.nextGaussian();
        }
        return new Layer.Dense(new Tensor(new int[] {out, in}, w), new Tensor(new int[] {out}, b));
    }

    /**
     * A convolution with random weights.
     *
     * @param random the source
     * @param in input channels
     * @param out output channels
     * @param kernel kernel size
     * @param stride stride
     * @param padding padding
     * @return the layer
     */
    public static Layer.Conv2d conv(Random random, int in, int out, int kernel, int stride, int padding) {
        double[] w = new double[out * in * kernel * kernel];
        double[] b = new double[out];
        for (int i = 0; i < w.length; i++) {
            w[i] = random.nextGaussian() / Math.sqrt(in * kernel * kernel);
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = 0.1 * random.nextGaussian();
        }
        return new Layer.Conv2d(new Tensor(new int[] {out, in, kernel, kernel}, w), new Tensor(new int[] {out}, b),
                new int[] {stride, stride}, new int[] {padding, padding}, new int[] {1, 1}, 1);
    }

    /**
     * A channel affine map (batch norm at inference) with random scales of either sign.
     *
     * @param random the source
     * @param channels the channels
     * @return the layer
     */
    public static Layer.ChannelAffine channelAffine(Random random, int channels) {
        double[] scale = new double[channels];
        double[] shift = new double[channels];
        for (int c = 0; c < channels; c++) {
            scale[c] = (0.5 + random.nextDouble()) * (random.nextInt(4) == 0 ? -1 : 1);
            shift[c] = 0.2 * random.nextGaussian();
        }
        return new Layer.ChannelAffine(new Tensor(new int[] {channels}, scale), new Tensor(new int[] {channels}, shift));
    }

    /**
     * Group norm with random per-channel scale and shift and ε = 1e-3.
     *
     * @param random the source
     * @param channels the channels
     * @param groups the groups, dividing the channels
     * @return the layer
     */
    public static Layer.GroupNorm groupNorm(Random random, int channels, int groups) {
        Layer.ChannelAffine affine = channelAffine(random, channels);
        return new Layer.GroupNorm(groups, 1e-3, affine.scale(), affine.shift());
    }

    /**
     * An MLP with ReLU (or the given activation) between dense layers.
     *
     * @param random the source
     * @param activation the activation layer
     * @param sizes input, hidden…, output sizes
     * @return the network
     */
    public static Network mlp(Random random, Layer activation, int... sizes) {
        List<Layer> layers = new ArrayList<>();
        for (int i = 0; i + 1 < sizes.length; i++) {
            layers.add(dense(random, sizes[i], sizes[i + 1]));
            if (i + 2 < sizes.length) {
                layers.add(activation);
            }
        }
        return new Network(new int[] {sizes[0]}, layers);
    }

    /**
     * One of several random architectures: MLP (ReLU, leaky ReLU, MaxMin, GroupSort 4), CNN with
     * varied stride and padding, residual MLP and residual CNN, a CNN with batch norm, group norm
     * and max pooling, an MLP with group norm.
     *
     * @param random the source
     * @param kind 0…7
     * @return the network
     */
    public static Network of(Random random, int kind) {
        switch (kind) {
            case 6: {
                // Conv → batch norm (a channel affine) → group norm → ReLU → max pool → dense: the
                // layers of a WS+BCN CNN at inference.
                List<Layer> layers = new ArrayList<>();
                layers.add(conv(random, 1, 4, 3, 1, 1));
                layers.add(channelAffine(random, 4));
                layers.add(groupNorm(random, 4, 1 + random.nextInt(2) * (random.nextBoolean() ? 1 : 3)));
                layers.add(new Layer.Relu(0));
                int stride = 1 + random.nextInt(2);
                layers.add(new Layer.MaxPool2d(new int[] {2, 2}, new int[] {stride, stride}, new int[] {0, 0}));
                int[] shape = {1, 5, 5};
                for (Layer l : layers) {
                    shape = org.lipreg.certify.graph.Lowering.outputShape(l, shape);
                }
                layers.add(new Layer.Flatten());
                layers.add(dense(random, shape[0] * shape[1] * shape[2], 3));
                return new Network(new int[] {1, 5, 5}, layers);
            }
            case 7: {
                // An MLP with group norm on its flat hidden layer (one value per channel).
                List<Layer> layers = new ArrayList<>();
                layers.add(dense(random, 4, 6));
                layers.add(groupNorm(random, 6, random.nextBoolean() ? 1 : 2));
                layers.add(new Layer.Relu(0));
                layers.add(dense(random, 6, 3));
                return new Network(new int[] {4}, layers);
            }
            case 0:
                return mlp(random, new Layer.Relu(0), 4 + random.nextInt(4), 4 + random.nextInt(6), 4 + random.nextInt(6), 3);
            case 1:
                return mlp(random, random.nextBoolean() ? new Layer.GroupSort(2) : new Layer.GroupSort(4), 5, 8, 8, 3);
            case 2:
                return mlp(random, new Layer.Relu(0.1 + 0.3 * random.nextDouble()), 5, 6, 6, 2);
            case 3: {
                int stride = 1 + random.nextInt(2);
                int padding = random.nextInt(2);
                List<Layer> layers = new ArrayList<>();
                layers.add(conv(random, 1, 2, 3, stride, padding));
                layers.add(new Layer.Relu(0));
                Layer.Conv2d second = conv(random, 2, 2, 2, 1, random.nextInt(2));
                layers.add(second);
                layers.add(new Layer.Relu(0));
                int[] shape = {1, 6, 6};
                for (Layer l : layers) {
                    shape = org.lipreg.certify.graph.Lowering.outputShape(l, shape);
                }
                layers.add(new Layer.Flatten());
                layers.add(dense(random, shape[0] * shape[1] * shape[2], 3));
                return new Network(new int[] {1, 6, 6}, layers);
            }
            case 4: {
                List<Layer> layers = new ArrayList<>();
                layers.add(dense(random, 4, 6));
                layers.add(new Layer.Relu(0));
                layers.add(new Layer.Residual(List.of(dense(random, 6, 6), new Layer.Relu(0), dense(random, 6, 6)), List.of()));
                layers.add(new Layer.Relu(0));
                layers.add(dense(random, 6, 3));
                return new Network(new int[] {4}, layers);
            }
            default: {
                List<Layer> layers = new ArrayList<>();
                layers.add(conv(random, 1, 2, 3, 1, 1));
                layers.add(new Layer.Relu(0));
                layers.add(new Layer.Residual(List.of(conv(random, 2, 2, 3, 1, 1), new Layer.GroupSort(2)),
                        List.of(conv(random, 2, 2, 1, 1, 0))));
                layers.add(new Layer.AvgPool2d(new int[] {2, 2}, new int[] {2, 2}, new int[] {0, 0}));
                layers.add(new Layer.Flatten());
                layers.add(dense(random, 2 * 2 * 2, 2));
                return new Network(new int[] {1, 4, 4}, layers);
            }
        }
    }
}
