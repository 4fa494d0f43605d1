package org.lipreg.certify.lipsdp;

import org.lipreg.certify.ir.Layer;
import org.lipreg.certify.ir.Network;
import org.lipreg.certify.ir.UnsupportedLayerException;

import java.util.ArrayList;
import java.util.List;

/**
 * A feedforward network as LipSDP sees it, in float64: {@code v_1 = W_1 x + b_1},
 * {@code z_k = φ_k(v_k)}, {@code v_{k+1} = W_{k+1} z_k + b_{k+1}}, {@code y = W_L z_{L−1} + b_L};
 * a residual layer k has {@code z_k = z_{k−1} + φ_k(v_k)} instead (the form of Pauli et al.'s
 * {@code LipschitzEstimationRes.m}: an identity shortcut around one dense layer and its activation).
 * Consecutive dense layers are multiplied into one (the map is the same), flatten is a no-op, a
 * network that ends in an activation gets an identity output layer, a dense layer right before a
 * residual block becomes a hidden layer with {@link HiddenActivation.Identity}.
 *
 * @param weights {@code W_1 … W_L}, each {@code [out][in]}
 * @param biases {@code b_1 … b_L}
 * @param activations {@code φ_1 … φ_{L−1}}
 * @param residual for each hidden layer, whether it adds its input to {@code φ_k(v_k)}
 */
