package org.lipreg.certify.lipschitz;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

import org.lipreg.certify.graph.Graph;
import org.lipreg.certify.graph.GroupNormalization;
import org.lipreg.certify.graph.Node;
import org.lipreg.normalization.Scalars;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Bounds on every activation's pre-activation over the input box, for a batch of D
 * branch-and-bound domains at once: interval arithmetic (IBP), optionally tightened by CROWN
 * (backward linear bound propagation to the input, with the chord above each unstable
 * activation and {@code α·z} below it, α chosen by the adaptive rule). A domain's split
 * neurons are clamped to their branch: active {@code z ≥ 0}, inactive {@code z ≤ 0} — closed
 * half-spaces, so the two branches together cover the point {@code z = 0} — and, when asked,
 * the splits also constrain the CROWN bounds of every later activation ({@link SplitConstraints}).
 *
 * <p>Arrays are created in the current {@code NDScope}; run inside one.
 */
final class ForwardBounds {

    /** Pre-activation lower bounds per activation node, {@code (D, n)}. */
    final Map<Integer, NDArray> lower = new HashMap<>();
    /** Pre-activation upper bounds per activation node, {@code (D, n)}. */
    final Map<Integer, NDArray> upper = new HashMap<>();
    /** Per domain: false where some bound is empty (the domain has no point). */
    NDArray feasible;

    private final Graph graph;
    private final Map<Integer, NDArray> upperSlope = new HashMap<>();
    private final Map<Integer, NDArray> upperIntercept = new HashMap<>();
    private final Map<Integer, NDArray> lowerSlope = new HashMap<>();
    private final Map<Integer, NDArray> states = new HashMap<>();
    /** Each normalization's interval bounds, per domain. */
    private final Map<Integer, GroupNormalization.Bounds> normalizations = new HashMap<>();
    /** Each normalization's linear relaxation (CROWN only), per domain. */
    private final Map<Integer, GroupNormalization.Relaxation> normRelaxations = new HashMap<>();
    /** Each processed activation's CROWN bounds as linear functions of the input. */
    private final List<SplitConstraints.Linear> linear = new ArrayList<>();
    private final int constraintSteps;
    private final Deadline deadline;

    /** Per activation node, the domains' splits as the caller gave them (the constraints read them here). */
    private final Map<Integer, double[]> splitValues;

    private ForwardBounds(Graph graph, int constraintSteps, Map<Integer, double[]> splitValues, Deadline deadline) {
        this.graph = graph;
        this.constraintSteps = constraintSteps;
        this.deadline = deadline;
        this.splitValues = splitValues;
    }

    /**
     * Computes the bounds.
     *
     * @param graph the network
     * @param box the input box
     * @param splits per activation node, the D domains' splits row by row ({@code D·n} values of
     *     +1 active, −1 inactive, 0); may be empty for one unsplit domain
     * @param domains D
     * @param crown whether to tighten IBP by CROWN
     * @param manager the manager for new arrays
     * @return the bounds
     */
    static ForwardBounds compute(Graph graph, InputBox box, Map<Integer, double[]> splits, int domains, boolean crown,
            NDManager manager) {
        return compute(graph, box, splits, domains, crown, 0, Deadline.NONE, manager);
    }

    /**
     * Computes the bounds, CROWN's tightened by the splits of earlier activations taken as
     * constraints on the input ({@link SplitConstraints}).
     *
     * @param graph the network
     * @param box the input box
     * @param splits per activation node, the D domains' splits row by row, as for the other form
     * @param domains D
     * @param crown whether to tighten IBP by CROWN
     * @param constraintSteps steps on the constraints' multipliers (0: splits only fix
     *     their own neurons)
     * @param deadline checked before each activation's bounds and each step on the multipliers
     * @param manager the manager for new arrays
     * @return the bounds
     * @throws Deadline.Passed when the deadline passes before the bounds are done
     */
    static ForwardBounds compute(Graph graph, InputBox box, Map<Integer, double[]> splits, int domains, boolean crown,
            int constraintSteps, Deadline deadline, NDManager manager) {
        ForwardBounds b = new ForwardBounds(graph, constraintSteps, splits, deadline);
        b.run(box, domains, crown, manager);
        return b;
    }

