package org.lipreg.certify;

import org.lipreg.certify.ir.LayerShapes;
import org.lipreg.certify.ir.Layer;
import org.lipreg.certify.ir.Network;
import org.lipreg.certify.lipschitz.GradientOracle;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * An IR network's value and input gradient in plain float64 loops, written from the layers'
 * definitions for the tests, independent of the certifier's lowering and of the engine: every
 * linear layer (dense, convolution, average pooling, channel affine) as the explicit matrix its
 * definition gives, ReLU / leaky ReLU, max pooling (the first maximum of each window), GroupSort
 * (a sort), group norm, residual sums; the gradient by reverse mode. At points where no
 * activation sits on a kink (almost every point) the gradient is the network's unique Clarke
 * gradient. Fast enough to run a lower-bound search on thousands of small boxes.
 */
public final class ReferenceNetwork implements GradientOracle {

    private final List<Op> ops;
    private final int inputs;
    private final int outputs;

    /**
     * Builds the reference of a network.
     *
     * @param network the network
     */
    public ReferenceNetwork(Network network) {
        this.inputs = network.inputSize();
        this.ops = compile(network.layers(), network.inputShape());
        this.outputs = Arrays.stream(LayerShapes.outputShape(network)).reduce(1, (a, b) -> a * b);
    }

    @Override
    public int inputSize() {
        return inputs;
    }

    @Override
    public int outputSize() {
        return outputs;
    }

    /**
     * Returns the network's value at a point.
     *
     * @param x the input, flat
     * @return the output
     */
    public double[] forward(double[] x) {
        return run(ops, x, null);
    }

    /**
     * Returns {@code ∇(c·f)(x)}.
     *
     * @param x the input, flat
     * @param c the output weights
     * @return the input gradient
     */
    public double[] gradient(double[] x, double[] c) {
        List<double[]> tape = new ArrayList<>();
        run(ops, x, tape);
        return back(ops, tape, 0, c);
    }

    @Override
    public double[][] gradients(double[][] x, double[][] spec) {
        double[][] out = new double[x.length][];
        for (int r = 0; r < x.length; r++) {
            out[r] = gradient(x[r], spec[r]);
        }
        return out;
    }

    @Override
    public double[][] outputs(double[][] x) {
        double[][] out = new double[x.length][];
        for (int r = 0; r < x.length; r++) {
            out[r] = forward(x[r]);
        }
        return out;
    }

    /** One layer: its value, and the gradient it sends back given its input. */
    private interface Op {
        double[] forward(double[] x);

        double[] backward(double[] x, double[] g);
    }

    /** Runs ops, recording each op's input on the tape when one is given. */
    private static double[] run(List<Op> ops, double[] x, List<double[]> tape) {
        for (Op op : ops) {
            if (tape != null) {
                tape.add(x);
            }
            x = op.forward(x);
        }
        return x;
    }

    private static double[] back(List<Op> ops, List<double[]> tape, int from, double[] g) {
        for (int i = ops.size() - 1; i >= 0; i--) {
            g = ops.get(i).backward(tape.get(from + i), g);
        }
        return g;
    }

    private static List<Op> compile(List<Layer> layers, int[] shape) {
        List<Op> ops = new ArrayList<>();
        for (Layer layer : layers) {
            Op op = op(layer, shape);
            if (op != null) {
                ops.add(op);
            }
            shape = LayerShapes.outputShape(layer, shape);
        }
        return ops;
    }

    private static Op op(Layer layer, int[] in) {
        int size = Arrays.stream(in).reduce(1, (a, b) -> a * b);
        int[] out = LayerShapes.outputShape(layer, in);
        if (layer instanceof Layer.Dense d) {
            return new Linear(d.weight().data(), d.bias().data(), d.weight().dim(0), d.weight().dim(1));
        }
        if (layer instanceof Layer.Conv2d c) {
            return conv(c, in, out);
        }
        if (layer instanceof Layer.AvgPool2d p) {
            return avgPool(p, in, out);
        }
        if (layer instanceof Layer.ChannelAffine a) {
            int per = size / in[0];
            double[] w = new double[size * size];
            double[] b = new double[size];
            for (int i = 0; i < size; i++) {
                w[i * size + i] = a.scale().data()[i / per];
                b[i] = a.shift().data()[i / per];
            }
            return new Linear(w, b, size, size);
        }
        if (layer instanceof Layer.Relu r) {
            return new Relu(r.negativeSlope());
        }
        if (layer instanceof Layer.MaxPool2d p) {
            return new MaxPool(p, in, out);
        }
        if (layer instanceof Layer.GroupSort g) {
            return new GroupSort(g.size(), in[0], size / in[0]);
        }
        if (layer instanceof Layer.GroupNorm g) {
            return new GroupNorm(g, in[0], size / in[0]);
        }
        if (layer instanceof Layer.Flatten) {
            return null;
        }
        if (layer instanceof Layer.Residual r) {
            return new Residual(compile(r.body(), in), compile(r.shortcut(), in));
        }
        throw new IllegalArgumentException("no reference for " + layer.getClass().getSimpleName());
    }

