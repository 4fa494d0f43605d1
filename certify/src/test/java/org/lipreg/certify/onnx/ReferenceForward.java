package org.lipreg.certify.onnx;

import org.lipreg.certify.ir.LayerShapes;
import org.lipreg.certify.ir.Layer;
import org.lipreg.certify.ir.Network;

import java.util.Arrays;
import java.util.List;

/**
 * The IR's forward pass in plain float64 loops, written from the layers' definitions for the
 * tests (independent of the certifier's lowering, which does not take max pooling or group
 * norm yet). Values are one example, channel-major.
 */
final class ReferenceForward {

    private ReferenceForward() {}

    static double[] of(Network network, double[] x) {
        return layers(network.layers(), network.inputShape(), x);
    }

    private static double[] layers(List<Layer> layers, int[] shape, double[] x) {
        for (Layer layer : layers) {
            x = layer(layer, shape, x);
            shape = LayerShapes.outputShape(layer, shape);
        }
        return x;
    }

    private static double[] layer(Layer layer, int[] in, double[] x) {
        if (layer instanceof Layer.Dense d) {
            int rows = d.weight().dim(0);
            int cols = d.weight().dim(1);
            double[] y = new double[rows];
            for (int i = 0; i < rows; i++) {
                double s = d.bias().data()[i];
                for (int j = 0; j < cols; j++) {
                    s += d.weight().data()[i * cols + j] * x[j];
                }
                y[i] = s;
            }
            return y;
        }
        if (layer instanceof Layer.Conv2d c) {
            return conv(c, in, x);
        }
        if (layer instanceof Layer.AvgPool2d p) {
            return pool(in, x, p.kernel(), p.stride(), p.padding(), false);
        }
        if (layer instanceof Layer.MaxPool2d p) {
            return pool(in, x, p.kernel(), p.stride(), p.padding(), true);
        }
        if (layer instanceof Layer.ChannelAffine a) {
            int per = x.length / in[0];
            double[] y = new double[x.length];
            for (int i = 0; i < x.length; i++) {
                y[i] = a.scale().data()[i / per] * x[i] + a.shift().data()[i / per];
            }
            return y;
        }
        if (layer instanceof Layer.Relu r) {
            return Arrays.stream(x).map(v -> v >= 0 ? v : r.negativeSlope() * v).toArray();
        }
        if (layer instanceof Layer.GroupSort g) {
            int per = x.length / in[0];
            double[] y = new double[x.length];
            for (int start = 0; start < in[0]; start += g.size()) {
                for (int s = 0; s < per; s++) {
                    double[] group = new double[g.size()];
                    for (int k = 0; k < g.size(); k++) {
                        group[k] = x[(start + k) * per + s];
                    }
                    Arrays.sort(group);
                    for (int k = 0; k < g.size(); k++) {
                        y[(start + k) * per + s] = group[g.size() - 1 - k];
                    }
                }
            }
            return y;
        }
        if (layer instanceof Layer.GroupNorm g) {
            int channels = in[0];
            int per = x.length / channels;
            int size = channels / g.groups();
            double[] y = new double[x.length];
            for (int group = 0; group < g.groups(); group++) {
                int from = group * size * per;
                int to = from + size * per;
                double mean = 0;
                for (int i = from; i < to; i++) {
                    mean += x[i];
                }
                mean /= to - from;
                double var = 0;
                for (int i = from; i < to; i++) {
                    var += (x[i] - mean) * (x[i] - mean);
                }
                var /= to - from;
                for (int i = from; i < to; i++) {
                    int c = i / per;
                    y[i] = g.scale().data()[c] * (x[i] - mean) / Math.sqrt(var + g.epsilon()) + g.shift().data()[c];
                }
            }
            return y;
        }
        if (layer instanceof Layer.Flatten) {
            return x;
        }
        if (layer instanceof Layer.Residual r) {
            double[] a = layers(r.body(), in, x);
            double[] b = layers(r.shortcut(), in, x);
            double[] y = new double[a.length];
            for (int i = 0; i < y.length; i++) {
                y[i] = a[i] + b[i];
            }
            return y;
        }
        throw new IllegalArgumentException("no reference for " + layer);
    }

    private static double[] conv(Layer.Conv2d c, int[] in, double[] x) {
        int[] out = LayerShapes.outputShape(c, in);
        int cin = c.weight().dim(1);
        int kh = c.weight().dim(2);
        int kw = c.weight().dim(3);
        int perGroup = out[0] / c.groups();
        double[] y = new double[out[0] * out[1] * out[2]];
        for (int o = 0; o < out[0]; o++) {
            int group = o / perGroup;
            for (int i = 0; i < out[1]; i++) {
                for (int j = 0; j < out[2]; j++) {
                    double s = c.bias().data()[o];
                    for (int ci = 0; ci < cin; ci++) {
                        int channel = group * cin + ci;
                        for (int u = 0; u < kh; u++) {
                            for (int v = 0; v < kw; v++) {
                                int r = i * c.stride()[0] - c.padding()[0] + u * c.dilation()[0];
                                int q = j * c.stride()[1] - c.padding()[1] + v * c.dilation()[1];
                                if (r >= 0 && r < in[1] && q >= 0 && q < in[2]) {
                                    s += c.weight().data()[((o * cin + ci) * kh + u) * kw + v]
                                            * x[(channel * in[1] + r) * in[2] + q];
                                }
                            }
                        }
                    }
                    y[(o * out[1] + i) * out[2] + j] = s;
                }
            }
        }
        return y;
    }

    /** Average pooling counts padded zeros; in max pooling padded positions never win. */
    private static double[] pool(int[] in, double[] x, int[] kernel, int[] stride, int[] padding, boolean max) {
        int oh = (in[1] + 2 * padding[0] - kernel[0]) / stride[0] + 1;
        int ow = (in[2] + 2 * padding[1] - kernel[1]) / stride[1] + 1;
        double[] y = new double[in[0] * oh * ow];
        for (int c = 0; c < in[0]; c++) {
            for (int i = 0; i < oh; i++) {
                for (int j = 0; j < ow; j++) {
                    double acc = max ? Double.NEGATIVE_INFINITY : 0;
                    for (int u = 0; u < kernel[0]; u++) {
                        for (int v = 0; v < kernel[1]; v++) {
                            int r = i * stride[0] - padding[0] + u;
                            int q = j * stride[1] - padding[1] + v;
                            if (r >= 0 && r < in[1] && q >= 0 && q < in[2]) {
                                double value = x[(c * in[1] + r) * in[2] + q];
                                acc = max ? Math.max(acc, value) : acc + value;
                            }
                        }
                    }
                    y[(c * oh + i) * ow + j] = max ? acc : acc / (kernel[0] * kernel[1]);
                }
            }
        }
        return y;
    }
}
