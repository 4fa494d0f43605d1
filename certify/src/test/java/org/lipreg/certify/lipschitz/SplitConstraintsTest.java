package org.lipreg.certify.lipschitz;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;

import org.apache.commons.math3.optim.MaxIter;
import org.apache.commons.math3.optim.PointValuePair;
import org.apache.commons.math3.optim.linear.LinearConstraint;
import org.apache.commons.math3.optim.linear.LinearConstraintSet;
import org.apache.commons.math3.optim.linear.LinearObjectiveFunction;
import org.apache.commons.math3.optim.linear.NonNegativeConstraint;
import org.apache.commons.math3.optim.linear.Relationship;
import org.apache.commons.math3.optim.linear.SimplexSolver;
import org.apache.commons.math3.optim.nonlinear.scalar.GoalType;
import org.junit.jupiter.api.Test;
import org.lipreg.certify.RandomNetworks;
import org.lipreg.certify.graph.Graph;
import org.lipreg.certify.graph.Activation;
import org.lipreg.certify.graph.Affine;
import org.lipreg.certify.graph.Node;
import org.lipreg.certify.ir.Layer;
import org.lipreg.certify.ir.Network;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Forward bounds that take a domain's splits as constraints on the input: they must hold at every
 * point of the domain (found by sampling), never be looser than CROWN's on the same relaxations
 * (the first constrained layer), and with
 * enough steps reach the exact maximum of a linear program where the splits are exact half-spaces.
 */
class SplitConstraintsTest {

    private static final double TOLERANCE = 1e-7;

    /** Splits taken from a point of the box (so the domain holds it), each neuron with probability p. */
    private static Map<Integer, double[]> splitsAt(Graph graph, double[] point, Random random, double p) {
        Map<Integer, double[]> splits = new HashMap<>();
        NDArray[] values = graph.forward(graph.getManager().create(point).reshape(1, -1));
        for (int act : graph.activations()) {
            double[] z = values[((Activation) graph.node(act)).input()].toDoubleArray();
            double[] split = new double[z.length];
            for (int j = 0; j < z.length; j++) {
                if (random.nextDouble() < p) {
                    split[j] = z[j] >= 0 ? 1 : -1;
                }
            }
            splits.put(act, split);
        }
        return splits;
    }

    private static Map<Integer, double[]> stack(List<Map<Integer, double[]>> domains) {
        Map<Integer, double[]> stacked = new HashMap<>();
        for (int act : domains.get(0).keySet()) {
            int n = domains.get(0).get(act).length;
            double[] flat = new double[domains.size() * n];
            for (int d = 0; d < domains.size(); d++) {
                System.arraycopy(domains.get(d).get(act), 0, flat, d * n, n);
            }
            stacked.put(act, flat);
        }
        return stacked;
    }

    private static double[] uniform(InputBox box, Random random) {
        double[] x = new double[box.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = box.lower()[i] + random.nextDouble() * (box.upper()[i] - box.lower()[i]);
        }
        return x;
    }