    /** y = W x + b with W {@code (rows, cols)} row-major. */
    private record Linear(double[] w, double[] b, int rows, int cols) implements Op {
        @Override
        public double[] forward(double[] x) {
            double[] y = new double[rows];
            for (int i = 0; i < rows; i++) {
                double s = b[i];
                for (int j = 0; j < cols; j++) {
                    s += w[i * cols + j] * x[j];
                }
                y[i] = s;
            }
            return y;
        }

        @Override
        public double[] backward(double[] x, double[] g) {
            double[] d = new double[cols];
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < cols; j++) {
                    d[j] += w[i * cols + j] * g[i];
                }
            }
            return d;
        }
    }

    /** The convolution's matrix: output (o, i, j) gets weight[o, ci, u, v] from input (g·cin + ci, i·s − p + u·dil, …). */
    private static Linear conv(Layer.Conv2d c, int[] in, int[] out) {
        int cin = c.weight().dim(1);
        int kh = c.weight().dim(2);
        int kw = c.weight().dim(3);
        int rows = out[0] * out[1] * out[2];
        int cols = in[0] * in[1] * in[2];
        double[] w = new double[rows * cols];
        double[] b = new double[rows];
        int perGroup = out[0] / c.groups();
        for (int o = 0; o < out[0]; o++) {
            for (int i = 0; i < out[1]; i++) {
                for (int j = 0; j < out[2]; j++) {
                    int row = (o * out[1] + i) * out[2] + j;
                    b[row] = c.bias().data()[o];
                    for (int ci = 0; ci < cin; ci++) {
                        int channel = (o / perGroup) * cin + ci;
                        for (int u = 0; u < kh; u++) {
                            for (int v = 0; v < kw; v++) {
                                int r = i * c.stride()[0] - c.padding()[0] + u * c.dilation()[0];
                                int q = j * c.stride()[1] - c.padding()[1] + v * c.dilation()[1];
                                if (r >= 0 && r < in[1] && q >= 0 && q < in[2]) {
                                    w[row * cols + (channel * in[1] + r) * in[2] + q] +=
                                            c.weight().data()[((o * cin + ci) * kh + u) * kw + v];
                                }
                            }
                        }
                    }
                }
            }
        }
        return new Linear(w, b, rows, cols);
    }

    /** Average pooling's matrix: each window's mean, padded positions counted as zeros. */
    private static Linear avgPool(Layer.AvgPool2d p, int[] in, int[] out) {
        int rows = out[0] * out[1] * out[2];
        int cols = in[0] * in[1] * in[2];
        double[] w = new double[rows * cols];
        double share = 1.0 / (p.kernel()[0] * p.kernel()[1]);
        for (int ch = 0; ch < out[0]; ch++) {
            for (int i = 0; i < out[1]; i++) {
                for (int j = 0; j < out[2]; j++) {
                    int row = (ch * out[1] + i) * out[2] + j;
                    for (int u = 0; u < p.kernel()[0]; u++) {
                        for (int v = 0; v < p.kernel()[1]; v++) {
                            int r = i * p.stride()[0] - p.padding()[0] + u;
                            int q = j * p.stride()[1] - p.padding()[1] + v;
                            if (r >= 0 && r < in[1] && q >= 0 && q < in[2]) {
                                w[row * cols + (ch * in[1] + r) * in[2] + q] += share;
                            }
                        }
                    }
                }
            }
        }
        return new Linear(w, new double[rows], rows, cols);
    }

    private record Relu(double slope) implements Op {
        @Override
        public double[] forward(double[] x) {
            return Arrays.stream(x).map(v -> v >= 0 ? v : slope * v).toArray();
        }

        @Override
        public double[] backward(double[] x, double[] g) {
            double[] d = new double[x.length];
            for (int i = 0; i < x.length; i++) {
                d[i] = x[i] >= 0 ? g[i] : slope * g[i];
            }
            return d;
        }
    }

    /** Max pooling (no padding): each output is its window's first largest input. */
    private static final class MaxPool implements Op {
        private final Layer.MaxPool2d p;
        private final int[] in;
        private final int[] out;

        MaxPool(Layer.MaxPool2d p, int[] in, int[] out) {
            this.p = p;
            this.in = in;
            this.out = out;
        }

        /** Per output, the flat index of its window's maximum. */
        private int[] argmax(double[] x) {
            int[] at = new int[out[0] * out[1] * out[2]];
            for (int ch = 0; ch < out[0]; ch++) {
                for (int i = 0; i < out[1]; i++) {
                    for (int j = 0; j < out[2]; j++) {
                        int best = -1;
                        for (int u = 0; u < p.kernel()[0]; u++) {
                            for (int v = 0; v < p.kernel()[1]; v++) {
                                int k = (ch * in[1] + i * p.stride()[0] + u) * in[2] + j * p.stride()[1] + v;
                                if (best < 0 || x[k] > x[best]) {
                                    best = k;
                                }
                            }
                        }
                        at[(ch * out[1] + i) * out[2] + j] = best;
                    }
                }
            }
            return at;
        }

        @Override
        public double[] forward(double[] x) {
            int[] at = argmax(x);
            double[] y = new double[at.length];
            for (int o = 0; o < at.length; o++) {
                y[o] = x[at[o]];
            }
            return y;
        }

        @Override
        public double[] backward(double[] x, double[] g) {
            int[] at = argmax(x);
            double[] d = new double[x.length];
            for (int o = 0; o < at.length; o++) {
                d[at[o]] += g[o];
            }
            return d;
        }
    }

    /** GroupSort: each group of channels sorted in descending order, position by position. */
    private record GroupSort(int group, int channels, int positions) implements Op {
        /** Per output entry, the input entry it holds. */
        private int[] source(double[] x) {
            int[] from = new int[x.length];
            for (int start = 0; start < channels; start += group) {
                for (int s = 0; s < positions; s++) {
                    Integer[] order = new Integer[group];
                    for (int k = 0; k < group; k++) {
                        order[k] = (start + k) * positions + s;
                    }
                    Arrays.sort(order, (a, b) -> Double.compare(x[b], x[a]));
                    for (int k = 0; k < group; k++) {
                        from[(start + k) * positions + s] = order[k];
                    }
                }
            }
            return from;
        }

        @Override
        public double[] forward(double[] x) {
            int[] from = source(x);
            double[] y = new double[x.length];
            for (int i = 0; i < y.length; i++) {
                y[i] = x[from[i]];
            }
            return y;
        }

        @Override
        public double[] backward(double[] x, double[] g) {
            int[] from = source(x);
            double[] d = new double[x.length];
            for (int i = 0; i < g.length; i++) {
                d[from[i]] += g[i];
            }
            return d;
        }
    }

    /** Group norm: y = γ_c (x − μ_g) r_g + β_c, r_g = 1/√(var_g + ε), statistics over the group's channels. */
    private static final class GroupNorm implements Op {
        private final Layer.GroupNorm g;
        private final int per;
        private final int groupSize;

        GroupNorm(Layer.GroupNorm g, int channels, int per) {
            this.g = g;
            this.per = per;
            this.groupSize = channels / g.groups() * per;
        }

        /** Per group, {mean, r}. */
        private double[][] statistics(double[] x) {
            double[][] stats = new double[g.groups()][];
            for (int group = 0; group < g.groups(); group++) {
                double mean = 0;
                for (int i = group * groupSize; i < (group + 1) * groupSize; i++) {
                    mean += x[i];
                }
                mean /= groupSize;
                double var = 0;
                for (int i = group * groupSize; i < (group + 1) * groupSize; i++) {
                    var += (x[i] - mean) * (x[i] - mean);
                }
                var /= groupSize;
                stats[group] = new double[] {mean, 1 / Math.sqrt(var + g.epsilon())};
            }
            return stats;
        }

        @Override
        public double[] forward(double[] x) {
            double[][] stats = statistics(x);
            double[] y = new double[x.length];
            for (int i = 0; i < x.length; i++) {
                double[] s = stats[i / groupSize];
                y[i] = g.scale().data()[i / per] * (x[i] - s[0]) * s[1] + g.shift().data()[i / per];
            }
            return y;
        }

        /** ∂x_i = r (h_i − mean(h) − x̂_i mean(h x̂)), h = γ ∂y, x̂ = (x − μ) r. */
        @Override
        public double[] backward(double[] x, double[] dy) {
            double[][] stats = statistics(x);
            double[] d = new double[x.length];
            for (int group = 0; group < g.groups(); group++) {
                double mean = stats[group][0];
                double r = stats[group][1];
                double meanH = 0;
                double meanHx = 0;
                for (int i = group * groupSize; i < (group + 1) * groupSize; i++) {
                    double h = g.scale().data()[i / per] * dy[i];
                    meanH += h / groupSize;
                    meanHx += h * (x[i] - mean) * r / groupSize;
                }
                for (int i = group * groupSize; i < (group + 1) * groupSize; i++) {
                    double h = g.scale().data()[i / per] * dy[i];
                    d[i] = r * (h - meanH - (x[i] - mean) * r * meanHx);
                }
            }
            return d;
        }
    }

    /** body(x) + shortcut(x). */
    private record Residual(List<Op> body, List<Op> shortcut) implements Op {
        @Override
        public double[] forward(double[] x) {
            double[] a = run(body, x, null);
            double[] b = run(shortcut, x, null);
            double[] y = new double[a.length];
            for (int i = 0; i < y.length; i++) {
                y[i] = a[i] + b[i];
            }
            return y;
        }

        @Override
        public double[] backward(double[] x, double[] g) {
            List<double[]> tape = new ArrayList<>();
            run(body, x, tape);
            run(shortcut, x, tape);
            double[] a = back(body, tape, 0, g);
            double[] b = back(shortcut, tape, body.size(), g);
            double[] d = new double[x.length];
            for (int i = 0; i < d.length; i++) {
                d[i] = a[i] + b[i];
            }
            return d;
        }
    }
}
