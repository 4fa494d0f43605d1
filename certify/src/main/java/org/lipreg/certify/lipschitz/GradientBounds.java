package org.lipreg.certify.lipschitz;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import org.lipreg.certify.graph.Graph;
import org.lipreg.certify.graph.GroupNormalization;
import org.lipreg.certify.graph.Node;
import org.lipreg.normalization.Scalars;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Bounds on the Clarke gradients of {@code c·f} over the input box, and on their ℓ1 norm: the
 * backward graph seeded with {@code c} at the output, {@code h ↦ Wᵀh} through affine nodes and a
 * gate {@code y = δ·h} through each activation, δ in the forward state's Clarke set ({1} active,
 * {s} inactive, [s, 1] unstable). Writing {@code y = a0·h + w·y'} with {@code y' ∈ [−ReLU(−h), ReLU(h)]}
 * (a0 = 1, w = 0 active; a0 = s, w = 0 inactive; a0 = s, w = 1 − s unstable), an upper bound
 * on {@code Λ·y} routes positive coefficients of {@code w·Λ} to {@code ReLU(h)} and negative
 * ones to {@code ReLU(−h)}, each then bounded above by a {@link Relaxation}. Bounds on h at
 * every gate come first, from the output side inward; then bounds on the input gradient v; then
 * {@code ‖v‖₁ ≤ min(Σ max(|v_l|, |v_u|), linear bound with the chord of |·|)}.
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
    /** Bounds on h at each activation's gate, {@code (B, n)}. */
    final Map<Integer, NDArray> gateLower = new HashMap<>();
    final Map<Integer, NDArray> gateUpper = new HashMap<>();
    /** Total |coefficient| on each gate's relaxation in the final objective, {@code (B, n)}. */
    final Map<Integer, NDArray> gateWeight = new HashMap<>();

    private final Graph graph;
    private final GradientMethod method;
    private final NDArray spec;
    private final Map<Integer, NDArray> fixedSlope = new HashMap<>();
    private final Map<Integer, NDArray> gateWidth = new HashMap<>();
    private final Map<Integer, Relaxation> positiveRelax = new HashMap<>();
    private final Map<Integer, Relaxation> negativeRelax = new HashMap<>();
    private final Map<Integer, GateFactors> factors = new HashMap<>();
    /** Per normalization node, its forward bounds repeated to one row per gradient row. */
    private final Map<Integer, GroupNormalization.Bounds> normalizations = new HashMap<>();
    /** Per normalization node c, interval bounds on its backward output (the gradient it sends to its input). */
    private final Map<Integer, NDArray[]> normalizationEdges = new HashMap<>();

    private final Deadline deadline;

    private GradientBounds(Graph graph, GradientMethod method, NDArray spec, Deadline deadline) {
        this.graph = graph;
        this.method = method;
        this.spec = spec;
        this.deadline = deadline;
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
        for (int k : graph.activations()) {
            NDArray state = forward.state(k);
            long domains = state.getShape().get(0);
            if (rows % domains != 0) {
                throw new IllegalArgumentException("rows " + rows + " is not a multiple of domains " + domains);
            }
            if (rows != domains) {
                state = state.repeat(0, rows / domains);
            }
            double s = ((Node.Activation) graph.node(k)).slope();
            NDArray active = state.gt(0).toType(DataType.FLOAT64, false);
            NDArray unstable = state.eq(0).toType(DataType.FLOAT64, false);
            fixedSlope.put(k, Scalars.mul(active, 1 - s).add(s));
            gateWidth.put(k, Scalars.mul(unstable, 1 - s));
        }
        for (int k = 0; k < n; k++) {
            if (graph.node(k) instanceof Node.Normalization) {
                GroupNormalization.Bounds b = forward.normalization(k);
                normalizations.put(k, b.repeat(rows / b.rLo().getShape().get(0)));
            }
        }
        NDArray[] lo = new NDArray[n];
        NDArray[] hi = new NDArray[n];
        lo[graph.output()] = spec;
        hi[graph.output()] = spec;
        for (int i = graph.output() - 1; i >= 0; i--) {
            deadline.check();
            intervalStep(i, lo, hi);
            Node node = graph.node(i);
            boolean linear = method != GradientMethod.INTERVAL;
            if (node instanceof Node.Activation) {
                if (linear) {
                    NDArray[] bounds = linearBounds(i);
                    lo[i] = lo[i].maximum(bounds[0]);
                    hi[i] = hi[i].minimum(bounds[1]);
                }
                gateLower.put(i, lo[i]);
                gateUpper.put(i, hi[i]);
                boolean chord = method == GradientMethod.LINEAR;
                positiveRelax.put(i, chord ? Relaxation.chord(lo[i], hi[i]) : Relaxation.constant(lo[i], hi[i]));
                NDArray negLo = hi[i].neg();
                NDArray negHi = lo[i].neg();
                negativeRelax.put(i, chord ? Relaxation.chord(negLo, negHi) : Relaxation.constant(negLo, negHi));
            } else if (i == 0 && linear) {
                NDArray[] bounds = linearBounds(0);
                lo[0] = lo[0].maximum(bounds[0]);
                hi[0] = hi[0].minimum(bounds[1]);
            }
        }
        inputLower = lo[0];
        inputUpper = hi[0];
        NDArray interval = inputLower.abs().maximum(inputUpper.abs()).sum(new int[] {1});
        normUpper = interval;
        if (method == GradientMethod.LINEAR) {
            deadline.check();
            normUpper = interval.minimum(linearNorm());
        }
    }

    /** Interval bounds of g_i from its consumers' bounds. */
    private void intervalStep(int i, NDArray[] lo, NDArray[] hi) {
        NDArray l = null;
        NDArray u = null;
        for (int c : graph.consumers(i)) {
            NDArray cl;
            NDArray cu;
            Node node = graph.node(c);
            if (node instanceof Node.Affine a) {
                // g_i = Aᵀ g_c, in centre and radius.
                NDArray mid = Scalars.mul(lo[c].add(hi[c]), 0.5);
                NDArray rad = Scalars.mul(hi[c].sub(lo[c]), 0.5);
                NDArray centre = a.map().applyTranspose(mid);
                NDArray radius = a.map().abs().applyTranspose(rad);
                cl = centre.sub(radius);
                cu = centre.add(radius);
            } else if (node instanceof Node.Normalization norm) {
                NDArray[] edge = norm.norm().backwardInterval(normalizations.get(c), lo[c], hi[c]);
                normalizationEdges.put(c, edge);
                cl = edge[0];
                cu = edge[1];
            } else if (node instanceof Node.Activation) {
                NDArray a0 = fixedSlope.get(c);
                NDArray w = gateWidth.get(c);
                cl = a0.mul(lo[c]).add(w.mul(Scalars.minimum(lo[c], 0)));
                cu = a0.mul(hi[c]).add(w.mul(Scalars.maximum(hi[c], 0)));
            } else {
                cl = lo[c];
                cu = hi[c];
            }
            l = l == null ? cl : l.add(cl);
            u = u == null ? cu : u.add(cu);
        }
        if (l == null) { // a node nothing reads: its gradient is zero
            long rows = spec.getShape().get(0);
            l = spec.getManager().zeros(new Shape(rows, graph.node(i).size()), DataType.FLOAT64);
            u = l;
        }
        lo[i] = l;
        hi[i] = u;
    }

    /**
     * About how many bytes of coefficients one chunk of g_t's entries may hold.
     * A chunk's working set is many times this (every node's coefficients and temporaries live
     * until the chunk ends): at 256 MB the quickstart CNN's CROWN peaked at 7.9 GB resident and
     * took 25 s; at 32 MB, 2.2 GB and 14 s, with the same bounds (2-core machine, 2026-12-07).
     */
    static final long CHUNK_BYTES = 32L << 20;

    /** Linear lower and upper bounds of every entry of g_t, a chunk of entries at a time. */
    private NDArray[] linearBounds(int t) {
        int size = graph.node(t).size();
        long rows = spec.getShape().get(0);
        int widest = 1;
        for (int i = t; i < graph.nodes().size(); i++) {
            widest = Math.max(widest, graph.node(i).size());
        }
        long perEntry = 2L * widest * rows * Double.BYTES * 3; // λ, its parts, the sum
        int chunk = (int) Math.max(1, Math.min(size, CHUNK_BYTES / perEntry));
        ai.djl.ndarray.NDList lows = new ai.djl.ndarray.NDList();
        ai.djl.ndarray.NDList highs = new ai.djl.ndarray.NDList();
        // The gates' factors are cached: make them here, not in a chunk's scope that frees them.
        for (int c : positiveRelax.keySet()) {
            gateFactors(c);
        }
        for (int from = 0; from < size; from += chunk) {
            try (ChunkScope chunkScope = new ChunkScope()) {
                NDArray[] bounds = linearBounds(t, from, Math.min(size, from + chunk));
                lows.add(chunkScope.keep(bounds[0]));
                highs.add(chunkScope.keep(bounds[1]));
            }
        }
        if (lows.size() == 1) {
            return new NDArray[] {lows.get(0), highs.get(0)};
        }
        return new NDArray[] {NDArrays.concat(lows, 1), NDArrays.concat(highs, 1)};
    }

    /** Linear bounds of entries {@code from … to − 1} of g_t. */
    private NDArray[] linearBounds(int t, int from, int to) {
        int size = graph.node(t).size();
        int count = to - from;
        NDArray[] pending = new NDArray[graph.nodes().size()];
        NDArray constant = spec.getManager().zeros(new Shape(1, 2L * count), DataType.FLOAT64);
        NDArray e = IdentityRows.of(spec.getManager(), from, to, size);
        NDArray eye = e.concat(e.neg(), 0).expandDims(0);
        for (int c : graph.consumers(t)) {
            if (graph.node(c) instanceof Node.Affine a) {
                // g_t = Aᵀ g_c, so λ·g_t = (Aλ)·g_c.
                add(pending, c, a.map().apply(eye));
            } else {
                constant = step(t, c, eye, pending, constant, false);
            }
        }
        deadline.check();
        NDArray result = propagate(t, pending, constant, false);
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
        NDArray lambda = slope.expandDims(1);
        NDArray constant = intercept.sum(new int[] {1}).expandDims(1);
        for (int c : graph.consumers(0)) {
            constant = step(0, c, lambda, pending, constant, true);
        }
        return propagate(0, pending, constant, true).squeeze(1);
    }

    /** Pushes pending coefficients from node t outward to the output; returns the upper bounds. */
    private NDArray propagate(int t, NDArray[] pending, NDArray constant, boolean record) {
        for (int i = t + 1; i <= graph.output(); i++) {
            NDArray lambda = pending[i];
            if (lambda == null) {
                continue;
            }
            pending[i] = null;
            if (i == graph.output()) {
                constant = constant.add(lambda.mul(spec.expandDims(1)).sum(new int[] {2}));
                continue;
            }
            List<Integer> consumers = graph.consumers(i);
            for (int c : consumers) {
                constant = step(i, c, lambda, pending, constant, record);
            }
        }
        return constant;
    }

    /** Moves coefficients on g_i through the edge to consumer c; returns the new constant. */
    private NDArray step(int i, int c, NDArray lambda, NDArray[] pending, NDArray constant, boolean record) {
        Node node = graph.node(c);
        if (node instanceof Node.Affine a) {
            add(pending, c, a.map().apply(lambda));
            return constant;
        }
        if (node instanceof Node.Sum) {
            add(pending, c, lambda);
            return constant;
        }
        if (node instanceof Node.Normalization) {
            // No linear relaxation in the output gradient: λ·g_i ≤ λ⁺·upper + λ⁻·lower of the
            // interval this normalization sends back, and the propagation stops here.
            NDArray[] edge = normalizationEdges.get(c);
            NDArray bound = Scalars.maximum(lambda, 0).mul(edge[1].expandDims(1))
                    .add(Scalars.minimum(lambda, 0).mul(edge[0].expandDims(1)));
            return constant.add(bound.sum(new int[] {2}));
        }
        // With μ = λw (w ≥ 0) the bound's coefficient λa0 + μ⁺·ps − μ⁻·ns and offset μ⁺·pi + μ⁻·ni
        // depend on λ only through its sign: λ(a0 + w·ps) and λw·pi where λ > 0, λ(a0 + w·ns) and
        // −λw·ni elsewhere, that is λ·F⁻ + λ⁺·(F⁺ − F⁻) with per-gate factors F. That takes six
        // passes over the (rows, coefficients, n) array instead of thirteen; for the input
        // layer's 2·n0 coefficients those passes are most of branch-and-bound's time.
        GateFactors f = gateFactors(c);
        NDArray positive = Scalars.maximum(lambda, 0);
        add(pending, c, lambda.mul(f.scale()).add(positive.mul(f.scaleStep())));
        if (record) {
            gateWeight.merge(c, lambda.abs().sum(new int[] {1}).mul(gateWidth.get(c)), NDArray::add);
        }
        NDArray offset = lambda.matMul(f.offset()).add(positive.matMul(f.offsetStep())).squeeze(2);
        return constant.add(offset);
    }

    /**
     * A gate's factors on a coefficient λ: the new coefficient is {@code λ·scale + λ⁺·scaleStep}
     * (each {@code (B, 1, n)}), the constant gains {@code λ·offset + λ⁺·offsetStep} (each
     * {@code (B, n, 1)}, summed over n as a product).
     */
    private record GateFactors(NDArray scale, NDArray scaleStep, NDArray offset, NDArray offsetStep) {}

    private GateFactors gateFactors(int c) {
        return factors.computeIfAbsent(c, k -> {
            NDArray a0 = fixedSlope.get(k);
            NDArray w = gateWidth.get(k);
            Relaxation pos = positiveRelax.get(k);
            Relaxation neg = negativeRelax.get(k);
            NDArray scalePositive = a0.add(w.mul(pos.slope()));
            NDArray scaleNegative = a0.add(w.mul(neg.slope()));
            NDArray offsetPositive = w.mul(pos.intercept());
            NDArray offsetNegative = w.mul(neg.intercept()).neg();
            return new GateFactors(scaleNegative.expandDims(1), scalePositive.sub(scaleNegative).expandDims(1),
                    offsetNegative.expandDims(2), offsetPositive.sub(offsetNegative).expandDims(2));
        });
    }

    private static void add(NDArray[] pending, int i, NDArray lambda) {
        pending[i] = pending[i] == null ? lambda : pending[i].add(lambda);
    }
}
