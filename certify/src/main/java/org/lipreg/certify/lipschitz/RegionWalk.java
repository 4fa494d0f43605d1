package org.lipreg.certify.lipschitz;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;

import org.lipreg.certify.graph.Graph;
import org.lipreg.certify.graph.Activation;
import org.lipreg.normalization.engine.Scalars;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Raises a lower bound on {@code max ‖∇(c·f)‖₁} over the box by walking from region to region.
 *
 * <p>A ReLU network's gradient is constant on each activation region, so gradient ascent on the
 * norm has nothing to climb. But the effect of flipping one neuron k is exact and cheap: with
 * every other neuron fixed, the gradient changes by {@code (δ'_k − δ_k)·b_k·a_k}, where δ is the
 * neuron's derivative (1 or the negative slope), {@code b_k = ∂(c·f)/∂y_k} the backward signal
 * at its output and {@code a_k = ∂z_k/∂x} its pre-activation's gradient in the current region.
 * Each move predicts every single flip's norm, steps across the hyperplanes {@code z_k = 0} of
 * the most promising neurons (two ways: the shortest ℓ2 step and the ℓ∞-steepest one, both kept
 * in the box), evaluates those points exactly and moves to the best of them if it beats the
 * current norm. Neighbouring neurons may flip too on the way; that does not matter, since only
 * exact norms at points of the box are reported.
 */
public final class RegionWalk {

    private final Graph graph;
    private final GraphOracle oracle;
    private final int moves;
    private final int candidates;

    /**
     * Creates a walk.
     *
     * @param graph the lowered network
     * @param moves the most moves per spec row
     * @param candidates neurons tried per move (each two ways)
     */
    public RegionWalk(Graph graph, int moves, int candidates) {
        if (moves < 0 || candidates < 1) {
            throw new IllegalArgumentException("a region walk needs moves ≥ 0 and candidates ≥ 1");
        }
        this.graph = graph;
        this.oracle = new GraphOracle(graph);
        this.moves = moves;
        this.candidates = candidates;
    }

    /**
     * Walks from one start per spec row.
     *
     * @param box the input box
     * @param specs the spec rows
     * @param starts per row, a point of the box to start from (null: the box's center)
     * @return per row the best norm and its point
     */
    public LowerBound walk(InputBox box, double[][] specs, double[][] starts) {
        long begin = System.nanoTime();
        double[] best = new double[specs.length];
        double[][] points = new double[specs.length][];
        long evaluations = 0;
        for (int s = 0; s < specs.length; s++) {
            double[] x = starts[s] == null ? box.center() : starts[s].clone();
            double norm = LowerBoundSearch.l1(oracle.gradients(new double[][] {x}, new double[][] {specs[s]})[0]);
            evaluations++;
            for (int move = 0; move < moves && fitsInMemory(); move++) {
                List<double[]> tries = neighbours(box, specs[s], x, norm);
                if (tries.isEmpty()) {
                    break;
                }
                double[][] rowSpecs = new double[tries.size()][];
                Arrays.fill(rowSpecs, specs[s]);
                double[][] grads = oracle.gradients(tries.toArray(new double[0][]), rowSpecs);
                evaluations += tries.size();
                int arg = -1;
                double top = norm;
                for (int t = 0; t < grads.length; t++) {
                    double n = LowerBoundSearch.l1(grads[t]);
                    if (n > top) {
                        top = n;
                        arg = t;
                    }
                }
                if (arg < 0) {
                    break; // no single flip helps: a local maximum over regions
                }
                x = tries.get(arg);
                norm = top;
            }
            best[s] = norm;
            points[s] = x;
        }
        return new LowerBound(best, points, (System.nanoTime() - begin) / 1e9, evaluations);
    }

    /**
     * Largest size of the Jacobians one step holds (every node's, {@code n0 × size}, float64):
     * beyond it the walk is skipped and the lower bound is the sampled one (a CIFAR-shaped CNN
     * would need 3,072 × 54k doubles per step).
     */
    static final long JACOBIAN_BYTES = 512L << 20;

    private boolean fitsInMemory() {
        long entries = 0;
        for (int i = 0; i < graph.nodes().size(); i++) {
            entries += graph.node(i).size();
        }
        return entries * graph.inputSize() * Double.BYTES <= JACOBIAN_BYTES;
    }

    /** Points across the hyperplanes of the neurons whose flip is predicted to beat {@code norm}. */
    private List<double[]> neighbours(InputBox box, double[] spec, double[] x, double norm) {
        int n0 = graph.inputSize();
        NDManager manager = graph.getManager();
        List<double[]> predicted = new ArrayList<>(); // {prediction, z, a_1..a_n0}
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray input = manager.create(x, new Shape(1, n0));
            NDArray[] values = graph.forward(input);
            NDArray[] signals = graph.backward(values, manager.create(spec, new Shape(1, spec.length)));
            NDArray gradient = signals[0] == null ? input.zerosLike() : signals[0];
            NDArray[] jacobians = jacobians(values);
            for (int k : graph.activations()) {
                if (signals[k] == null) {
                    continue;
                }
                Activation act = (Activation) graph.node(k);
                NDArray z = values[act.input()].reshape(-1);
                // δ' − δ: (1 − s) for an inactive neuron turned on, (s − 1) for an active one turned off.
                NDArray on = z.gt(0).toType(z.getDataType(), false);
                NDArray change = Scalars.mul(Scalars.mul(on, -2).add(1), 1 - act.slope());
                NDArray a = jacobians[act.input()];
                NDArray delta = a.mul(change.mul(signals[k].reshape(-1)).reshape(-1, 1));
                double[] prediction = delta.add(gradient).abs().sum(new int[] {1}).toDoubleArray();
                double[] zs = z.toDoubleArray();
                double[] rows = null;
                for (int j = 0; j < prediction.length; j++) {
                    if (prediction[j] > norm * (1 + 1e-12)) {
                        if (rows == null) {
                            rows = a.toDoubleArray();
                        }
                        double[] entry = new double[n0 + 2];
                        entry[0] = prediction[j];
                        entry[1] = zs[j];
                        System.arraycopy(rows, j * n0, entry, 2, n0);
                        predicted.add(entry);
                    }
                }
            }
        }
        predicted.sort((p, q) -> Double.compare(q[0], p[0]));
        List<double[]> tries = new ArrayList<>();
        for (double[] entry : predicted.subList(0, Math.min(candidates, predicted.size()))) {
            double[] a = Arrays.copyOfRange(entry, 2, n0 + 2);
            double z = entry[1];
            // Aim a little past zero, on the other side.
            double target = z > 0 ? -1e-6 * (1 + Math.abs(z)) : 1e-6 * (1 + Math.abs(z));
            for (boolean steepest : new boolean[] {false, true}) {
                double[] y = cross(box, x, a, target - z, steepest);
                if (y != null) {
                    tries.add(y);
                }
            }
        }
        return tries;
    }

    /** {@code ∂z/∂x} of every node at the point, {@code (size, n0)}. */
    private NDArray[] jacobians(NDArray[] values) {
        NDArray[] rows = graph.jacobianRows(values);
        NDArray[] jac = new NDArray[rows.length];
        for (int i = 0; i < rows.length; i++) {
            jac[i] = rows[i] == null ? null : rows[i].transpose();
        }
        return jac;
    }

    /**
     * Moves from x along {@code clip(x + t·direction)} until {@code a·y} has changed by {@code
     * change} ({@code |a·(y − x)|} grows with t, so t is found by bisection). Two directions are
     * tried: {@code a} itself (then y is the point of the box nearest to x, in ℓ2, on the target
     * hyperplane) and {@code sign(a)} (the ℓ∞-steepest move). Null when the box ends first.
     */
    private static double[] cross(InputBox box, double[] x, double[] a, double change, boolean steepest) {
        double[] direction = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            direction[i] = (steepest ? Math.signum(a[i]) : a[i]) * Math.signum(change);
        }
        java.util.function.DoubleFunction<double[]> path = t -> {
            double[] y = new double[x.length];
            for (int i = 0; i < x.length; i++) {
                y[i] = LowerBoundSearch.clip(x[i] + t * direction[i], box.lower()[i], box.upper()[i]);
            }
            return y;
        };
        double goal = Math.abs(change);
        double hi = 1;
        while (moved(path.apply(hi), a, x) < goal) {
            hi *= 2;
            if (hi > 1e12) {
                return null;
            }
        }
        double lo = 0;
        for (int i = 0; i < 60; i++) {
            double mid = (lo + hi) / 2;
            if (moved(path.apply(mid), a, x) < goal) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return path.apply(hi);
    }

    private static double moved(double[] y, double[] a, double[] x) {
        double sum = 0;
        for (int i = 0; i < x.length; i++) {
            sum += a[i] * (y[i] - x[i]);
        }
        return Math.abs(sum);
    }
}
