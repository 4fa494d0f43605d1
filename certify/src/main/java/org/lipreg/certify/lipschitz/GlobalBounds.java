package org.lipreg.certify.lipschitz;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.EigenDecomposition;
import org.lipreg.certify.ir.LayerShapes;
import org.lipreg.certify.graph.Graph;
import org.lipreg.certify.graph.Affine;
import org.lipreg.certify.ir.Layer;
import org.lipreg.certify.ir.Network;

import java.util.List;

/**
 * Global Lipschitz bounds: the product of per-layer operator norms, valid everywhere (DESIGN
 * §4.2). Activations (ReLU, leaky ReLU with slope ≤ 1, GroupSort) are 1-Lipschitz in ℓ2 and ℓ∞;
 * a residual {@code body + shortcut} is bounded by the sum of the two branches' bounds.
 */
public final class GlobalBounds {

    /**
     * Relative margin on computed singular values. The Gram product and the symmetric eigen
     * solver are backward stable: their errors in λ_max are at most about k·u·‖W‖₂² (k the inner
     * size, u = 2⁻⁵³), under 1e-11 relative for k ≤ 10⁵; the margin is 100 times that.
     */
    private static final double SVD_MARGIN = 1e-9;

    private GlobalBounds() {}

    /**
     * Returns the ℓ∞ → ℓ∞ product bound (max row ℓ1 norm per layer).
     *
     * @param network the network
     * @return the bound on {@code ‖f(x) − f(y)‖∞ / ‖x − y‖∞}
     */
    public static double linfProduct(Network network) {
        return linf(network.layers(), network.inputShape());
    }

    /**
     * Returns the naive bound on {@code ‖∇(c·f)‖₁} per spec row: {@code ‖W_Lᵀ c‖₁} times the
     * product of the other layers' ℓ∞ norms when the last layer is dense, else
     * {@code ‖c‖₁ · linfProduct}.
     *
     * @param network the network
     * @param specs the rows c
     * @return one bound per row
     */
    public static double[] linfPerSpec(Network network, double[][] specs) {
        List<Layer> layers = network.layers();
        Layer last = layers.isEmpty() ? null : layers.get(layers.size() - 1);
        double[] out = new double[specs.length];
        if (last instanceof Layer.Dense dense) {
            double rest = linf(layers.subList(0, layers.size() - 1), network.inputShape());
            int rows = dense.weight().dim(0);
            int cols = dense.weight().dim(1);
            double[] w = dense.weight().data();
            for (int s = 0; s < specs.length; s++) {
                double norm = 0;
                for (int j = 0; j < cols; j++) {
                    // (c·W)_j between lo and hi whatever the rounding: each product and sum
                    // stepped one ulp outward.
                    double lo = 0;
                    double hi = 0;
                    for (int i = 0; i < rows; i++) {
                        double p = specs[s][i] * w[i * cols + j];
                        lo = Math.nextDown(lo + Math.nextDown(p));
                        hi = Math.nextUp(hi + Math.nextUp(p));
                    }
                    norm = up(norm + Math.max(Math.abs(lo), Math.abs(hi)));
                }
                out[s] = up(norm * rest);
            }
            return out;
        }
        double all = linfProduct(network);
        for (int s = 0; s < specs.length; s++) {
            double norm = 0;
            for (double c : specs[s]) {
                norm = up(norm + Math.abs(c));
            }
            out[s] = up(norm * all);
        }
        return out;
    }

    /**
     * Returns the ℓ2 product bound (largest singular value per layer, by a symmetric eigen
     * decomposition of the smaller Gram matrix in double precision).
     *
     * @param network the network
     * @param manager for the scratch arrays
     * @return the bound on {@code ‖f(x) − f(y)‖₂ / ‖x − y‖₂}
     */
    public static double l2Product(Network network, NDManager manager) {
        return l2(network.layers(), network.inputShape(), manager);
    }

    private static double linf(List<Layer> layers, int[] shape) {
        double product = 1;
        int[] current = shape;
        for (Layer layer : layers) {
            product = up(product * linf(layer, current));
            current = LayerShapes.outputShape(layer, current);
        }
        return product;
    }