    private void run(InputBox box, int domains, boolean crown, NDManager manager) {
        int n = graph.nodes().size();
        NDArray[] lo = new NDArray[n];
        NDArray[] hi = new NDArray[n];
        NDArray xl = box.lower(manager).reshape(1, -1);
        NDArray xu = box.upper(manager).reshape(1, -1);
        NDArray zeros = manager.zeros(new ai.djl.ndarray.types.Shape(domains, 1), DataType.FLOAT64);
        lo[0] = xl.add(zeros);
        hi[0] = xu.add(zeros);
        feasible = manager.ones(new ai.djl.ndarray.types.Shape(domains), DataType.BOOLEAN);
        for (int i = 1; i < n; i++) {
            Node node = graph.node(i);
            if (node instanceof Node.Affine a) {
                // Centre and radius: A·mid + b ± |A|·rad, two map applications instead of four.
                NDArray mid = Scalars.mul(lo[a.input()].add(hi[a.input()]), 0.5);
                NDArray rad = Scalars.mul(hi[a.input()].sub(lo[a.input()]), 0.5);
                NDArray centre = a.map().apply(mid).add(a.bias());
                NDArray radius = a.map().abs().apply(rad);
                lo[i] = centre.sub(radius);
                hi[i] = centre.add(radius);
            } else if (node instanceof Node.Sum s) {
                lo[i] = lo[s.left()].add(lo[s.right()]);
                hi[i] = hi[s.left()].add(hi[s.right()]);
            } else if (node instanceof Node.Normalization norm) {
                int p = norm.input();
                if (crown && p != 0) { // its statistics are only as tight as its input's bounds
                    deadline.check();
                    NDArray[] bounds = crownBounds(i, p, xl, xu, domains, manager);
                    lo[p] = lo[p].maximum(bounds[0]);
                    hi[p] = hi[p].minimum(bounds[1]);
                }
                GroupNormalization.Bounds b = norm.norm().bounds(lo[norm.input()], hi[norm.input()]);
                normalizations.put(i, b);
                NDArray[] y = norm.norm().outputBounds(b);
                lo[i] = y[0];
                hi[i] = y[1];
                if (crown) {
                    normRelaxations.put(i, norm.norm().relax(b));
                }
            } else if (node instanceof Node.Activation act) {
                deadline.check(); // each activation's CROWN pass is one of a batch's long steps
                int p = act.input();
                if (crown && p != 0) {
                    NDArray[] bounds = crownBounds(i, p, xl, xu, domains, manager);
                    lo[p] = lo[p].maximum(bounds[0]);
                    hi[p] = hi[p].minimum(bounds[1]);
                }
                double[] values = splitValues.get(i);
                NDArray split = values == null ? null
                    : manager.create(values, new ai.djl.ndarray.types.Shape(domains, values.length / domains));
                if (split != null) {
                    lo[p] = NDArrays.where(split.gt(0), Scalars.maximum(lo[p], 0), lo[p]);
                    hi[p] = NDArrays.where(split.lt(0), Scalars.minimum(hi[p], 0), hi[p]);
                }
                // An empty interval proves the domain has no point (tolerance for rounding).
                NDArray slack = Scalars.mul(lo[p].abs().add(hi[p].abs()), 1e-9).add(1e-12);
                NDArray empty = lo[p].sub(hi[p]).gt(slack).toType(DataType.FLOAT64, false).sum(new int[] {1});
                feasible = feasible.logicalAnd(empty.eq(0));
                lower.put(i, lo[p]);
                upper.put(i, hi[p]);
                relax(i, act.slope(), lo[p], hi[p], split);
                double s = act.slope();
                lo[i] = s == 0 ? Scalars.maximum(lo[p], 0) : lo[p].maximum(Scalars.mul(lo[p], s));
                hi[i] = s == 0 ? Scalars.maximum(hi[p], 0) : hi[p].maximum(Scalars.mul(hi[p], s));
            }
        }
    }

