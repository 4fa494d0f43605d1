package org.lipreg.training.regularizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

/**
 * The fused power iteration ({@code σ = ‖A(W) v‖} from the last product) against plain double
 * loops: the convolution and its adjoint written out index by index, σ as ⟨u, A v⟩ with the
 * final vectors, and its gradient as the sum over output positions of {@code u · v}.
 */
class LayerOperatorTest {

    /** A convolution of one sample, written out: (ci, h, w) → (co, oh, ow). */
    private record Conv(int ci, int h, int w, int co, int kh, int kw, int stride, int pad, int dil, int groups) {
        int oh() {
            return (h + 2 * pad - dil * (kh - 1) - 1) / stride + 1;
        }

        int ow() {
            return (w + 2 * pad - dil * (kw - 1) - 1) / stride + 1;
        }

        /** Calls {@code visit(weightIndex, inputIndex, outputIndex)} for every product the convolution sums. */
        void forEachTerm(TermVisitor visit) {
            int cinG = ci / groups;
            int coutG = co / groups;
            for (int o = 0; o < co; o++) {
                int g = o / coutG;
                for (int i = 0; i < cinG; i++) {
                    for (int a = 0; a < kh; a++) {
                        for (int b = 0; b < kw; b++) {
                            int wi = ((o * cinG + i) * kh + a) * kw + b;
                            for (int y = 0; y < oh(); y++) {
                                for (int x = 0; x < ow(); x++) {
                                    int r = y * stride - pad + a * dil;
                                    int c = x * stride - pad + b * dil;
                                    if (r >= 0 && r < h && c >= 0 && c < w) {
                                        visit.term(wi, ((g * cinG + i) * h + r) * w + c, (o * oh() + y) * ow() + x);
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }

        double[] apply(double[] weight, double[] v) {
            double[] out = new double[co * oh() * ow()];
            forEachTerm((wi, in, o) -> out[o] += weight[wi] * v[in]);
            return out;
        }

        double[] adjoint(double[] weight, double[] u) {
            double[] out = new double[ci * h * w];
            forEachTerm((wi, in, o) -> out[in] += weight[wi] * u[o]);
            return out;
        }

        double[] gradient(double[] u, double[] v) {
            double[] out = new double[co * (ci / groups) * kh * kw];
            forEachTerm((wi, in, o) -> out[wi] += u[o] * v[in]);
            return out;
        }
    }

    private interface TermVisitor {
        void term(int weightIndex, int inputIndex, int outputIndex);
    }

    private static double[] unit(double[] x) {
        double norm = Math.sqrt(Arrays.stream(x).map(d -> d * d).sum());
        return Arrays.stream(x).map(d -> d / norm).toArray();
    }

    private static double[] gaussian(Random random, int n) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = random.nextGaussian();
        }
        return x;
    }

    @Test
    void fusedSigmaMatchesPlainLoopPowerIterationAndItsGradient() {
        Conv[] cases = {
            new Conv(4, 6, 5, 4, 3, 2, 1, 1, 1, 1),
            new Conv(4, 7, 6, 3, 3, 3, 2, 0, 1, 1),
            new Conv(2, 8, 7, 4, 2, 3, 2, 1, 2, 1),
            new Conv(4, 6, 6, 6, 3, 3, 1, 0, 1, 2),
        };
        for (Conv c : cases) {
            for (int iterations : new int[] {1, 3}) {
                LayerOperator op = new LayerOperator.Convolution(new Shape(c.ci(), c.h(), c.w()),
                        new Shape(c.kh(), c.kw()), new Shape(c.stride(), c.stride()), new Shape(c.pad(), c.pad()),
                        new Shape(c.dil(), c.dil()), c.groups(), c.co());
                Shape weightShape = new Shape(c.co(), c.ci() / c.groups(), c.kh(), c.kw());
                check(c + " × " + iterations, op, weightShape, c::apply, c::adjoint, c::gradient, iterations);
            }
        }
    }

    @Test
    void fusedSigmaOfADenseLayerMatchesPlainLoops() {
        int rows = 3;
        int cols = 5;
        Conv asMatrix = new Conv(cols, 1, 1, rows, 1, 1, 1, 0, 1, 1); // a 1×1 convolution of a 1×1 image
        LayerOperator op = new LayerOperator.Matrix(new Shape(rows, cols));
        check("matrix", op, new Shape(rows, cols), asMatrix::apply, asMatrix::adjoint, asMatrix::gradient, 2);
    }

    private interface Map2 {
        double[] of(double[] a, double[] b);
    }

    private static void check(String label, LayerOperator op, Shape weightShape, Map2 apply, Map2 adjoint,
            Map2 gradient, int iterations) {
        Random random = new Random(label.hashCode());
        double[] w = gaussian(random, (int) weightShape.size());
        double[] u0 = unit(gaussian(random, (int) op.outputShape().size()));
        // Reference, in double: iterations − 1 full iterations, then v, y = A v, σ = ‖y‖, u = y/σ.
        double[] u = u0;
        double[] v = null;
        double[] y = null;
        for (int i = 0; i < iterations; i++) {
            v = unit(adjoint.of(w, u));
            y = apply.of(w, v);
            u = unit(y);
        }
        double sigma = 0;
        for (int i = 0; i < y.length; i++) {
            sigma += u[i] * y[i];
        }
        double[] expectedGradient = gradient.of(u, v);

        try (NDManager m = NDManager.newBaseManager(); NDScope scope = new NDScope()) {
            NDArray weight = m.create(w, weightShape);
            weight.setRequiresGradient(true);
            NDArray[] uvs;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                uvs = op.powerIterateWithSigma(weight, m.create(u0, op.outputShape()), iterations);
                gc.backward(uvs[2]);
            }
            assertEquals(sigma, uvs[2].getDouble(), 1e-10 * sigma, label + ": σ");
            assertArrayEquals(u, uvs[0].toDoubleArray(), 1e-10, label + ": u");
            assertArrayEquals(v, uvs[1].toDoubleArray(), 1e-10, label + ": v");
            assertArrayEquals(expectedGradient, weight.getGradient().toDoubleArray(), 1e-10, label + ": ∂σ/∂W");
            scope.suppressNotUsedWarning();
        }
    }
}