    private static double linf(Layer layer, int[] shape) {
        if (layer instanceof Layer.Dense d) {
            return maxRowAbsSum(d.weight().data(), d.weight().dim(0));
        }
        if (layer instanceof Layer.Conv2d c) {
            // Each output sums |w| over at most its whole kernel (padding only removes terms).
            return maxRowAbsSum(c.weight().data(), c.weight().dim(0));
        }
        if (layer instanceof Layer.ChannelAffine a) {
            double m = 0;
            for (double v : a.scale().data()) {
                m = Math.max(m, Math.abs(v));
            }
            return m;
        }
        if (layer instanceof Layer.Residual r) {
            return up(linf(r.body(), shape) + linf(r.shortcut(), shape));
        }
        if (layer instanceof Layer.GroupNorm g) {
            // Row i of ∂x̂/∂x is r·(e_i − 1/n − x̂_i·x̂/n): ℓ1 norm ≤ r·(2 + |x̂_i|·‖x̂‖₁/n) with
            // |x̂_i| ≤ √(n − 1), ‖x̂‖₁ ≤ √n·‖x̂‖₂ ≤ n, and r ≤ 1/√ε.
            int n = java.util.Arrays.stream(shape).reduce(1, (a, b) -> a * b) / g.groups();
            return up(up(maxAbs(g.scale().data()) * up(2 + up(Math.sqrt(n - 1)))) / Math.nextDown(Math.sqrt(g.epsilon())));
        }
        if (layer instanceof Layer.Householder h) { // continuous, linear pieces I and I − 2uuᵀ
            return up(up(h.linfNorm())); // cos and sin are within an ulp
        }
        return 1; // ReLU, leaky ReLU, GroupSort, flatten, average and max pooling
    }

    private static double maxAbs(double[] values) {
        double m = 0;
        for (double v : values) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }

    /**
     * One ulp up: an upper bound on the exact value of a correctly rounded operation on
     * non-negative upper bounds, so the naive bounds stay above the true products (sound in
     * floating point, like every other bound).
     */
    private static double up(double rounded) {
        return Math.nextUp(rounded);
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    private static double maxRowAbsSum(double[] data, int rows) {
        int cols = data.length / rows;
        double max = 0;
        for (int i = 0; i < rows; i++) {
            double sum = 0;
            for (int j = 0; j < cols; j++) {
                sum = up(sum + Math.abs(data[i * cols + j]));
            }
            max = Math.max(max, sum);
        }
        return max;
    }

    private static double l2(List<Layer> layers, int[] shape, NDManager manager) {
        double product = 1;
        int[] current = shape;
        for (Layer layer : layers) {
            product = up(product * l2(layer, current, manager));
            current = LayerShapes.outputShape(layer, current);
        }
        return product;
    }

    private static double l2(Layer layer, int[] shape, NDManager manager) {
        if (layer instanceof Layer.Residual r) {
            return up(l2(r.body(), shape, manager) + l2(r.shortcut(), shape, manager));
        }
        if (layer instanceof Layer.ChannelAffine a) {
            return linf(layer, shape);
        }
        if (layer instanceof Layer.GroupNorm g) {
            // ∂x̂/∂x = r·(P − x̂x̂ᵀ/n) with x̂ ⊥ 1 and ‖x̂‖² ≤ n: eigenvalues in [0, r], r ≤ 1/√ε.
            return up(maxAbs(g.scale().data()) / Math.nextDown(Math.sqrt(g.epsilon())));
        }
        if (layer instanceof Layer.MaxPool2d p) {
            // An input lies in at most ⌈k/s⌉ windows per axis, each output moves by at most its change.
            int windows = ceilDiv(p.kernel()[0], p.stride()[0]) * ceilDiv(p.kernel()[1], p.stride()[1]);
            return up(Math.sqrt(windows));
        }
        if (layer instanceof Layer.Dense || layer instanceof Layer.Conv2d || layer instanceof Layer.AvgPool2d) {
            // σ_max from the Gram matrix of Aᵀ = A applied to the identity: exact, and sized
            // inputs × outputs, so only for the global product bound of small layers.
            try (Graph g = Graph.of(new Network(shape, List.of(layer)), manager)) {
                Affine affine = (Affine) g.node(1);
                int n = affine.map().inputSize();
                NDArray transposed = affine.map().apply(g.getManager().eye(n, n, 0, DataType.FLOAT64));
                return spectralNorm(transposed);
            }
        }
        return 1;
    }

    /**
     * Returns the largest singular value of a matrix, with a small relative margin so that it
     * bounds the true value despite rounding.
     *
     * @param w a float64 matrix
     * @return σ_max(W) · (1 + 1e-9)
     */
    static double spectralNorm(NDArray w) {
        long rows = w.getShape().get(0);
        long cols = w.getShape().get(1);
        NDArray gram = rows <= cols ? w.matMul(w.transpose()) : w.transpose().matMul(w);
        int n = Math.toIntExact(gram.getShape().get(0));
        double[] flat = gram.toType(DataType.FLOAT64, false).toDoubleArray();
        gram.close();
        double[][] m = new double[n][n];
        for (int i = 0; i < n; i++) {
            System.arraycopy(flat, i * n, m[i], 0, n);
        }
        double max = 0;
        for (double ev : new EigenDecomposition(new Array2DRowRealMatrix(m, false)).getRealEigenvalues()) {
            max = Math.max(max, ev);
        }
        return Math.sqrt(max) * (1 + SVD_MARGIN);
    }
}