    /** Linear bounds {@code sl·z ≤ act(z) ≤ su·z + tu} for the activation at node i. */
    private void relax(int i, double s, NDArray l, NDArray u, NDArray split) {
        NDArray active = l.gt(0);
        NDArray inactive = u.lt(0);
        if (split != null) {
            active = active.logicalOr(split.gt(0));
            inactive = inactive.logicalOr(split.lt(0));
        }
        NDArray width = Scalars.maximum(u.sub(l), Double.MIN_NORMAL);
        // Chord through (l, s·l) and (u, u).
        NDArray chord = u.sub(Scalars.mul(l, s)).div(width);
        NDArray one = l.onesLike();
        NDArray slopeS = Scalars.mul(one, s);
        NDArray su = NDArrays.where(active, one, NDArrays.where(inactive, slopeS, chord));
        NDArray tu = NDArrays.where(active.logicalOr(inactive), l.zerosLike(), l.mul(slopeS.sub(chord)));
        // Adaptive lower slope: 1 where u ≥ −l, else s.
        NDArray adaptive = NDArrays.where(u.gte(l.neg()), one, slopeS);
        NDArray sl = NDArrays.where(active, one, NDArrays.where(inactive, slopeS, adaptive));
        upperSlope.put(i, su);
        upperIntercept.put(i, tu);
        lowerSlope.put(i, sl);
        states.put(i, NDArrays.where(active, one, NDArrays.where(inactive, one.neg(), l.zerosLike())));
    }

    /**
     * CROWN: lower and upper bounds of node p (the input of the given activation), by backward
     * propagation to the input box; tightened by earlier splits when asked. The rows (two per
     * neuron of p) go back in chunks, so that the coefficients held at once stay near {@link
     * #CHUNK_BYTES} however wide the layers are.
     */
    private NDArray[] crownBounds(int activation, int p, NDArray xl, NDArray xu, int domains, NDManager manager) {
        int size = graph.node(p).size();
        int widest = 1;
        for (int i = 0; i <= p; i++) {
            widest = Math.max(widest, graph.node(i).size());
        }
        long perNeuron = 2L * widest * Math.max(1, domains) * Double.BYTES * 3; // λ, its parts, the sum
        int chunk = (int) Math.max(1, Math.min(size, CHUNK_BYTES / perNeuron));
        List<NDArray> lows = new ArrayList<>();
        List<NDArray> highs = new ArrayList<>();
        List<NDArray[]> linearParts = new ArrayList<>();
        for (int from = 0; from < size; from += chunk) {
            int to = Math.min(size, from + chunk);
            try (ChunkScope chunkScope = new ChunkScope()) {
                int partsBefore = linearParts.size();
                NDArray[] bounds = crownChunk(activation, p, from, to, xl, xu, domains, manager, linearParts);
                lows.add(chunkScope.keep(bounds[0]));
                highs.add(chunkScope.keep(bounds[1]));
                for (NDArray[] part : linearParts.subList(partsBefore, linearParts.size())) {
                    for (NDArray a : part) {
                        chunkScope.keep(a);
                    }
                }
            }
        }
        if (!linearParts.isEmpty()) {
            recordLinear(activation, linearParts);
        }
        NDArray lower = lows.size() == 1 ? lows.get(0) : NDArrays.concat(new ai.djl.ndarray.NDList(lows), 1);
        NDArray upper = highs.size() == 1 ? highs.get(0) : NDArrays.concat(new ai.djl.ndarray.NDList(highs), 1);
        return new NDArray[] {lower, upper};
    }

    /**
     * About how many bytes of CROWN coefficients one chunk of rows may hold.
     * A chunk's working set is many times this (every node's coefficients and temporaries live
     * until the chunk ends): at 256 MB the quickstart CNN's CROWN peaked at 7.9 GB resident and
     * took 25 s; at 32 MB, 2.2 GB and 14 s, with the same bounds (2-core machine, 2026-12-07).
     */
    static final long CHUNK_BYTES = 32L << 20;

