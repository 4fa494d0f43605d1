package org.lipreg.certify.onnx;

import org.lipreg.certify.ir.Layer;
import org.lipreg.certify.ir.Tensor;

/**
 * Appends a layer to a chain, fusing it into the layer before where the fusion is exact in
 * real arithmetic: a per-channel affine map (batch norm, bias add, input normalization) into
 * a preceding convolution, dense layer, per-channel affine map or group norm; a permutation
 * (the interleaving around a MaxMin of two halves) into a neighbouring dense layer, which only
 * reorders its rows or columns. The fused value is a new link, so other users of the unfused
 * tensor still see it.
 */
final class LayerFolding {

    private LayerFolding() {}

    /**
     * Appends {@code layer} to {@code chain}.
     *
     * @param chain the value
     * @param layer the layer
     * @return the new value
     * @throws IllegalArgumentException if the shapes do not fit
     */
    static Chain append(Chain chain, Layer layer) {
        Layer previous = chain.layer();
        if (layer instanceof Layer.Flatten && chain.shape().length == 1) {
            return chain;
        }
        if (layer instanceof Layer.ChannelAffine a && previous != null) {
            double[] s = a.scale().data();
            double[] t = a.shift().data();
            if (s.length == chain.channels()) {
                if (previous instanceof Layer.Conv2d c) {
                    return chain.parent().then(new Layer.Conv2d(scaleRows(c.weight(), s), affine(c.bias(), s, t),
                            c.stride(), c.padding(), c.dilation(), c.groups()));
                }
                if (previous instanceof Layer.Dense d) {
                    return chain.parent().then(new Layer.Dense(scaleRows(d.weight(), s), affine(d.bias(), s, t)));
                }
                if (previous instanceof Layer.ChannelAffine p) {
                    return chain.parent().then(new Layer.ChannelAffine(times(p.scale(), s), affine(p.shift(), s, t)));
                }
                if (previous instanceof Layer.GroupNorm g) {
                    return chain.parent().then(new Layer.GroupNorm(g.groups(), g.epsilon(), times(g.scale(), s),
                            affine(g.shift(), s, t)));
                }
            }
        }
        if (layer instanceof Layer.Dense d && isIdentity(d)) {
            return chain; // what remains of two permutations that undo each other
        }
        if (layer instanceof Layer.Dense second && previous instanceof Layer.Dense first
                && (isPermutation(first) || isPermutation(second))) {
            // One factor is a permutation: every entry of the product is one product with 1.
            return chain.parent().then(compose(first, second));
        }
        return chain.then(layer);
    }

    /** Whether a dense layer is a permutation of its input, without bias. */
    static boolean isPermutation(Layer.Dense d) {
        int rows = d.weight().dim(0);
        int cols = d.weight().dim(1);
        if (rows != cols) {
            return false;
        }
        for (double b : d.bias().data()) {
            if (b != 0) {
                return false;
            }
        }
        int[] perRow = new int[rows];
        int[] perCol = new int[cols];
        double[] w = d.weight().data();
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                double v = w[i * cols + j];
                if (v == 1) {
                    perRow[i]++;
                    perCol[j]++;
                } else if (v != 0) {
                    return false;
                }
            }
        }
        for (int i = 0; i < rows; i++) {
            if (perRow[i] != 1 || perCol[i] != 1) {
                return false;
            }
        }
        return true;
    }

    /** Whether a dense layer is the identity: a permutation with its ones on the diagonal. */
    private static boolean isIdentity(Layer.Dense d) {
        if (!isPermutation(d)) {
            return false;
        }
        int n = d.weight().dim(0);
        for (int i = 0; i < n; i++) {
            if (d.weight().data()[i * n + i] != 1) {
                return false;
            }
        }
        return true;
    }

    /** {@code second ∘ first}: weight W₂W₁, bias W₂b₁ + b₂. */
    private static Layer.Dense compose(Layer.Dense first, Layer.Dense second) {
        int out = second.weight().dim(0);
        int mid = second.weight().dim(1);
        int in = first.weight().dim(1);
        double[] w1 = first.weight().data();
        double[] w2 = second.weight().data();
        double[] b1 = first.bias().data();
        double[] w = new double[out * in];
        double[] b = second.bias().data().clone();
        for (int i = 0; i < out; i++) {
            for (int k = 0; k < mid; k++) {
                double a = w2[i * mid + k];
                if (a == 0) {
                    continue;
                }
                for (int j = 0; j < in; j++) {
                    w[i * in + j] += a * w1[k * in + j];
                }
                b[i] += a * b1[k];
            }
        }
        return new Layer.Dense(new Tensor(new int[] {out, in}, w), new Tensor(new int[] {out}, b));
    }

    private static Tensor scaleRows(Tensor t, double[] scale) {
        double[] data = t.data().clone();
        int per = data.length / scale.length;
        for (int i = 0; i < data.length; i++) {
            data[i] *= scale[i / per];
        }
        return new Tensor(t.shape(), data);
    }

    private static Tensor times(Tensor t, double[] scale) {
        return scaleRows(t, scale);
    }

    /** {@code s·v + t} per channel. */
    private static Tensor affine(Tensor v, double[] s, double[] t) {
        double[] data = v.data().clone();
        for (int i = 0; i < data.length; i++) {
            data[i] = data[i] * s[i] + t[i];
        }
        return new Tensor(v.shape(), data);
    }
}
