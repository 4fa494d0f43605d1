package org.lipreg.certify.graph;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import org.lipreg.certify.ir.Layer;
import org.lipreg.certify.ir.LayerShapes;
import org.lipreg.certify.ir.Network;
import org.lipreg.normalization.engine.Scalars;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Lowers an IR {@link Network} to a {@link Graph}:
 * <ul>
 *   <li>dense layers, convolutions, average pooling (a depthwise convolution with a constant
 *       kernel) and channel affine maps become affine nodes, each kept in its own {@link
 *       LinearMap} form: no convolution is ever turned into a dense matrix;</li>
 *   <li>max pooling (stride ≥ 1, no padding) becomes a running maximum over the window's
 *       positions, each step {@code max(m, e) = e + ReLU(m − e)}, every position picked out by a
 *       strided depthwise convolution with a one-hot kernel. The function is exact; its Clarke
 *       Jacobian by the chain rule contains max pooling's, so bounds stay sound, and
 *       branch-and-bound can split its ReLUs;</li>
 *   <li>group normalization becomes a {@link Normalization};</li>
 *   <li>GroupSort becomes an odd-even transposition sorting network of compare-exchange steps,
 *       each {@code x + E·ReLU(D x)} (for a pair (a, b): {@code max = a + ReLU(b − a)},
 *       {@code min = b − ReLU(b − a)}). The chain rule over that network gives a superset of
 *       GroupSort's Clarke Jacobian, so bounds stay sound;</li>
 *   <li>a residual becomes a sum node; flatten disappears (the layout is already flat).</li>
 * </ul>
 */
final class Lowering {

    private final NDManager manager;
    private final List<Node> nodes = new ArrayList<>();

    private Lowering(NDManager manager) {
        this.manager = manager;
    }

