package org.lipreg.certify.lipschitz;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;

import org.apache.commons.math3.optim.MaxIter;
import org.apache.commons.math3.optim.linear.LinearConstraint;
import org.apache.commons.math3.optim.linear.LinearConstraintSet;
import org.apache.commons.math3.optim.linear.LinearObjectiveFunction;
import org.apache.commons.math3.optim.linear.NoFeasibleSolutionException;
import org.apache.commons.math3.optim.linear.NonNegativeConstraint;
import org.apache.commons.math3.optim.linear.Relationship;
import org.apache.commons.math3.optim.linear.SimplexSolver;
import org.apache.commons.math3.optim.nonlinear.scalar.GoalType;
import org.apache.commons.math3.exception.TooManyIterationsException;
import org.lipreg.certify.graph.Graph;
import org.lipreg.certify.graph.Normalization;
import org.lipreg.certify.graph.Sum;
import org.lipreg.certify.graph.Activation;
import org.lipreg.certify.graph.Affine;
import org.lipreg.certify.graph.Node;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Decides whether an activation pattern occurs in the box: with every activation fixed, each
 * pre-activation is an exact affine function {@code a·x + b} of the input, and the pattern's
 * closed region is {@code {x in box : a·x + b ≥ 0 for active, ≤ 0 for inactive}}, a linear
 * program. Branch-and-bound drops a fully split domain only when the program has no solution,
 * so a wrong answer can only keep a domain (loose), never drop a real one (unsound).
 */
final class RegionFeasibility {

    /** Slack on each half-space, so that rounding never drops a region that touches the boundary. */
    private static final double SLACK = 1e-9;

    private RegionFeasibility() {}

    /**
     * Tests one pattern.
     *
     * @param graph the network
     * @param box the input box
     * @param states per activation node, one state per neuron: +1 active, −1 inactive
     * @param manager for scratch arrays
     * @param deadline checked before the linear program and at each of its pivots
     * @return null only when the region is provably empty; otherwise a point of the box that
     *     maximizes the smallest normalized distance to the region's half-spaces (inside the
     *     region when the region has an interior)
     * @throws Deadline.Passed when the deadline passes before the region is decided
     */
    static double[] witness(Graph graph, InputBox box, Map<Integer, double[]> states, NDManager manager,
            Deadline deadline) {
        deadline.check();
        List<double[]> rows = new ArrayList<>();
        List<Double> offsets = new ArrayList<>();
        List<Double> signs = new ArrayList<>();
        int n0 = graph.inputSize();
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            int n = graph.nodes().size();
            NDArray[] map = new NDArray[n];
            NDArray[] offset = new NDArray[n];
            // map[i] is z_i's Jacobian as rows (n0, size): row j is how z_i moves along input j.
            map[0] = manager.eye(n0, n0, 0, DataType.FLOAT64);
            offset[0] = manager.zeros(new ai.djl.ndarray.types.Shape(1, n0), DataType.FLOAT64);
            for (int i = 1; i < n; i++) {
                Node node = graph.node(i);
                if (node instanceof Affine a) {
                    map[i] = a.map().apply(map[a.input()]);
                    offset[i] = a.map().apply(offset[a.input()]).add(a.bias());
                } else if (node instanceof Sum s) {
                    map[i] = map[s.left()].add(map[s.right()]);
                    offset[i] = offset[s.left()].add(offset[s.right()]);
                } else if (node instanceof Activation act) {
                    double[] state = states.get(i);
                    double[] slope = new double[state.length];
                    for (int k = 0; k < state.length; k++) {
                        if (state[k] == 0) {
                            throw new IllegalArgumentException("pattern has an unfixed activation at node " + i);
                        }
                        slope[k] = state[k] > 0 ? 1 : act.slope();
                    }
                    double[] a = map[act.input()].transpose().toDoubleArray();
                    double[] b = offset[act.input()].toDoubleArray();
                    for (int k = 0; k < state.length; k++) {
                        double[] row = new double[n0];
                        System.arraycopy(a, k * n0, row, 0, n0);
                        rows.add(row);
                        offsets.add(b[k]);
                        signs.add(state[k]);
                    }
                    NDArray d = manager.create(slope).reshape(1, -1);
                    map[i] = map[act.input()].mul(d);
                    offset[i] = offset[act.input()].mul(d);
                } else if (node instanceof Normalization) {
                    throw new IllegalArgumentException("node " + i + " normalizes by per-example statistics: "
                            + "its regions are not polyhedra");
                }
            }
        }
        // Variables (t, s): x = lower + t with 0 ≤ t ≤ upper − lower, and s ≥ 0 the margin by
        // which every half-space holds (scaled by its row norm); maximizing s finds an interior
        // point when there is one, and s = 0 is feasible exactly when the closed region is.
        double[] lo = box.lower();
        double[] hi = box.upper();
        int vars = n0 + 1;
        List<LinearConstraint> constraints = new ArrayList<>();
        for (int i = 0; i < n0; i++) {
            double[] e = new double[vars];
            e[i] = 1;
            constraints.add(new LinearConstraint(e, Relationship.LEQ, hi[i] - lo[i]));
        }
        double[] sCap = new double[vars];
        sCap[n0] = 1;
        constraints.add(new LinearConstraint(sCap, Relationship.LEQ, 1));
        for (int r = 0; r < rows.size(); r++) {
            double[] row = rows.get(r);
            double shift = offsets.get(r);
            double scale = 0;
            for (int i = 0; i < n0; i++) {
                shift += row[i] * lo[i];
                scale += Math.abs(row[i]);
            }
            double slack = SLACK * (1 + scale + Math.abs(shift));
            double[] coefficients = new double[vars];
            if (signs.get(r) > 0) { // row·t + shift ≥ s·scale − slack
                System.arraycopy(row, 0, coefficients, 0, n0);
            } else { // −(row·t + shift) ≥ s·scale − slack
                for (int i = 0; i < n0; i++) {
                    coefficients[i] = -row[i];
                }
                shift = -shift;
            }
            coefficients[n0] = -scale;
            constraints.add(new LinearConstraint(coefficients, Relationship.GEQ, -shift - slack));
        }
        try {
            double[] objective = new double[vars];
            objective[n0] = 1;
            double[] t = new TimedSimplexSolver(deadline).optimize(new MaxIter(10_000), new LinearObjectiveFunction(objective, 0),
                    new LinearConstraintSet(constraints), GoalType.MAXIMIZE, new NonNegativeConstraint(true)).getPoint();
            double[] x = new double[n0];
            for (int i = 0; i < n0; i++) {
                x[i] = Math.max(lo[i], Math.min(hi[i], lo[i] + t[i]));
            }
            return x;
        } catch (NoFeasibleSolutionException e) {
            return null;
        } catch (TooManyIterationsException e) {
            return box.center(); // undecided: keep the domain
        }
    }

    /**
     * The simplex method, checking a deadline at each pivot: on a network with hundreds of inputs
     * one region's program can take seconds.
     */
    private static final class TimedSimplexSolver extends SimplexSolver {
        private final Deadline deadline;

        TimedSimplexSolver(Deadline deadline) {
            this.deadline = deadline;
        }

        @Override
        protected void incrementIterationCount() {
            deadline.check();
            super.incrementIterationCount();
        }
    }
}
