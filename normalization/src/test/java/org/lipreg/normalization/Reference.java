package org.lipreg.normalization;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;

import java.util.Random;
import java.util.function.Supplier;

/** Plain double-precision references and a finite-difference gradient check, for tests. */
public final class Reference {

    private Reference() {}

    public static double[] random(Random r, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = r.nextGaussian();
        }
        return v;
    }

    /** WS in double: (w − mean) / √(biased variance + eps) per output row. */
    public static double[] standardize(double[] w, int out, double eps) {
        int n = w.length / out;
        double[] s = new double[w.length];
        for (int o = 0; o < out; o++) {
            double mean = 0;
            for (int k = 0; k < n; k++) {
                mean += w[o * n + k];
            }
            mean /= n;
            double ss = 0;
            for (int k = 0; k < n; k++) {
                ss += (w[o * n + k] - mean) * (w[o * n + k] - mean);
            }
            double root = Math.sqrt(ss / n + eps);
            for (int k = 0; k < n; k++) {
                s[o * n + k] = (w[o * n + k] - mean) / root;
            }
        }
        return s;
    }

    /** Direct convolution in double: x (N, C, H, W), w (F, C/g, kh, kw). */
    public static double[] conv2d(double[] x, int n, int c, int h, int wd, double[] w, int f, int kh, int kw,
            double[] bias, int stride, int pad, int groups) {
        int oh = (h + 2 * pad - kh) / stride + 1;
        int ow = (wd + 2 * pad - kw) / stride + 1;
        int cg = c / groups;
        int fg = f / groups;
        double[] y = new double[n * f * oh * ow];
        for (int b = 0; b < n; b++) {
            for (int o = 0; o < f; o++) {
                int g = o / fg;
                for (int i = 0; i < oh; i++) {
                    for (int j = 0; j < ow; j++) {
                        double s = bias == null ? 0 : bias[o];
                        for (int ci = 0; ci < cg; ci++) {
                            for (int u = 0; u < kh; u++) {
                                for (int v = 0; v < kw; v++) {
                                    int yy = i * stride - pad + u;
                                    int xx = j * stride - pad + v;
                                    if (yy < 0 || yy >= h || xx < 0 || xx >= wd) {
                                        continue;
                                    }
                                    int cin = g * cg + ci;
                                    s += x[((b * c + cin) * h + yy) * wd + xx] * w[((o * cg + ci) * kh + u) * kw + v];
                                }
                            }
                        }
                        y[((b * f + o) * oh + i) * ow + j] = s;
                    }
                }
            }
        }
        return y;
    }

    /** Group norm without affine in double: x (N, C, S) flattened. */
    public static double[] groupNorm(double[] x, int n, int c, int spatial, int groups, double eps) {
        double[] y = new double[x.length];
        int size = c / groups * spatial;
        for (int b = 0; b < n; b++) {
            for (int g = 0; g < groups; g++) {
                int start = (b * c + g * (c / groups)) * spatial;
                double mean = 0;
                for (int k = 0; k < size; k++) {
                    mean += x[start + k];
                }
                mean /= size;
                double var = 0;
                for (int k = 0; k < size; k++) {
                    var += (x[start + k] - mean) * (x[start + k] - mean);
                }
                var /= size;
                for (int k = 0; k < size; k++) {
                    y[start + k] = (x[start + k] - mean) / Math.sqrt(var + eps);
                }
            }
        }
        return y;
    }

    public static void assertClose(double[] expected, double[] actual, double tol, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            double scale = Math.max(1, Math.abs(expected[i]));
            assertEquals(expected[i], actual[i], tol * scale, what + " at " + i);
        }
    }

    /**
     * Checks the autograd gradient of {@code L = Σ c ⊙ block(x)} with respect to the input and to
     * every trainable parameter against central differences, all in float64.
     */
    public static void checkGradients(Block block, NDManager m, NDArray x, boolean training, Supplier<Void> beforeEachForward) {
        ParameterStore store = new ParameterStore(m, false);
        NDArray c;
        NDArray probeOut = block.forward(store, new NDList(x), training).head();
        c = m.randomNormal(probeOut.getShape(), DataType.FLOAT64);
        x.setRequiresGradient(true);
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            beforeEachForward.get();
            NDArray y = block.forward(store, new NDList(x), training).head();
            gc.backward(y.mul(c).sum());
        }
        checkOne("input", x, x.getGradient().toDoubleArray(), block, store, c, training, beforeEachForward, x);
        for (var pair : block.getParameters()) {
            Parameter p = pair.getValue();
            if (!p.requiresGradient()) {
                continue;
            }
            checkOne(pair.getKey(), p.getArray(), p.getArray().getGradient().toDoubleArray(), block, store, c,
                    training, beforeEachForward, x);
        }
    }

    private static void checkOne(String name, NDArray target, double[] analytic, Block block, ParameterStore store,
            NDArray c, boolean training, Supplier<Void> before, NDArray x) {
        double h = 1e-6;
        double[] values = target.toDoubleArray();
        int count = values.length;
        int step = Math.max(1, count / 40);
        for (int i = 0; i < count; i += step) {
            double original = values[i];
            values[i] = original + h;
            target.set(values);
            before.get();
            double plus = block.forward(store, new NDList(x), training).head().mul(c).sum().getDouble();
            values[i] = original - h;
            target.set(values);
            before.get();
            double minus = block.forward(store, new NDList(x), training).head().mul(c).sum().getDouble();
            values[i] = original;
            target.set(values);
            double numeric = (plus - minus) / (2 * h);
            assertEquals(numeric, analytic[i], 1e-5 * Math.max(1, Math.abs(numeric)), name + " gradient at " + i);
        }
    }
}