    /** The bounds of neurons {@code from … to − 1} of node p. */
    private NDArray[] crownChunk(int activation, int p, int from, int to, NDArray xl, NDArray xu, int domains,
            NDManager manager, List<NDArray[]> linearParts) {
        int rows = to - from;
        int size = graph.node(p).size();
        NDArray[] pending = new NDArray[p + 1];
        NDArray eye = IdentityRows.of(manager, from, to, size);
        NDArray seed = eye.concat(eye.neg(), 0).expandDims(0);
        NDArray constant;
        if (graph.node(p) instanceof Node.Affine a) {
            pending[a.input()] = a.map().applyTranspose(seed);
            NDArray bias = a.bias().get(from + ":" + to);
            constant = bias.concat(bias.neg(), 0).expandDims(0);
        } else {
            pending[p] = seed;
            constant = manager.zeros(new ai.djl.ndarray.types.Shape(1, 2L * rows), DataType.FLOAT64);
        }
        NDArray result = null;
        for (int i = p; i >= 0; i--) {
            NDArray lambda = pending[i];
            if (lambda == null) {
                continue;
            }
            pending[i] = null;
            Node node = graph.node(i);
            if (node instanceof Node.Input) {
                SplitConstraints constraints = constraintSteps == 0 ? null
                    : SplitConstraints.gather(linear, splitValues, domains, constraintSteps, manager);
                if (constraints != null) {
                    result = constraints.upperBounds(lambda, constant, xl, xu, deadline);
                } else {
                    NDArray bound = Scalars.maximum(lambda, 0).mul(xu.expandDims(1))
                        .add(Scalars.minimum(lambda, 0).mul(xl.expandDims(1)));
                    result = constant.add(bound.sum(new int[] {2}));
                }
                if (constraintSteps > 0 && splitValues.containsKey(activation)) {
                    linearParts.add(new NDArray[] {lambda, constant});
                }
            } else if (node instanceof Node.Affine a) {
                constant = constant.add(lambda.matMul(a.bias()));
                add(pending, a.input(), a.map().applyTranspose(lambda));
            } else if (node instanceof Node.Activation act) {
                NDArray positive = Scalars.maximum(lambda, 0);
                NDArray negative = Scalars.minimum(lambda, 0);
                NDArray su = upperSlope.get(i).expandDims(1);
                NDArray sl = lowerSlope.get(i).expandDims(1);
                constant = constant.add(positive.mul(upperIntercept.get(i).expandDims(1)).sum(new int[] {2}));
                add(pending, act.input(), positive.mul(su).add(negative.mul(sl)));
            } else if (node instanceof Node.Sum s) {
                add(pending, s.left(), lambda);
                add(pending, s.right(), lambda);
            } else if (node instanceof Node.Normalization norm) {
                NDArray[] step = norm.norm().backwardRelaxed(lambda, normRelaxations.get(i));
                constant = constant.add(step[1]);
                add(pending, norm.input(), step[0]);
            }
        }
        if (result == null) { // p does not depend on the input (cannot happen in a lowered network)
            result = constant;
        }
        NDArray upperBound = result.get(":, :" + rows);
        NDArray lowerBound = result.get(":, " + rows + ":").neg();
        return new NDArray[] {lowerBound, upperBound};
    }

    /** Joins the chunks' linear bounds into one record: every upper row first, then every lower row. */
    private void recordLinear(int activation, List<NDArray[]> parts) {
        if (parts.size() == 1) {
            linear.add(new SplitConstraints.Linear(activation, parts.get(0)[0], parts.get(0)[1]));
            return;
        }
        ai.djl.ndarray.NDList upperRows = new ai.djl.ndarray.NDList();
        ai.djl.ndarray.NDList lowerRows = new ai.djl.ndarray.NDList();
        ai.djl.ndarray.NDList upperConstants = new ai.djl.ndarray.NDList();
        ai.djl.ndarray.NDList lowerConstants = new ai.djl.ndarray.NDList();
        for (NDArray[] part : parts) {
            long half = part[1].getShape().get(1) / 2;
            upperRows.add(part[0].get(":, :" + half));
            lowerRows.add(part[0].get(":, " + half + ":"));
            upperConstants.add(part[1].get(":, :" + half));
            lowerConstants.add(part[1].get(":, " + half + ":"));
        }
        NDArray rows = NDArrays.concat(upperRows, 1).concat(NDArrays.concat(lowerRows, 1), 1);
        NDArray constants = NDArrays.concat(upperConstants, 1).concat(NDArrays.concat(lowerConstants, 1), 1);
        linear.add(new SplitConstraints.Linear(activation, rows, constants));
    }

    private static void add(NDArray[] pending, int i, NDArray lambda) {
        pending[i] = pending[i] == null ? lambda : pending[i].add(lambda);
    }

    /**
     * Returns the interval bounds of normalization node {@code i}, per domain.
     *
     * @param i the normalization node
     * @return its bounds
     */
    GroupNormalization.Bounds normalization(int i) {
        return normalizations.get(i);
    }

    /**
     * Returns the forward state of activation {@code i} per domain, splits included: +1 active
     * (identity), −1 inactive (the negative slope), 0 unstable (the Clarke interval).
     *
     * @param i the activation node
     * @return the states {@code (D, n)}, float64
     */
    NDArray state(int i) {
        return states.get(i);
    }
}