public record DenseChain(List<double[][]> weights, List<double[]> biases, List<HiddenActivation> activations,
        List<Boolean> residual) {

    /**
     * A chain without residual layers.
     *
     * @param weights {@code W_1 … W_L}, each {@code [out][in]}
     * @param biases {@code b_1 … b_L}
     * @param activations {@code φ_1 … φ_{L−1}}
     */
    public DenseChain(List<double[][]> weights, List<double[]> biases, List<HiddenActivation> activations) {
        this(weights, biases, activations, java.util.Collections.nCopies(activations.size(), false));
    }

    /**
     * Checks that the layers fit together.
     *
     * @param weights {@code W_1 … W_L}, each {@code [out][in]}
     * @param biases {@code b_1 … b_L}
     * @param activations {@code φ_1 … φ_{L−1}}
     * @param residual for each hidden layer, whether it is residual
     */
    public DenseChain {
        weights = List.copyOf(weights);
        biases = List.copyOf(biases);
        activations = List.copyOf(activations);
        residual = List.copyOf(residual);
        if (weights.isEmpty() || biases.size() != weights.size() || activations.size() != weights.size() - 1
                || residual.size() != activations.size()) {
            throw new IllegalArgumentException("a chain needs L weight matrices, L biases, L−1 activations and L−1 "
                    + "residual flags");
        }
        for (int k = 0; k < residual.size(); k++) {
            if (residual.get(k) && (weights.get(k).length != weights.get(k)[0].length
                    || activations.get(k) instanceof HiddenActivation.Identity)) {
                throw new IllegalArgumentException("layer " + (k + 1) + ": a residual layer needs a square weight "
                        + "and an activation");
            }
        }
        for (int k = 0; k < weights.size(); k++) {
            if (biases.get(k).length != weights.get(k).length) {
                throw new IllegalArgumentException("layer " + (k + 1) + ": bias length differs from the rows");
            }
            if (k > 0 && weights.get(k)[0].length != weights.get(k - 1).length) {
                throw new IllegalArgumentException("layer " + (k + 1) + ": " + weights.get(k)[0].length
                        + " inputs after " + weights.get(k - 1).length + " outputs");
            }
        }
    }

    /**
     * Reads an IR network made of dense layers, ReLU / leaky ReLU, GroupSort, flatten, and residual
     * blocks {@code x + φ(Wx + b)} (identity shortcut, a body of one dense layer and its activation).
     *
     * @param network the network
     * @return the chain
     * @throws UnsupportedLayerException naming the first layer LipSDP here cannot handle
     */
    public static DenseChain of(Network network) {
        List<double[][]> weights = new ArrayList<>();
        List<double[]> biases = new ArrayList<>();
        List<HiddenActivation> activations = new ArrayList<>();
        List<Boolean> residual = new ArrayList<>();
        double[][] pendingW = null;
        double[] pendingB = null;
        List<Layer> layers = network.layers();
        for (int i = 0; i < layers.size(); i++) {
            Layer layer = layers.get(i);
            String path = "#" + i + " " + layer.getClass().getSimpleName();
            if (layer instanceof Layer.Flatten) {
                continue;
            }
            if (layer instanceof Layer.Dense dense) {
                double[][] w = matrix(dense);
                double[] b = dense.bias().data().clone();
                if (pendingW == null && weights.isEmpty() && w[0].length != network.inputSize()) {
                    throw new UnsupportedLayerException(path, "expects " + w[0].length + " inputs, the network has "
                            + network.inputSize());
                }
                if (pendingW != null) { // two dense layers in a row: one affine map
                    b = add(multiply(w, pendingB), b);
                    w = multiply(w, pendingW);
                }
                pendingW = w;
                pendingB = b;
                continue;
            }
            if (layer instanceof Layer.Residual res) {
                if (pendingW != null) { // the block reads this dense layer's output as it is
                    weights.add(pendingW);
                    biases.add(pendingB);
                    activations.add(new HiddenActivation.Identity());
                    residual.add(false);
                    pendingW = null;
                    pendingB = null;
                }
                int width = weights.isEmpty() ? network.inputSize() : weights.get(weights.size() - 1).length;
                Layer.Dense body = residualBody(res, path, width);
                double[][] w = matrix(body);
                HiddenActivation activation = activation(res.body().get(1), path);
                checkGroups(activation, w.length, path);
                weights.add(w);
                biases.add(body.bias().data().clone());
                activations.add(activation);
                residual.add(true);
                continue;
            }
            HiddenActivation activation = activation(layer, path);
            if (pendingW == null) {
                throw new UnsupportedLayerException(path, "an activation needs a dense layer before it");
            }
            checkGroups(activation, pendingW.length, path);
            weights.add(pendingW);
            biases.add(pendingB);
            activations.add(activation);
            residual.add(false);
            pendingW = null;
            pendingB = null;
        }
        if (pendingW == null) {
            if (weights.isEmpty()) {
                throw new UnsupportedLayerException("#0", "the network has no dense layer");
            }
            int width = weights.get(weights.size() - 1).length;
            pendingW = identity(width);
            pendingB = new double[width];
        }
        weights.add(pendingW);
        biases.add(pendingB);
        return new DenseChain(weights, biases, activations, residual);
    }

    private static HiddenActivation activation(Layer layer, String path) {
        if (layer instanceof Layer.Relu r) {
            return new HiddenActivation.Relu(r.negativeSlope());
        }
        if (layer instanceof Layer.GroupSort g) {
            return new HiddenActivation.GroupSort(g.size());
        }
        if (layer instanceof Layer.Householder h) {
            return new HiddenActivation.Householder(h.angle());
        }
        throw new UnsupportedLayerException(path, "LipSDP here handles dense networks with ReLU, GroupSort / MaxMin or"
                + " Householder (and residual blocks of them) only");
    }

    private static void checkGroups(HiddenActivation activation, int width, String path) {
        if (activation instanceof HiddenActivation.GroupSort g && width % g.size() != 0) {
            throw new UnsupportedLayerException(path, "GroupSort of size " + g.size() + " on width " + width
                    + ", not a multiple");
        }
        if (activation instanceof HiddenActivation.Householder && width % 2 != 0) {
            throw new UnsupportedLayerException(path, "the Householder activation on an odd width " + width);
        }
    }

    /** The dense layer of a residual block {@code x + φ(Wx + b)}, or a refusal naming what differs. */
    private static Layer.Dense residualBody(Layer.Residual res, String path, int width) {
        if (!res.shortcut().isEmpty()) {
            throw new UnsupportedLayerException(path, "a shortcut with layers (LipSDP here reads identity shortcuts)");
        }
        if (res.body().size() != 2 || !(res.body().get(0) instanceof Layer.Dense body)
                || res.body().get(1) instanceof Layer.Dense) {
            throw new UnsupportedLayerException(path, "LipSDP here reads residual bodies of one dense layer and its"
                    + " activation, x + φ(Wx + b)");
        }
        if (body.weight().dim(0) != width || body.weight().dim(1) != width) {
            throw new UnsupportedLayerException(path, "a residual dense layer of " + body.weight().dim(1) + " → "
                    + body.weight().dim(0) + " on width " + width);
        }
        return body;
    }

    /** @return the number of affine layers L */
    public int depth() {
        return weights.size();
    }

    /**
     * Returns the width of {@code z_k}: {@code k = 0} is the input, {@code k = L} the output.
     *
     * @param k the index
     * @return the width
     */
    public int width(int k) {
        return k == 0 ? weights.get(0)[0].length : weights.get(k - 1).length;
    }

    /**
     * Returns the Jacobian {@code ∂y/∂x} at a point, as the product of the weights and the
     * activations' derivatives there (MaxMin's is a permutation per pair, ReLU's a 0/1 or
     * slope/1 diagonal).
     *
     * @param x the input
     * @return {@code [outputs][inputs]}
     */
    public double[][] jacobian(double[] x) {
        double[][] jac = identity(x.length);
        double[] z = x;
        for (int k = 0; k < depth(); k++) {
            double[] v = add(multiply(weights.get(k), z), biases.get(k));
            double[][] before = jac;
            double[] input = z;
            jac = multiply(weights.get(k), jac);
            if (k == depth() - 1) {
                break;
            }
            z = v.clone();
            if (activations.get(k) instanceof HiddenActivation.Relu r) {
                for (int i = 0; i < v.length; i++) {
                    double slope = v[i] > 0 ? 1 : r.slope();
                    z[i] = slope * v[i];
                    for (int j = 0; j < jac[i].length; j++) {
                        jac[i][j] *= slope;
                    }
                }
            } else if (activations.get(k) instanceof HiddenActivation.Identity) {
                continue; // z_k = v_k, never residual
            } else if (activations.get(k) instanceof HiddenActivation.Householder h) {
                double c = Math.cos(h.angle());
                double s = Math.sin(h.angle());
                for (int a = 0; a < v.length; a += 2) {
                    double along = c * v[a] + s * v[a + 1];
                    if (along <= 0) { // reflected: z − 2(uᵀz)u, and the rows by I − 2uuᵀ
                        z[a] = v[a] - 2 * along * c;
                        z[a + 1] = v[a + 1] - 2 * along * s;
                        for (int j = 0; j < jac[a].length; j++) {
                            double rowAlong = c * jac[a][j] + s * jac[a + 1][j];
                            jac[a][j] -= 2 * rowAlong * c;
                            jac[a + 1][j] -= 2 * rowAlong * s;
                        }
                    }
                }
            } else { // GroupSort: each group's rows in the order that sorts its values, descending
                int size = ((HiddenActivation.GroupSort) activations.get(k)).size();
                double[][] sorted = new double[v.length][];
                for (int a = 0; a < v.length; a += size) {
                    final int start = a;
                    Integer[] order = new Integer[size];
                    for (int i = 0; i < size; i++) {
                        order[i] = start + i;
                    }
                    java.util.Arrays.sort(order, (p, q) -> Double.compare(v[q], v[p])); // stable on ties
                    for (int i = 0; i < size; i++) {
                        z[start + i] = v[order[i]];
                        sorted[start + i] = jac[order[i]];
                    }
                }
                jac = sorted;
            }
            if (residual.get(k)) { // z_k = z_{k−1} + φ(v_k)
                for (int i = 0; i < z.length; i++) {
                    z[i] += input[i];
                    for (int j = 0; j < jac[i].length; j++) {
                        jac[i][j] += before[i][j];
                    }
                }
            }
        }
        return jac;
    }

    /**
     * Returns the product of the layers' spectral norms, the trivial upper bound (a residual layer
     * counts {@code 1 + ‖W_k‖₂}).
     *
     * @return {@code Π ‖W_k‖₂}
     */
    public double productBound() {
        double product = 1;
        for (int k = 0; k < weights.size(); k++) {
            double norm = SpectralNorm.of(weights.get(k));
            product *= isResidual(k) ? 1 + norm : norm;
        }
        return product;
    }

    /**
     * Whether a layer is residual.
     *
     * @param k the layer, 0-based ({@code W_{k+1}})
     * @return true for a residual hidden layer, false for others and the output layer
     */
    public boolean isResidual(int k) {
        return k < residual.size() && residual.get(k);
    }

    /**
     * Returns the trivial ℓ∞ bound of one output: ReLU and GroupSort never increase {@code ‖Δ‖∞}, so
     * {@code ‖c‖₁ Π_{k<L} ‖W_k‖_∞} with c row j of W_L and {@code ‖W‖_∞} the largest absolute row sum
     * ({@code 1 + ‖W_k‖_∞} for a residual layer); a Householder layer multiplies by its
     * reflection's {@code ‖I − 2uuᵀ‖_∞} when that exceeds 1.
     *
     * @param output the output j
     * @return the bound
     */
    public double productBoundLinf(int output) {
        double product = 1;
        for (int k = 0; k < weights.size(); k++) {
            double[][] w = weights.get(k);
            double largest = 0;
            for (int i = 0; i < w.length; i++) {
                if (k == weights.size() - 1 && i != output) {
                    continue;
                }
                double sum = 0;
                for (double v : w[i]) {
                    sum += Math.abs(v);
                }
                largest = Math.max(largest, sum);
            }
            if (k < activations.size() && activations.get(k) instanceof HiddenActivation.Householder h) {
                largest *= new Layer.Householder(h.angle()).linfNorm(); // the reflection can grow ‖·‖∞
            }
            product *= isResidual(k) ? 1 + largest : largest;
        }
        return product;
    }

    private static double[][] matrix(Layer.Dense dense) {
        int out = dense.weight().dim(0);
        int in = dense.weight().dim(1);
        double[][] w = new double[out][in];
        for (int i = 0; i < out; i++) {
            System.arraycopy(dense.weight().data(), i * in, w[i], 0, in);
        }
        return w;
    }

    static double[][] identity(int n) {
        double[][] id = new double[n][n];
        for (int i = 0; i < n; i++) {
            id[i][i] = 1;
        }
        return id;
    }

    static double[][] multiply(double[][] a, double[][] b) {
        double[][] c = new double[a.length][b[0].length];
        for (int i = 0; i < a.length; i++) {
            for (int k = 0; k < b.length; k++) {
                double aik = a[i][k];
                if (aik != 0) {
                    for (int j = 0; j < c[i].length; j++) {
                        c[i][j] += aik * b[k][j];
                    }
                }
            }
        }
        return c;
    }

    static double[] multiply(double[][] a, double[] x) {
        double[] y = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            double s = 0;
            for (int j = 0; j < x.length; j++) {
                s += a[i][j] * x[j];
            }
            y[i] = s;
        }
        return y;
    }

    private static double[] add(double[] a, double[] b) {
        double[] c = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            c[i] = a[i] + b[i];
        }
        return c;
    }
}
