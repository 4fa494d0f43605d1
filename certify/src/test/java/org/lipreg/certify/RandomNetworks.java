package org.lipreg.certify;

import org.lipreg.certify.ir.LayerShapes;
import org.lipreg.certify.ir.Layer;
import org.lipreg.certify.ir.Network;
import org.lipreg.certify.ir.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
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
                    shape = LayerShapes.outputShape(l, shape);
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
                    shape = LayerShapes.outputShape(l, shape);
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

    /**
     * A tiny random network mixing every operator the certifier knows: 1–4 stages on an input of
     * 2–6 values (an image of 1–2 channels, or flat). An image stage is a convolution (kernel
     * 1–3, stride 1–2, padding, dilation, groups), a flat stage a dense layer (width 2–8); each
     * maybe followed by batch norm (a channel affine), group norm (ε 1e-5 to 0.1, groups of one
     * value included: a constant), or batch-channel norm (both:
     * the BN folded, then GN), then an activation (ReLU, leaky ReLU, MaxMin, GroupSort 3 or 4,
     * max or average pooling on images), and maybe wrapped in a residual; flatten between, a
     * dense layer to 2–3 outputs last.
     *
     * @param random the source
     * @return the network
     */
    public static Network tiny(Random random) {
        List<Layer> layers = new ArrayList<>();
        int[] input = random.nextBoolean() ? new int[] {2 + random.nextInt(5)}
                : new int[][] {{1, 2, 2}, {1, 2, 3}, {1, 3, 2}, {2, 1, 3}, {2, 2, 1}, {1, 1, 5}, {1, 2, 1}}[random.nextInt(7)];
        int[] shape = input;
        int stages = 1 + random.nextInt(3);
        for (int stage = 0; stage < stages; stage++) {
            List<Layer> block = new ArrayList<>();
            int[] out;
            if (shape.length == 3 && random.nextInt(3) > 0) {
                Layer.Conv2d conv = tinyConv(random, shape);
                block.add(conv);
                out = LayerShapes.outputShape(conv, shape);
            } else {
                if (shape.length == 3) {
                    layers.add(new Layer.Flatten());
                    shape = new int[] {shape[0] * shape[1] * shape[2]};
                }
                out = new int[] {2 + random.nextInt(7)};
                block.add(dense(random, shape[0], out[0]));
            }
            int channels = out[0];
            switch (random.nextInt(5)) {
                case 0 -> block.add(channelAffine(random, channels));
                case 1 -> block.add(tinyGroupNorm(random, channels));
                case 2 -> { // batch-channel norm at inference: batch norm folded, then group norm
                    block.add(channelAffine(random, channels));
                    block.add(tinyGroupNorm(random, channels));
                }
                default -> { }
            }
            block.add(tinyActivation(random, out));
            int[] after = out;
            for (Layer l : block.subList(block.size() - 1, block.size())) {
                after = LayerShapes.outputShape(l, after);
            }
            if (Arrays.equals(after, shape) && random.nextInt(3) == 0) {
                // A residual around the stage; the shortcut is the identity or a 1×1 map.
                List<Layer> shortcut = random.nextBoolean() ? List.of()
                        : List.of(shape.length == 3 ? conv(random, shape[0], shape[0], 1, 1, 0) : dense(random, shape[0], shape[0]));
                layers.add(new Layer.Residual(block, shortcut));
            } else {
                layers.addAll(block);
            }
            shape = after;
        }
        if (shape.length == 3) {
            layers.add(new Layer.Flatten());
            shape = new int[] {shape[0] * shape[1] * shape[2]};
        }
        layers.add(dense(random, shape[0], 2 + random.nextInt(2)));
        // One in four without biases: at input 0 every activation then sits on its kink, every
        // group norm on a constant group, every sort on a tie.
        return new Network(input, random.nextInt(4) == 0 ? withoutBiases(layers) : layers);
    }

    /** The layers with every dense and convolution bias set to 0. */
    private static List<Layer> withoutBiases(List<Layer> layers) {
        List<Layer> out = new ArrayList<>();
        for (Layer layer : layers) {
            if (layer instanceof Layer.Dense d) {
                out.add(new Layer.Dense(d.weight(), new Tensor(d.bias().shape(), new double[d.bias().data().length])));
            } else if (layer instanceof Layer.Conv2d c) {
                out.add(new Layer.Conv2d(c.weight(), new Tensor(c.bias().shape(), new double[c.bias().data().length]),
                        c.stride(), c.padding(), c.dilation(), c.groups()));
            } else if (layer instanceof Layer.Residual r) {
                out.add(new Layer.Residual(withoutBiases(r.body()), withoutBiases(r.shortcut())));
            } else {
                out.add(layer);
            }
        }
        return out;
    }

    /** A convolution that fits the image, at most 8 channels × positions out. */
    private static Layer.Conv2d tinyConv(Random random, int[] in) {
        while (true) {
            int kh = 1 + random.nextInt(Math.min(3, in[1] + 1));
            int kw = 1 + random.nextInt(Math.min(3, in[2] + 1));
            int dilation = random.nextInt(4) == 0 ? 2 : 1;
            int[] padding = {random.nextInt(2), random.nextInt(2)};
            int[] stride = {1 + random.nextInt(2), 1 + random.nextInt(2)};
            int groups = in[0] == 2 && random.nextBoolean() ? 2 : 1;
            int outChannels = groups * (1 + random.nextInt(2));
            int cin = in[0] / groups;
            double[] w = new double[outChannels * cin * kh * kw];
            double[] b = new double[outChannels];
            for (int i = 0; i < w.length; i++) {
                w[i] = random.nextGaussian() / Math.sqrt(cin * kh * kw);
            }
            for (int i = 0; i < b.length; i++) {
                b[i] = 0.1 * random.nextGaussian();
            }
            Layer.Conv2d conv = new Layer.Conv2d(new Tensor(new int[] {outChannels, cin, kh, kw}, w),
                    new Tensor(new int[] {outChannels}, b), stride, padding, new int[] {dilation, dilation}, groups);
            int oh = (in[1] + 2 * padding[0] - dilation * (kh - 1) - 1) / stride[0] + 1;
            int ow = (in[2] + 2 * padding[1] - dilation * (kw - 1) - 1) / stride[1] + 1;
            if (in[1] + 2 * padding[0] - dilation * (kh - 1) - 1 >= 0 && in[2] + 2 * padding[1] - dilation * (kw - 1) - 1 >= 0
                    && outChannels * oh * ow <= 8) {
                return conv;
            }
        }
    }

    /** An activation for a stage's output: ReLU, leaky ReLU, MaxMin, GroupSort, or a pooling on images. */
    private static Layer tinyActivation(Random random, int[] shape) {
        int channels = shape[0];
        while (true) {
            switch (random.nextInt(6)) {
                case 0:
                    return new Layer.Relu(0);
                case 1:
                    return new Layer.Relu(0.05 + 0.4 * random.nextDouble());
                case 2:
                    if (channels % 2 == 0) {
                        return new Layer.GroupSort(2); // MaxMin
                    }
                    break;
                case 3:
                    for (int size : new int[] {4, 3}) {
                        if (channels % size == 0) {
                            return new Layer.GroupSort(size);
                        }
                    }
                    break;
                case 4:
                    if (shape.length == 3 && (shape[1] > 1 || shape[2] > 1)) {
                        int kh = Math.min(2, shape[1]);
                        int kw = Math.min(2, shape[2]);
                        int stride = 1 + random.nextInt(2);
                        return new Layer.MaxPool2d(new int[] {kh, kw}, new int[] {stride, stride}, new int[] {0, 0});
                    }
                    break;
                default:
                    if (shape.length == 3 && (shape[1] > 1 || shape[2] > 1)) {
                        int kh = Math.min(2, shape[1]);
                        int kw = Math.min(2, shape[2]);
                        int pad = kh == 2 && kw == 2 ? random.nextInt(2) : 0;
                        return new Layer.AvgPool2d(new int[] {kh, kw}, new int[] {1, 1}, new int[] {pad, pad});
                    }
                    break;
            }
        }
    }

    /** Group norm with a random group count and ε from 1e-5 (nearly singular on a constant group) to 0.1. */
    private static Layer.GroupNorm tinyGroupNorm(Random random, int channels) {
        Layer.ChannelAffine affine = channelAffine(random, channels);
        double epsilon = new double[] {1e-5, 1e-3, 0.1}[random.nextInt(3)];
        return new Layer.GroupNorm(divisor(random, channels), epsilon, affine.scale(), affine.shift());
    }

    /** A random divisor of n (the group count of a group norm). */
    private static int divisor(Random random, int n) {
        while (true) {
            int g = 1 + random.nextInt(n);
            if (n % g == 0) {
                return g;
            }
        }
    }
}
