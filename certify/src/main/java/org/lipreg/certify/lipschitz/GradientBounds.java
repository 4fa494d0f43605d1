package org.lipreg.certify.lipschitz;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import org.lipreg.certify.graph.Graph;
import org.lipreg.certify.graph.GradientEdge;
import org.lipreg.certify.graph.Interval;
import org.lipreg.certify.graph.RoundingMargin;
import org.lipreg.certify.graph.Step;
import org.lipreg.normalization.engine.Scalars;

import java.util.HashMap;
import java.util.Map;

/**
 * Bounds on the Clarke gradients of {@code c·f} over the input box, and on their ℓ1 norm: the
 * Jacobian graph seeded with {@code c} at the output, each node's edge ({@link GradientEdge}, made
 * by its forward relaxation) sending its output gradient's bounds to its inputs — {@code Aᵀ}
 * through affine nodes, a gate through each activation, intervals through a normalization.
 * Bounds at every node come from the output side inward; where an edge relaxes a function of its
 * output gradient (the gates), that gradient's bounds are tightened first by linear bounds
 * propagated outward to the spec. Then bounds on the input gradient v, and {@code ‖v‖₁ ≤ min(Σ
 * max(|v_l|, |v_u|), linear bound with the chord of |·|)}. Every bound is rounded outward
 * ({@link RoundingMargin}). A loop over edges: what each node is, its edge says.
 *
 * <p>Rows: B = D·S, row {@code d·S + s} is domain d with spec row s. Arrays are created in the
 * current {@code NDScope}.
 */
final class GradientBounds {

    /** Upper bound on ‖∇(c·f)‖₁ per row, {@code (B)}. */
    NDArray normUpper;
    /** Bounds on each input derivative, {@code (B, n0)}. */
    NDArray inputLower;
    NDArray inputUpper;
    /** Bounds on the output gradient of each gate (activation), {@code (B, n)}. */
    final Map<Integer, NDArray> gateLower = new HashMap<>();
    final Map<Integer, NDArray> gateUpper = new HashMap<>();
    /** Total |coefficient| on each gate's relaxation in the final objective, {@code (B, n)}. */
    final Map<Integer, NDArray> gateWeight = new HashMap<>();

    /** About how many bytes of coefficients one chunk of a node's entries may hold (see ForwardBounds). */
    static long chunkBytes = 32L << 20; // tests lower it to force many chunks

    private final Graph graph;
    private final GradientMethod method;
    private final NDArray spec;
    private final Deadline deadline;
    /** How far outward every computed bound is rounded. */
    private final RoundingMargin margin;
    /** Per node (but the input), its edge in the Jacobian graph. */
    private final GradientEdge[] edges;

    private GradientBounds(Graph graph, GradientMethod method, NDArray spec, Deadline deadline) {
        this.graph = graph;
        this.method = method;
        this.spec = spec;
        this.deadline = deadline;
        this.margin = RoundingMargin.of(graph);
        this.edges = new GradientEdge[graph.nodes().size()];
    }

    /**
     * Computes the bounds.
     *
     * @param graph the network
     * @param forward the forward bounds of D domains, splits included
     * @param spec {@code (B, outputs)}, B a multiple of D
     * @param method the gradient-graph method
     * @return the bounds
     */
    static GradientBounds compute(Graph graph, ForwardBounds forward, NDArray spec, GradientMethod method) {
        return compute(graph, forward, spec, method, Deadline.NONE);
    }

    /**
     * Computes the bounds, or gives up when the deadline passes (checked before each node's
     * bounds and before the norm's).
     *
     * @param graph the network
     * @param forward the forward bounds of D domains, splits included
     * @param spec {@code (B, outputs)}, B a multiple of D
     * @param method the gradient-graph method
     * @param deadline when to give up
     * @return the bounds
     * @throws Deadline.Passed when the deadline passes before the bounds are done
     */
    static GradientBounds compute(Graph graph, ForwardBounds forward, NDArray spec, GradientMethod method,
            Deadline deadline) {
        GradientBounds g = new GradientBounds(graph, method, spec, deadline);
        g.run(forward);
        return g;
    }

