package org.lipreg.certify.lipschitz;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import org.lipreg.certify.graph.Activation;
import org.lipreg.certify.graph.ForwardRelaxation;
import org.lipreg.certify.graph.FreeSlopes;
import org.lipreg.certify.graph.Graph;
import org.lipreg.certify.graph.Interval;
import org.lipreg.certify.graph.Node;
import org.lipreg.certify.graph.RoundingMargin;
import org.lipreg.certify.graph.Step;
import org.lipreg.normalization.engine.Scalars;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Bounds on every node's value over the input box, for a batch of D branch-and-bound domains at
 * once, and each node's relaxation over them: interval arithmetic (IBP), with the inputs of every
 * node whose relaxation gains from it ({@link Node#tightensInputs}: activations, normalizations)
 * tightened first by CROWN — backward linear bound propagation to the input through the
 * relaxations of the nodes before, optionally with α-CROWN's optimized lower slopes. A domain's
 * split neurons are clamped to their branch ({@link Activation#clamp}) and, when asked, the splits
 * also constrain the CROWN bounds of every later activation ({@link SplitConstraints}). Every
 * bound is rounded outward ({@link RoundingMargin}). A loop over nodes: what each node is, the
 * node says.
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

    /**
     * About how many bytes of CROWN coefficients one chunk of rows may hold. A chunk's working set
     * is several times its coefficients: at 32 MB the quickstart CNN's CROWN peaked at 2.2 GB
     * (7.9 GB at 256 MB), the same bounds, and took less time.
     */
    static long chunkBytes = 32L << 20; // tests lower it to force many chunks

    private final Graph graph;
    private final ForwardRelaxation[] relaxations;
    private final Interval[] bounds;
    /** Each processed activation's CROWN bounds as linear functions of the input. */
    private final List<SplitConstraints.Linear> linear = new ArrayList<>();
    private final int constraintSteps;
    private final Deadline deadline;
    /** Per activation node, the domains' splits as the caller gave them (the constraints read them here). */
    private final Map<Integer, double[]> splitValues;
    /** Gradient steps on the lower slopes per bound (α-CROWN); 0 for CROWN's adaptive slopes. */
    private final int alphaSteps;
    /** How far outward every computed bound is rounded. */
    private final RoundingMargin margin;
    private final int domains;

    private ForwardBounds(Graph graph, int constraintSteps, Map<Integer, double[]> splitValues, Deadline deadline,
            int alphaSteps, int domains) {
        this.graph = graph;
        this.constraintSteps = constraintSteps;
        this.deadline = deadline;
        this.splitValues = splitValues;
        this.alphaSteps = alphaSteps;
        this.domains = domains;
        this.margin = RoundingMargin.of(graph);
        this.relaxations = new ForwardRelaxation[graph.nodes().size()];
        this.bounds = new Interval[graph.nodes().size()];
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
     * @param deadline checked before each node's CROWN bounds and each step on the multipliers
     * @param manager the manager for new arrays
     * @return the bounds
     * @throws Deadline.Passed when the deadline passes before the bounds are done
     */
    static ForwardBounds compute(Graph graph, InputBox box, Map<Integer, double[]> splits, int domains, boolean crown,
            int constraintSteps, Deadline deadline, NDManager manager) {
        ForwardBounds b = new ForwardBounds(graph, constraintSteps, splits, deadline, 0, domains);
        b.run(box, crown, manager);
        return b;
    }

    /**
     * Computes α-CROWN bounds on one unsplit domain: every bound CROWN computes gets its own lower
     * slopes for the unstable activations before it, optimized by projected Adam steps on the
     * bound itself ({@link AlphaOptimizer}); each bound is the smallest seen, and every slope in
     * {@code [s, 1]} gives a sound bound.
     *
     * @param graph the network
     * @param box the input box
     * @param steps gradient steps per bound
     * @param deadline checked before each bound and each step
     * @param manager the manager for new arrays
     * @return the bounds
     */
    static ForwardBounds alphaCrown(Graph graph, InputBox box, int steps, Deadline deadline, NDManager manager) {
        ForwardBounds b = new ForwardBounds(graph, 0, Collections.emptyMap(), deadline, steps, 1);
        b.run(box, true, manager);
        return b;
    }

    /**
     * Computes the bounds of D boxes at once, one unsplit domain per box: many points of one
     * network share each pass (the fuzz tests run thousands of small boxes this way). An
     * activation's inputs are tightened by CROWN where any box's interval crosses zero, so a box
     * may get tighter bounds than alone; with α-CROWN the slopes are shared by the boxes (any
     * slopes are sound) and optimized for their sum.
     *
     * @param graph the network
     * @param boxes the D boxes
     * @param crown whether to tighten IBP by CROWN
     * @param alphaSteps gradient steps on the lower slopes per bound (0: CROWN's slopes)
     * @param manager the manager for new arrays
     * @return the bounds, domain d for box d
     */
    static ForwardBounds compute(Graph graph, List<InputBox> boxes, boolean crown, int alphaSteps, NDManager manager) {
        ForwardBounds b = new ForwardBounds(graph, 0, Collections.emptyMap(), Deadline.NONE, alphaSteps, boxes.size());
        int n0 = boxes.get(0).size();
        double[] lo = new double[boxes.size() * n0];
        double[] hi = new double[boxes.size() * n0];
        for (int d = 0; d < boxes.size(); d++) {
            System.arraycopy(boxes.get(d).lower(), 0, lo, d * n0, n0);
            System.arraycopy(boxes.get(d).upper(), 0, hi, d * n0, n0);
        }
        b.run(manager.create(lo, new Shape(boxes.size(), n0)), manager.create(hi, new Shape(boxes.size(), n0)), crown,
                manager);
        return b;
    }

    private void run(InputBox box, boolean crown, NDManager manager) {
        run(box.lower(manager).reshape(1, -1), box.upper(manager).reshape(1, -1), crown, manager);
    }

    /** The bounds over the input box {@code [xl, xu]}, corners {@code (1 or D, n0)}. */
    private void run(NDArray xl, NDArray xu, boolean crown, NDManager manager) {
        int n = graph.nodes().size();
        NDArray zeros = manager.zeros(new Shape(domains, 1), DataType.FLOAT64);
        bounds[0] = new Interval(xl.add(zeros), xu.add(zeros), xl.abs().maximum(xu.abs()));
        feasible = manager.ones(new Shape(domains), DataType.BOOLEAN);
        boolean[] tightened = new boolean[n];
        for (int i = 1; i < n; i++) {
            Node node = graph.node(i);
            int[] inputs = node.inputs();
            if (crown && node.tightensInputs()) {
                for (int p : inputs) {
                    if (p != 0 && !tightened[p]) {
                        deadline.check(); // each CROWN pass is one of a batch's long steps
                        // Split constraints record every neuron's linear bounds; otherwise only
                        // the neurons that can change the relaxation get a CROWN row.
                        int[] columns = node.relaxesOnlyAcrossZero() && constraintSteps == 0
                                ? Locality.order(graph, p, Entries.acrossZero(bounds[p])) : null;
                        if (columns == null) {
                            NDArray[] crownBounds = crownBounds(i, p, null, xl, xu, manager);
                            Interval b = bounds[p];
                            bounds[p] = new Interval(b.lower().maximum(margin.down(crownBounds[0], b.magnitude())),
                                    b.upper().minimum(margin.up(crownBounds[1], b.magnitude())), b.magnitude());
                        } else if (columns.length > 0) {
                            NDArray[] crownBounds = crownBounds(i, p, columns, xl, xu, manager);
                            bounds[p] = Entries.tighten(bounds[p], columns, crownBounds[0], crownBounds[1], margin);
                        }
                        tightened[p] = true;
                    }
                }
            }
            Interval[] in = new Interval[inputs.length];
            for (int j = 0; j < inputs.length; j++) {
                in[j] = bounds[inputs[j]];
            }
            if (node instanceof Activation act) {
                // Splits are on activations: clamp to the branch, check the domain has a point.
                double[] values = splitValues.get(i);
                NDArray split = values == null ? null : manager.create(values, new Shape(domains, values.length / domains));
                if (split != null) {
                    in[0] = act.clamp(in[0], split);
                }
                NDArray lo = in[0].lower();
                NDArray hi = in[0].upper();
                // An empty interval proves the domain has no point (tolerance for rounding).
                NDArray slack = Scalars.mul(lo.abs().add(hi.abs()), 1e-9).add(1e-12);
                NDArray empty = lo.sub(hi).gt(slack).toType(DataType.FLOAT64, false).sum(new int[] {1});
                feasible = feasible.logicalAnd(empty.eq(0));
                lower.put(i, lo);
                upper.put(i, hi);
                relaxations[i] = act.relax(in, split);
            } else {
                relaxations[i] = node.relax(in);
            }
            bounds[i] = node.interval(in, margin);
        }
    }

    /**
     * CROWN: lower and upper bounds of node p (an input of node {@code consumer}), by backward
     * propagation to the input box; tightened by earlier splits when asked. The rows (two per
     * neuron of p) go back in chunks, so that the coefficients held at once stay near {@link
     * #chunkBytes} however wide the layers are.
     */
    private NDArray[] crownBounds(int consumer, int p, int[] columns, NDArray xl, NDArray xu, NDManager manager) {
        int size = columns == null ? graph.node(p).size() : columns.length;
        int widest = 1;
        for (int i = 0; i <= p; i++) {
            widest = Math.max(widest, graph.node(i).size());
        }
        long perNeuron = 2L * widest * Math.max(1, domains) * Double.BYTES * 3; // λ, its parts, the sum
        int chunk = (int) Math.max(1, Math.min(size, chunkBytes / perNeuron));
        NDList lows = new NDList();
        NDList highs = new NDList();
        List<NDArray[]> linearParts = new ArrayList<>();
        for (int from = 0; from < size; from += chunk) {
            int to = Math.min(size, from + chunk);
            Map<Integer, FreeSlopes> free = alphaSteps > 0 ? freeSlopes(p, 2 * (to - from)) : Map.of();
            try (ChunkScope chunkScope = new ChunkScope()) {
                int[] entries = columns == null ? java.util.stream.IntStream.range(from, to).toArray()
                        : java.util.Arrays.copyOfRange(columns, from, to);
                // The first step, on the unit rows ±e_k, is the same for any α: made once, by the node.
                Step first = relaxations[p].backwardFromUnitRows(manager, entries, graph.node(p).size());
                int recorded = linearParts.size();
                NDArray[] result = free.isEmpty()
                        ? crownChunk(consumer, p, first, xl, xu, manager, linearParts, Map.of())
                        : AlphaOptimizer.minimize(free, alphaSteps, deadline,
                                slopes -> crownChunk(consumer, p, first, xl, xu, manager, linearParts, slopes));
                lows.add(chunkScope.keep(result[0]));
                highs.add(chunkScope.keep(result[1]));
                for (NDArray[] part : linearParts.subList(recorded, linearParts.size())) {
                    chunkScope.keep(part[0]);
                    chunkScope.keep(part[1]);
                }
            }
        }
        if (!linearParts.isEmpty()) {
            recordLinear(consumer, linearParts);
        }
        return lows.size() == 1 ? new NDArray[] {lows.get(0), highs.get(0)}
                : new NDArray[] {NDArrays.concat(lows, 1), NDArrays.concat(highs, 1)};
    }

    /**
     * The bounds of the chunk's neurons of node p, from the first step: node p's backward step on
     * the unit rows {@code ±e_k} of those neurons.
     */
    private NDArray[] crownChunk(int consumer, int p, Step first, NDArray xl, NDArray xu, NDManager manager,
            List<NDArray[]> linearParts, Map<Integer, FreeSlopes> slopes) {
        int rows = Math.toIntExact(first.coefficients()[0].getShape().get(1) / 2);
        NDArray[] pending = new NDArray[p + 1];
        NDArray constant = manager.zeros(new Shape(1, 2L * rows), DataType.FLOAT64);
        constant = collect(first, graph.node(p).inputs(), pending, constant);
        NDArray result = null;
        for (int i = p - 1; i >= 0; i--) {
            NDArray lambda = pending[i];
            if (lambda == null) {
                continue;
            }
            pending[i] = null;
            deadline.check(); // one pass back through a deep CNN takes seconds: stop between its steps
            if (i == 0) {
                SplitConstraints constraints = constraintSteps == 0 ? null
                        : SplitConstraints.gather(linear, splitValues, domains, constraintSteps, manager);
                if (constraints != null) {
                    result = constraints.upperBounds(lambda, constant, xl, xu, deadline);
                } else {
                    NDArray bound = Scalars.maximum(lambda, 0).mul(xu.expandDims(1))
                            .add(Scalars.minimum(lambda, 0).mul(xl.expandDims(1)));
                    result = constant.add(bound.sum(new int[] {2}));
                }
                if (constraintSteps > 0 && splitValues.containsKey(consumer)) {
                    linearParts.add(new NDArray[] {lambda, constant});
                }
                continue;
            }
            constant = collect(relaxations[i].backward(lambda, slopes.get(i)), graph.node(i).inputs(), pending,
                    constant);
        }
        if (result == null) { // p does not depend on the input (cannot happen in a lowered network)
            result = constant;
        }
        return new NDArray[] {result.get(":, " + rows + ":").neg(), result.get(":, :" + rows)};
    }

    /** Adds a step's coefficients to its node's inputs' pending ones; returns the constant with the step's. */
    private static NDArray collect(Step step, int[] inputs, NDArray[] pending, NDArray constant) {
        for (int j = 0; j < inputs.length; j++) {
            pending[inputs[j]] = pending[inputs[j]] == null ? step.coefficients()[j]
                    : pending[inputs[j]].add(step.coefficients()[j]);
        }
        return step.constant() == null ? constant : constant.add(step.constant());
    }

    /** The lower slopes α-CROWN may choose for a bound on node p: those of the relaxations before it. */
    private Map<Integer, FreeSlopes> freeSlopes(int p, int rows) {
        Map<Integer, FreeSlopes> out = new HashMap<>();
        for (int k = 1; k < p; k++) {
            FreeSlopes free = relaxations[k].freeSlopes(rows);
            if (free != null) {
                out.put(k, free);
            }
        }
        return out;
    }

    /** Joins the chunks' linear bounds into one record: every upper row first, then every lower row. */
    private void recordLinear(int activation, List<NDArray[]> parts) {
        if (parts.size() == 1) {
            linear.add(new SplitConstraints.Linear(activation, parts.get(0)[0], parts.get(0)[1]));
            return;
        }
        NDList upperRows = new NDList();
        NDList lowerRows = new NDList();
        NDList upperConstants = new NDList();
        NDList lowerConstants = new NDList();
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

    /**
     * Returns node {@code i}'s relaxation over the domains.
     *
     * @param i a node other than the input
     * @return its relaxation
     */
    ForwardRelaxation relaxation(int i) {
        return relaxations[i];
    }

    /**
     * Returns the network output's bounds, rounded outward like every other node's.
     *
     * @return the output interval, {@code (D, outputs)}
     */
    Interval output() {
        return bounds[graph.output()];
    }

    /**
     * Returns the number of domains.
     *
     * @return D
     */
    int domains() {
        return domains;
    }

    /**
     * Returns the forward state of activation {@code i} per domain, splits included: +1 active
     * (identity), −1 inactive (the negative slope), 0 unstable (the Clarke interval).
     *
     * @param i the activation node
     * @return the states {@code (D, n)}, float64
     */
    NDArray state(int i) {
        return ((Activation.Relaxation) relaxations[i]).states();
    }
}