    @Test
    void boundsHoldAtEveryPointOfTheDomainAndNeverWiden() {
        Random random = new Random(11);
        int tightened = 0;
        int checkedPoints = 0;
        for (int trial = 0; trial < 24; trial++) {
            Network network = trial % 3 == 2 ? RandomNetworks.of(random, 3 + random.nextInt(2))
                    : RandomNetworks.mlp(random, new Layer.Relu(0), 4, 7, 6, 5, 2);
            try (LipschitzCertifier certifier = LipschitzCertifier.of(network); NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                Graph graph = certifier.graph();
                NDManager manager = graph.getManager();
                double[] x0 = new double[graph.inputSize()];
                for (int i = 0; i < x0.length; i++) {
                    x0[i] = random.nextDouble();
                }
                InputBox box = InputBox.around(x0, 0.3 + 0.5 * random.nextDouble(), -1, 2);
                int domains = 6;
                List<Map<Integer, double[]>> splits = new ArrayList<>();
                List<double[]> anchors = new ArrayList<>();
                for (int d = 0; d < domains; d++) {
                    double[] anchor = uniform(box, random);
                    anchors.add(anchor);
                    splits.add(splitsAt(graph, anchor, random, 0.2 + 0.6 * random.nextDouble()));
                }
                Map<Integer, double[]> stacked = stack(splits);
                ForwardBounds plain = ForwardBounds.compute(graph, box, stacked, domains, true, 0, Deadline.NONE, manager);
                ForwardBounds constrained = ForwardBounds.compute(graph, box, stacked, domains, true, 20, Deadline.NONE, manager);
                assertTrue(constrained.feasible.all().getBoolean(), "trial " + trial + ": a domain with a point was dropped");
                // Points: uniform in the box and near each domain's anchor (which it always holds).
                List<double[]> points = new ArrayList<>(anchors);
                for (int k = 0; k < 3000; k++) {
                    double[] x = k % 2 == 0 ? uniform(box, random) : anchors.get(k % domains).clone();
                    if (k % 2 == 1) {
                        for (int i = 0; i < x.length; i++) {
                            x[i] = Math.min(box.upper()[i], Math.max(box.lower()[i], x[i] + 0.1 * random.nextGaussian()));
                        }
                    }
                    points.add(x);
                }
                double[] flat = new double[points.size() * graph.inputSize()];
                for (int k = 0; k < points.size(); k++) {
                    System.arraycopy(points.get(k), 0, flat, k * graph.inputSize(), graph.inputSize());
                }
                NDArray[] values = graph.forward(manager.create(flat, new Shape(points.size(), graph.inputSize())));
                for (int act : graph.activations()) {
                    int n = splits.get(0).get(act).length;
                    double[] lo0 = plain.lower.get(act).toDoubleArray();
                    double[] hi0 = plain.upper.get(act).toDoubleArray();
                    double[] lo = constrained.lower.get(act).toDoubleArray();
                    double[] hi = constrained.upper.get(act).toDoubleArray();
                    for (int i = 0; i < lo.length; i++) {
                        // The second activation is the first with constraints; after it, tighter bounds
                        // change the relaxations, and CROWN is not monotone in them.
                        double slack = TOLERANCE * (1 + Math.abs(lo0[i]) + Math.abs(hi0[i]));
                        assertTrue(act != graph.activations().get(1) || (lo[i] >= lo0[i] - slack && hi[i] <= hi0[i] + slack),
                                "trial " + trial + ": constrained bounds wider than plain CROWN's");
                        if (hi0[i] - lo0[i] - (hi[i] - lo[i]) > 1e-6 * (1 + hi0[i] - lo0[i])) {
                            tightened++;
                        }
                    }
                }
                for (int k = 0; k < points.size(); k++) {
                    for (int d = 0; d < domains; d++) {
                        if (!inDomain(graph, values, k, splits.get(d))) {
                            continue;
                        }
                        checkedPoints++;
                        for (int act : graph.activations()) {
                            int n = splits.get(d).get(act).length;
                            double[] z = values[((Activation) graph.node(act)).input()].get(k).toDoubleArray();
                            double[] lo = constrained.lower.get(act).get(d).toDoubleArray();
                            double[] hi = constrained.upper.get(act).get(d).toDoubleArray();
                            for (int j = 0; j < n; j++) {
                                double slack = TOLERANCE * (1 + Math.abs(z[j]));
                                assertTrue(z[j] >= lo[j] - slack && z[j] <= hi[j] + slack,
                                        "trial " + trial + " domain " + d + " neuron " + j + ": " + z[j]
                                                + " outside [" + lo[j] + ", " + hi[j] + "]");
                            }
                        }
                    }
                }
            }
        }
        assertTrue(checkedPoints > 2000, "too few points inside the domains: " + checkedPoints);
        assertTrue(tightened > 50, "the constraints tightened only " + tightened + " bounds");
    }

    private static boolean inDomain(Graph graph, NDArray[] values, int k, Map<Integer, double[]> splits) {
        for (int act : graph.activations()) {
            double[] split = splits.get(act);
            double[] z = values[((Activation) graph.node(act)).input()].get(k).toDoubleArray();
            for (int j = 0; j < z.length; j++) {
                if ((split[j] > 0 && z[j] < 0) || (split[j] < 0 && z[j] > 0)) {
                    return false;
                }
            }
        }
        return true;
    }