    private void run(ForwardBounds forward) {
        long rows = spec.getShape().get(0);
        int n = graph.nodes().size();
        if (rows % forward.domains() != 0) {
            throw new IllegalArgumentException("rows " + rows + " is not a multiple of domains " + forward.domains());
        }
        for (int i = 1; i < n; i++) {
            edges[i] = forward.relaxation(i).gradientEdge(rows / forward.domains(), margin);
        }
        Interval[] gradient = new Interval[n];
        gradient[graph.output()] = new Interval(spec, spec, spec.abs());
        boolean linear = method != GradientMethod.INTERVAL;
        for (int i = graph.output() - 1; i >= 0; i--) {
            deadline.check();
            gradient[i] = intervalStep(i, gradient);
            boolean relaxed = i > 0 && edges[i].relaxesOutputGradient();
            if (linear && (relaxed || i == 0)) {
                // Only entries whose relaxation tighter bounds can change get a linear bound: at
                // the input, those whose sign is open (|·|'s chord; every entry when the norm is
                // the intervals' alone); at a gate, its own rule — unless a normalization further
                // in relaxes over every entry's interval.
                int[] columns;
                if (i == 0) {
                    columns = method == GradientMethod.LINEAR ? Entries.acrossZero(gradient[0]) : all(0);
                } else {
                    columns = intervalOnlyBefore(i) ? all(i) : Entries.anyRow(edges[i].matters(gradient[i]));
                }
                if (columns.length > 0) {
                    columns = Locality.order(graph, i, columns); // chunks of neighbours stay local
                    NDArray[] bounds = linearBounds(i, columns);
                    gradient[i] = Entries.tighten(gradient[i], columns, bounds[0], bounds[1], margin);
                }
            }
            if (relaxed) {
                gateLower.put(i, gradient[i].lower());
                gateUpper.put(i, gradient[i].upper());
                edges[i].outputBounds(gradient[i], method == GradientMethod.LINEAR);
            }
        }
        inputLower = gradient[0].lower();
        inputUpper = gradient[0].upper();
        NDArray interval = inputLower.abs().maximum(inputUpper.abs()).sum(new int[] {1});
        normUpper = interval;
        if (method == GradientMethod.LINEAR) {
            deadline.check();
            normUpper = interval.minimum(linearNorm());
        }
        // The norm sums n0 more terms (and the chord's), each at most the input magnitude.
        normUpper = margin.up(normUpper, Scalars.mul(gradient[0].magnitude().sum(new int[] {1}), 2));
        for (int i = 1; i < n; i++) {
            if (edges[i].weight() != null) {
                gateWeight.put(i, edges[i].weight());
            }
        }
    }

    private int[] all(int i) {
        return java.util.stream.IntStream.range(0, graph.node(i).size()).toArray();
    }

    /**
     * Whether some node before i is not piecewise linear (a normalization): its Jacobian edge
     * relaxes over its output gradient's intervals, which are sums of what gates further out
     * send back, so every entry's interval matters there.
     */
    private boolean intervalOnlyBefore(int i) {
        for (int k = 1; k < i; k++) {
            if (!graph.node(k).piecewiseLinear()) {
                return true;
            }
        }
        return false;
    }

    /** Interval bounds of node i's gradient: the sum of what its consumers send back. */
    private Interval intervalStep(int i, Interval[] gradient) {
        NDArray l = null;
        NDArray u = null;
        NDArray size = null;
        for (int c : graph.consumers(i)) {
            Interval sent = edges[c].backward(gradient[c]);
            l = l == null ? sent.lower() : l.add(sent.lower());
            u = u == null ? sent.upper() : u.add(sent.upper());
            size = size == null ? sent.magnitude() : size.add(sent.magnitude());
        }
        if (l == null) { // a node nothing reads: its gradient is zero
            long rows = spec.getShape().get(0);
            l = spec.getManager().zeros(new Shape(rows, graph.node(i).size()), DataType.FLOAT64);
            return new Interval(l, l, l);
        }
        return new Interval(l, u, size).widened(margin);
    }