    /**
     * Lowers a network; the graph gets its own sub-manager of {@code parent}.
     *
     * @param network the network
     * @param parent the parent manager
     * @return the graph, to be closed by the caller
     */
    static Graph lower(Network network, NDManager parent) {
        check(network);
        NDManager manager = parent.newSubManager();
        try {
            Lowering lowering = new Lowering(manager);
            lowering.nodes.add(new Input(network.inputSize()));
            lowering.chain(network.layers(), 0, network.inputShape());
            return new Graph(manager, lowering.nodes);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /**
     * Checks that every layer has a graph form (the IR holds some that bound propagation does
     * not yet handle, such as max pooling with padding).
     *
     * @param network the network
     * @throws org.lipreg.certify.ir.UnsupportedLayerException naming the first layer without one,
     *     by its position ({@code layers[2].body[0]})
     */
    static void check(Network network) {
        check(network.layers(), "layers");
    }

    private static void check(List<Layer> layers, String path) {
        for (int i = 0; i < layers.size(); i++) {
            Layer layer = layers.get(i);
            String here = path + "[" + i + "]";
            if (layer instanceof Layer.MaxPool2d p && (p.padding()[0] != 0 || p.padding()[1] != 0)) {
                throw new org.lipreg.certify.ir.UnsupportedLayerException(here, "max pooling with padding "
                        + Arrays.toString(p.padding()) + " (padded positions are −∞; only padding 0 is bounded)");
            }
            if (layer instanceof Layer.Householder) {
                throw new org.lipreg.certify.ir.UnsupportedLayerException(here, "the Householder activation (no bound "
                        + "propagation for it here; 'lipreg certify lipsdp' gives its global bound)");
            }
            if (layer instanceof Layer.Residual r) {
                check(r.body(), here + ".body");
                check(r.shortcut(), here + ".shortcut");
            }
        }
    }


    /** Appends the layers after node {@code at}; returns the last node. */
    private int chain(List<Layer> layers, int at, int[] shape) {
        int node = at;
        int[] current = shape;
        for (Layer layer : layers) {
            int[] next = LayerShapes.outputShape(layer, current);
            node = lower(layer, node, current);
            current = next;
        }
        return node;
    }

    private int lower(Layer layer, int at, int[] in) {
        int[] out = LayerShapes.outputShape(layer, in);
        if (layer instanceof Layer.Dense d) {
            return add(new Affine(at, new DenseMap(d.weight().toNDArray(manager)), d.bias().toNDArray(manager)));
        }
        if (layer instanceof Layer.Conv2d c) {
            ConvMap map = new ConvMap(c.weight().toNDArray(manager), in, out, c.stride(), c.padding(), c.dilation(),
                    c.groups());
            NDArray bias = c.bias().toNDArray(manager).repeat(0, (long) out[1] * out[2]);
            return add(new Affine(at, map, bias));
        }
        if (layer instanceof Layer.AvgPool2d p) {
            int[] k = p.kernel();
            NDArray kernel = manager.ones(new Shape(in[0], 1, k[0], k[1]), DataType.FLOAT64);
            kernel = Scalars.div(kernel, k[0] * k[1]);
            ConvMap map = new ConvMap(kernel, in, out, p.stride(), p.padding(), new int[] {1, 1}, in[0]);
            return add(new Affine(at, map, manager.zeros(new Shape(map.outputSize()), DataType.FLOAT64)));
        }
        if (layer instanceof Layer.MaxPool2d p) {
            return maxPool(p, at, in, out);
        }
        if (layer instanceof Layer.ChannelAffine a) {
            int perChannel = Arrays.stream(in).skip(1).reduce(1, (x, y) -> x * y);
            NDArray shift = a.shift().toNDArray(manager).repeat(0, perChannel);
            return add(new Affine(at, new ChannelScaleMap(a.scale().toNDArray(manager), perChannel), shift));
        }
        if (layer instanceof Layer.GroupNorm g) {
            int perChannel = Arrays.stream(in).skip(1).reduce(1, (x, y) -> x * y);
            return add(new Normalization(at, new GroupNormalization(g.groups(), g.epsilon(),
                    g.scale().toNDArray(manager), g.shift().toNDArray(manager), perChannel)));
        }
        if (layer instanceof Layer.Relu r) {
            return add(new Activation(at, r.negativeSlope(), nodes.get(at).size()));
        }
        if (layer instanceof Layer.GroupSort g) {
            return sortingNetwork(at, in, g.size());
        }
        if (layer instanceof Layer.Residual r) {
            int body = chain(r.body(), at, in);
            int shortcut = chain(r.shortcut(), at, in);
            return add(new Sum(body, shortcut, nodes.get(body).size()));
        }
        if (layer instanceof Layer.Flatten) {
            return at;
        }
        throw new IllegalArgumentException("no graph form for " + layer.getClass().getSimpleName());
    }

    /** Max pooling as a running maximum over the window's positions (see the class comment). */
    private int maxPool(Layer.MaxPool2d p, int at, int[] in, int[] out) {
        if (p.padding()[0] != 0 || p.padding()[1] != 0) {
            throw new IllegalArgumentException("maxpool2d: padding " + Arrays.toString(p.padding())
                    + " is not supported (padded positions would have to be −∞); only padding 0");
        }
        int[] k = p.kernel();
        int running = -1;
        for (int row = 0; row < k[0]; row++) {
            for (int col = 0; col < k[1]; col++) {
                int position = add(pick(at, in, out, p, row, col, 1));
                if (running < 0) {
                    running = position;
                    continue;
                }
                int minus = add(pick(at, in, out, p, row, col, -1));
                int gap = add(new Sum(running, minus, nodes.get(position).size()));
                int relu = add(new Activation(gap, 0, nodes.get(gap).size()));
                running = add(new Sum(position, relu, nodes.get(relu).size()));
            }
        }
        return running;
    }

    /** {@code sign·x[c, s·i + row, s·j + col]} for every output position: a one-hot depthwise convolution. */
    private Affine pick(int at, int[] in, int[] out, Layer.MaxPool2d p, int row, int col, double sign) {
        int[] k = p.kernel();
        double[] kernel = new double[in[0] * k[0] * k[1]];
        for (int c = 0; c < in[0]; c++) {
            kernel[(c * k[0] + row) * k[1] + col] = sign;
        }
        NDArray weight = manager.create(kernel, new Shape(in[0], 1, k[0], k[1]));
        ConvMap map = new ConvMap(weight, in, out, p.stride(), new int[] {0, 0}, new int[] {1, 1}, in[0]);
        return new Affine(at, map, manager.zeros(new Shape(map.outputSize()), DataType.FLOAT64));
    }

    /** Odd-even transposition sort (descending) of each channel group, position by position. */
    private int sortingNetwork(int at, int[] in, int groupSize) {
        int channels = in[0];
        int positions = Arrays.stream(in).skip(1).reduce(1, (a, b) -> a * b);
        int size = channels * positions;
        int node = at;
        for (int round = 0; round < groupSize; round++) {
            List<int[]> pairs = new ArrayList<>();
            for (int group = 0; group < channels / groupSize; group++) {
                for (int i = round % 2; i + 1 < groupSize; i += 2) {
                    int a = group * groupSize + i;
                    for (int p = 0; p < positions; p++) {
                        pairs.add(new int[] {a * positions + p, (a + 1) * positions + p});
                    }
                }
            }
            if (pairs.isEmpty()) {
                continue;
            }
            double[] difference = new double[pairs.size() * size];
            double[] spread = new double[size * pairs.size()];
            for (int k = 0; k < pairs.size(); k++) {
                int a = pairs.get(k)[0];
                int b = pairs.get(k)[1];
                difference[k * size + b] = 1;
                difference[k * size + a] = -1;
                spread[a * pairs.size() + k] = 1;
                spread[b * pairs.size() + k] = -1;
            }
            NDArray d = manager.create(difference, new Shape(pairs.size(), size));
            NDArray e = manager.create(spread, new Shape(size, pairs.size()));
            NDArray zerosPairs = manager.zeros(new Shape(pairs.size()), DataType.FLOAT64);
            NDArray zeros = manager.zeros(new Shape(size), DataType.FLOAT64);
            int gap = add(new Affine(node, new DenseMap(d), zerosPairs));
            int relu = add(new Activation(gap, 0, pairs.size()));
            int moved = add(new Affine(relu, new DenseMap(e), zeros));
            node = add(new Sum(node, moved, size));
        }
        return node;
    }

    private int add(Node node) {
        nodes.add(node);
        return nodes.size() - 1;
    }

    private static Shape shape(int[] values) {
        return new Shape(Arrays.stream(values).asLongStream().toArray());
    }
}