    @Test
    void exactHalfSpacesReachTheLinearProgram() {
        Random random = new Random(5);
        double closed = 0;
        int rows = 0;
        for (int trial = 0; trial < 12; trial++) {
            Network network = RandomNetworks.mlp(random, new Layer.Relu(0), 3, 6, 4, 2);
            try (LipschitzCertifier certifier = LipschitzCertifier.of(network); NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                Graph graph = certifier.graph();
                NDManager manager = graph.getManager();
                double[] x0 = {random.nextDouble(), random.nextDouble(), random.nextDouble()};
                InputBox box = InputBox.around(x0, 0.5, -1, 2);
                int first = graph.activations().get(0);
                int second = graph.activations().get(1);
                // Every first-layer neuron split: the second layer's input is affine on the region.
                Map<Integer, double[]> split = splitsAt(graph, uniform(box, random), random, 1.0);
                split.put(second, new double[split.get(second).length]);
                Map<Integer, double[]> stacked = stack(List.of(split));
                ForwardBounds plain = ForwardBounds.compute(graph, box, stacked, 1, true, 0, Deadline.NONE, manager);
                ForwardBounds constrained = ForwardBounds.compute(graph, box, stacked, 1, true, 300, Deadline.NONE, manager);
                Affine a1 = (Affine) graph.node(((Activation) graph.node(first)).input());
                Affine a2 = (Affine) graph.node(((Activation) graph.node(second)).input());
                double[][] w1 = matrix(((org.lipreg.certify.graph.DenseMap) a1.map()).weight());
                double[] b1 = a1.bias().toDoubleArray();
                double[][] w2 = matrix(((org.lipreg.certify.graph.DenseMap) a2.map()).weight());
                double[] b2 = a2.bias().toDoubleArray();
                double[] s = split.get(first);
                double[] hi0 = plain.upper.get(second).toDoubleArray();
                double[] hi = constrained.upper.get(second).toDoubleArray();
                double[] lo0 = plain.lower.get(second).toDoubleArray();
                double[] lo = constrained.lower.get(second).toDoubleArray();
                for (int j = 0; j < w2.length; j++) {
                    double[] c = new double[3];
                    double constant = b2[j];
                    for (int k = 0; k < w1.length; k++) {
                        if (s[k] > 0) {
                            constant += w2[j][k] * b1[k];
                            for (int i = 0; i < 3; i++) {
                                c[i] += w2[j][k] * w1[k][i];
                            }
                        }
                    }
                    double max = program(c, box, w1, b1, s, GoalType.MAXIMIZE) + constant;
                    double min = program(c, box, w1, b1, s, GoalType.MINIMIZE) + constant;
                    double scale = 1e-9 * (1 + Math.abs(max) + Math.abs(min));
                    assertTrue(hi[j] >= max - scale && lo[j] <= min + scale, "trial " + trial + " neuron " + j + ": ["
                            + lo[j] + ", " + hi[j] + "] misses the program's [" + min + ", " + max + "]");
                    for (double[] pair : new double[][] {{hi0[j] - max, hi[j] - max}, {min - lo0[j], min - lo[j]}}) {
                        if (pair[0] > 1e-6) {
                            closed += 1 - pair[1] / pair[0];
                            rows++;
                        }
                    }
                }
            }
        }
        assertTrue(rows > 20, "too few bounds were loose without the constraints: " + rows);
        // Plain CROWN ignores the half-spaces; 300 steps close nearly all of its gap to the optimum.
        assertTrue(closed / rows > 0.95, "mean fraction of the gap closed: " + closed / rows);
    }

    private static double[][] matrix(NDArray w) {
        int rows = (int) w.getShape().get(0);
        int cols = (int) w.getShape().get(1);
        double[] flat = w.toDoubleArray();
        double[][] m = new double[rows][cols];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(flat, r * cols, m[r], 0, cols);
        }
        return m;
    }

    /** The optimum of c·x over the box and the split half-spaces {@code s_k(w_k·x + b_k) ≥ 0}. */
    private static double program(double[] c, InputBox box, double[][] w, double[] b, double[] s, GoalType goal) {
        List<LinearConstraint> constraints = new ArrayList<>();
        for (int i = 0; i < c.length; i++) {
            double[] e = new double[c.length];
            e[i] = 1;
            constraints.add(new LinearConstraint(e, Relationship.GEQ, box.lower()[i]));
            constraints.add(new LinearConstraint(e, Relationship.LEQ, box.upper()[i]));
        }
        for (int k = 0; k < w.length; k++) {
            double[] row = new double[c.length];
            for (int i = 0; i < c.length; i++) {
                row[i] = s[k] * w[k][i];
            }
            constraints.add(new LinearConstraint(row, Relationship.GEQ, -s[k] * b[k]));
        }
        PointValuePair best = new SimplexSolver().optimize(new MaxIter(1000), new LinearObjectiveFunction(c, 0),
                new LinearConstraintSet(constraints), goal, new NonNegativeConstraint(false));
        return best.getValue();
    }
}