    /** Linear lower and upper bounds of the given entries of node t's gradient, a chunk of entries at a time. */
    private NDArray[] linearBounds(int t, int[] columns) {
        long rows = spec.getShape().get(0);
        int widest = 1;
        for (int i = t; i < graph.nodes().size(); i++) {
            widest = Math.max(widest, graph.node(i).size());
        }
        long perEntry = 2L * widest * rows * Double.BYTES * 3; // λ, its parts, the sum
        int chunk = (int) Math.max(1, Math.min(columns.length, chunkBytes / perEntry));
        NDList lows = new NDList();
        NDList highs = new NDList();
        for (int from = 0; from < columns.length; from += chunk) {
            int[] part = java.util.Arrays.copyOfRange(columns, from, Math.min(columns.length, from + chunk));
            try (ChunkScope chunkScope = new ChunkScope()) {
                NDArray[] bounds = linearChunk(t, part);
                lows.add(chunkScope.keep(bounds[0]));
                highs.add(chunkScope.keep(bounds[1]));
            }
        }
        if (lows.size() == 1) {
            return new NDArray[] {lows.get(0), highs.get(0)};
        }
        return new NDArray[] {NDArrays.concat(lows, 1), NDArrays.concat(highs, 1)};
    }

    /** Linear bounds of the given entries of node t's gradient. */
    private NDArray[] linearChunk(int t, int[] columns) {
        int count = columns.length;
        NDArray[] pending = new NDArray[graph.nodes().size()];
        NDArray constant = spec.getManager().zeros(new Shape(1, 2L * count), DataType.FLOAT64);
        deadline.check();
        // The first steps, from the unit rows ±e_j on node t's gradient, each consumer's edge makes.
        for (int c : graph.consumers(t)) {
            constant = carry(edges[c].forwardFromUnitRows(spec.getManager(), columns, graph.node(t).size()), c,
                    pending, constant);
        }
        NDArray result = propagate(t + 1, pending, constant, false);
        return new NDArray[] {result.get(":, " + count + ":").neg(), result.get(":, :" + count)};
    }

    /** The linear bound on ‖v‖₁ through the chord of |·| on each input derivative. */
    private NDArray linearNorm() {
        NDArray l = inputLower;
        NDArray u = inputUpper;
        NDArray positive = l.gte(0);
        NDArray negative = u.lte(0);
        NDArray width = Scalars.maximum(u.sub(l), Double.MIN_NORMAL);
        NDArray chord = u.add(l).div(width); // (|u| − |l|)/(u − l) when l < 0 < u
        NDArray one = l.onesLike();
        NDArray slope = NDArrays.where(positive, one, NDArrays.where(negative, one.neg(), chord));
        NDArray intercept = NDArrays.where(positive.logicalOr(negative), l.zerosLike(), l.neg().sub(chord.mul(l)));
        NDArray[] pending = new NDArray[graph.nodes().size()];
        pending[0] = slope.expandDims(1);
        NDArray constant = intercept.sum(new int[] {1}).expandDims(1);
        return propagate(0, pending, constant, true).squeeze(1);
    }

    /**
     * Pushes the pending coefficients on the gradients of nodes t and later outward, across each
     * consumer's edge, to the output's spec; returns the upper bounds.
     */
    private NDArray propagate(int t, NDArray[] pending, NDArray constant, boolean record) {
        for (int i = t; i <= graph.output(); i++) {
            NDArray lambda = pending[i];
            if (lambda == null) {
                continue;
            }
            pending[i] = null;
            deadline.check(); // a step on a wide layer's chunk can take a good part of a second
            if (i == graph.output()) {
                constant = constant.add(lambda.mul(spec.expandDims(1)).sum(new int[] {2}));
                continue;
            }
            for (int c : graph.consumers(i)) {
                constant = carry(edges[c].forward(lambda, record), c, pending, constant);
            }
        }
        return constant;
    }

    /** Adds a step across consumer c's edge to c's pending coefficients; returns the constant with the step's. */
    private static NDArray carry(Step step, int c, NDArray[] pending, NDArray constant) {
        NDArray onOutput = step.coefficients()[0];
        if (onOutput != null) {
            pending[c] = pending[c] == null ? onOutput : pending[c].add(onOutput);
        }
        return step.constant() == null ? constant : constant.add(step.constant());
    }
}
