package org.lipreg.certify.ir;

import java.util.Arrays;

/**
 * The shape each IR layer gives its input (one example, no batch axis): what readers, writers and
 * the bound passes use to follow a network's layout.
 */
public final class LayerShapes {

    private LayerShapes() {}

    /**
     * Returns each layer's output shape for an input shape (one example, no batch axis).
     *
     * @param layer the layer
     * @param in the input shape
     * @return the output shape
     */
    public static int[] outputShape(Layer layer, int[] in) {
        if (layer instanceof Layer.Dense d) {
            int size = Arrays.stream(in).reduce(1, (a, b) -> a * b);
            if (in.length != 1) {
                throw new IllegalArgumentException("dense layer on a non-flat input " + Arrays.toString(in)
                        + "; flatten first");
            }
            if (size != d.weight().dim(1)) {
                throw new IllegalArgumentException("dense layer expects " + d.weight().dim(1) + " inputs, got " + size);
            }
            return new int[] {d.weight().dim(0)};
        }
        if (layer instanceof Layer.Conv2d c) {
            requireImage(in, "conv2d");
            if (in[0] != c.weight().dim(1) * c.groups()) {
                throw new IllegalArgumentException("conv2d expects " + c.weight().dim(1) * c.groups()
                        + " input channels, got " + in[0]);
            }
            int[] out = {c.weight().dim(0), 0, 0};
            for (int i = 0; i < 2; i++) {
                int k = c.weight().dim(2 + i);
                out[1 + i] = (in[1 + i] + 2 * c.padding()[i] - c.dilation()[i] * (k - 1) - 1) / c.stride()[i] + 1;
            }
            return out;
        }
        if (layer instanceof Layer.AvgPool2d p) {
            requireImage(in, "avgpool2d");
            int[] out = {in[0], 0, 0};
            for (int i = 0; i < 2; i++) {
                out[1 + i] = (in[1 + i] + 2 * p.padding()[i] - p.kernel()[i]) / p.stride()[i] + 1;
            }
            return out;
        }
        if (layer instanceof Layer.MaxPool2d p) {
            requireImage(in, "maxpool2d");
            int[] out = {in[0], 0, 0};
            for (int i = 0; i < 2; i++) {
                if (2 * p.padding()[i] > p.kernel()[i]) {
                    throw new IllegalArgumentException("maxpool2d: padding " + p.padding()[i]
                            + " is more than half the kernel " + p.kernel()[i]);
                }
                out[1 + i] = (in[1 + i] + 2 * p.padding()[i] - p.kernel()[i]) / p.stride()[i] + 1;
            }
            return out;
        }
        if (layer instanceof Layer.GroupNorm g) {
            if (in[0] != g.scale().dim(0)) {
                throw new IllegalArgumentException("group norm has " + g.scale().dim(0) + " channels, input has " + in[0]);
            }
            return in.clone();
        }
        if (layer instanceof Layer.ChannelAffine a) {
            if (in[0] != a.scale().dim(0)) {
                throw new IllegalArgumentException("channel affine has " + a.scale().dim(0) + " channels, input has " + in[0]);
            }
            return in.clone();
        }
        if (layer instanceof Layer.GroupSort g) {
            if (in[0] % g.size() != 0) {
                throw new IllegalArgumentException("group size " + g.size() + " does not divide " + in[0] + " channels");
            }
            return in.clone();
        }
        if (layer instanceof Layer.Householder) {
            if (in[0] % 2 != 0) {
                throw new IllegalArgumentException("the Householder activation needs an even number of channels, got "
                        + in[0]);
            }
            return in.clone();
        }
        if (layer instanceof Layer.Flatten) {
            return new int[] {Arrays.stream(in).reduce(1, (a, b) -> a * b)};
        }
        if (layer instanceof Layer.Residual r) {
            int[] body = in;
            for (Layer l : r.body()) {
                body = outputShape(l, body);
            }
            int[] shortcut = in;
            for (Layer l : r.shortcut()) {
                shortcut = outputShape(l, shortcut);
            }
            if (!Arrays.equals(body, shortcut)) {
                throw new IllegalArgumentException("residual: body gives " + Arrays.toString(body)
                        + ", shortcut gives " + Arrays.toString(shortcut));
            }
            return body;
        }
        if (layer instanceof Layer.Relu) {
            return in.clone();
        }
        throw new IllegalArgumentException("no shape rule for " + layer.getClass().getSimpleName());
    }

    /**
     * Returns a network's output shape (one example).
     *
     * @param network the network
     * @return the shape after its last layer
     */
    public static int[] outputShape(Network network) {
        int[] shape = network.inputShape();
        for (Layer layer : network.layers()) {
            shape = outputShape(layer, shape);
        }
        return shape;
    }

    private static void requireImage(int[] in, String what) {
        if (in.length != 3) {
            throw new IllegalArgumentException(what + " needs a (channels, height, width) input, got " + Arrays.toString(in));
        }
    }
}
