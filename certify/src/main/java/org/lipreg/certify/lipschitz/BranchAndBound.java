package org.lipreg.certify.lipschitz;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import org.lipreg.certify.graph.Graph;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * Branch-and-bound on unstable forward activations (DESIGN §4.3.5): best-first over domains, a
 * batch of domains split and bounded per step, each spec row (function) with its own floor, the
 * largest value known to be attained for it ({@link OpenDomains} says which domain goes first).
 * A domain fixes some activations to a branch (active {@code z ≥ 0}: derivative 1;
 * inactive {@code z ≤ 0}: the negative slope); its bound is recomputed with CROWN forward bounds
 * (the splits also constrain the activations after them: {@link SplitConstraints}) and the
 * linear gradient bounds, and kept no larger than its parent's (a sub-domain's maximum
 * cannot exceed its parent's). The neuron to split maximizes
 * {@code (u|u| − l|l|)·(|A1| + |A2|)} — the gate's input range times its coefficients in the
 * final bound — falling back to the widest unstable forward interval. A fully split domain (a
 * leaf) whose bound could raise its row's maximum is tested for points ({@link RegionFeasibility}):
 * dropped when its region is empty, otherwise its bound is exact and attained; a leaf at or below
 * its row's floor is counted as it is, untested. The certified value is the maximum over open
 * domains and counted leaves, so stopping early (budget, domain cap) is always sound. The time
 * budget is checked inside a batch too ({@link Deadline}): a batch cut short leaves its domains
 * at their parents' bounds, a leaf whose test is cut short is counted untested. In a network
 * with a normalization (not piecewise linear) no leaf is exact: every leaf is counted untested.
 */
final class BranchAndBound {

    private final Graph graph;
    private final List<Integer> activations;
    private final NDManager manager;

    /**
     * About how many bytes of coefficients one batch should hold. Bounding a domain keeps a
     * {@code (2·inputs, neurons)} float64 array for the widest layer; past a few tens of MB per
     * batch, streaming that memory costs more than the engine calls a larger batch saves. On the
     * MNIST CNN of {@code bench lipschitz} (1,568 × 784 coefficients, 9.8 MB, per domain),
     * batches of 4 bounded 1.8× the domains of batches of 32 in 20 s.
     */
    static final long BATCH_BYTES = 40L << 20;

    BranchAndBound(Graph graph, NDManager manager) {
        this.graph = graph;
        this.activations = graph.activations();
        this.manager = manager;
    }

    /**
     * Returns the batch size for a network: the cap, lowered so that a batch's coefficients stay
     * near {@link #BATCH_BYTES} (at least one domain).
     *
     * @param graph the network
     * @param cap the settings' batch size
     * @return the batch size to use
     */
    static int batchSize(Graph graph, int cap) {
        long widest = 1;
        for (int node : graph.activations()) {
            widest = Math.max(widest, graph.node(node).size());
        }
        long perDomain = 2L * graph.inputSize() * widest * Double.BYTES;
        return (int) Math.max(1, Math.min(cap, BATCH_BYTES / perDomain));
    }

    /**
     * One domain: a spec row and, per activation, a split per neuron (+1, −1, 0). Children share
     * their parent's split arrays except the one they change, and only leaves keep their forward
     * states, so that hundreds of thousands of open domains fit in memory.
     */
    private static final class Domain {
        final int spec;
        final byte[][] splits;
        double bound;
        int[] branch; // {activation position, neuron} to split next, or null for a leaf
        double[][] states; // leaves only: the full activation pattern, for the region test

        Domain(int spec, byte[][] splits, double bound) {
            this.spec = spec;
            this.splits = splits;
            this.bound = bound;
        }
    }

    /**
     * The open domains, a queue per spec row with the largest bound first, and per row its floor:
     * the largest value known to be attained for that row (the caller's, or an exact leaf's). A
     * domain at or below its own row's floor cannot raise that row's maximum, so it stays open
     * unsplit; branch-and-bound is complete when every row's domains are at or below its floor.
     *
     * <p>Which domain is split next: first, while there are any, the domains above the largest
     * floor of all rows, largest bound first. They are what keeps the overall maximum above the
     * value attained, and with a batch of them alone the overall certificate improves exactly as
     * with one floor shared by every row. Then, for the rows' own maxima, the domain whose bound
     * is furthest above its row's floor. On the bench MLP (margin functions, 10 points at
     * ε = 0.05, 300 domains each), against one shared floor: the same mean overall upper/lower
     * ratio (1.056), the mean per-function ratio 1.266 → 1.202, the mean certified radius
     * 0.0208 → 0.0223. Splitting by the largest bound alone gave 1.068 overall (full batches of
     * any row slow the overall maximum down), 1.197, 0.0220; by the gap alone 1.126, 1.159, 0.0229.
     */
    private static final class OpenDomains {
        private final List<PriorityQueue<Domain>> queues = new ArrayList<>();
        private final double[] floor;
        private double largestFloor = Double.NEGATIVE_INFINITY;
        private int size;

        OpenDomains(double[] attained) {
            this.floor = attained.clone();
            for (int s = 0; s < attained.length; s++) {
                queues.add(new PriorityQueue<>((a, b) -> Double.compare(b.bound, a.bound)));
                largestFloor = Math.max(largestFloor, attained[s]);
            }
        }

        void add(Domain d) {
            queues.get(d.spec).add(d);
            size++;
        }

        int size() {
            return size;
        }

        double floor(int spec) {
            return floor[spec];
        }

        /** Records a value attained for a row (an exact leaf's bound). */
        void raiseFloor(int spec, double value) {
            floor[spec] = Math.max(floor[spec], value);
            largestFloor = Math.max(largestFloor, value);
        }

        /** Whether every row's open domains are at or below its floor. */
        boolean settled() {
            return nextSpec(false) < 0;
        }

        /** Whether some open domain is above the largest floor: it could raise the overall maximum. */
        boolean aboveLargestFloor() {
            return nextSpec(true) >= 0;
        }

        /**
         * Removes and returns the domain to split next, or null when there is none.
         *
         * @param overall true for domains above the largest floor only (the largest bound
         *     first); false for any above its row's floor (the largest gap first)
         * @return the domain, or null
         */
        Domain poll(boolean overall) {
            int s = nextSpec(overall);
            if (s < 0) {
                return null;
            }
            size--;
            return queues.get(s).poll();
        }

        /** The row whose top domain is split next, or −1; within a row the largest bound is also the largest gap. */
        private int nextSpec(boolean overall) {
            int best = -1;
            double bestKey = Double.NEGATIVE_INFINITY;
            for (int s = 0; s < queues.size(); s++) {
                Domain top = queues.get(s).peek();
                if (top == null || top.bound <= (overall ? largestFloor : floor[s])) {
                    continue;
                }
                double key = overall ? top.bound : top.bound - floor[s];
                if (key > bestKey) {
                    bestKey = key;
                    best = s;
                }
            }
            return best;
        }

        /** Raises each row's value to the largest bound among its open domains. */
        void countInto(double[] perSpec) {
            for (int s = 0; s < queues.size(); s++) {
                Domain top = queues.get(s).peek();
                if (top != null) {
                    perSpec[s] = Math.max(perSpec[s], top.bound);
                }
            }
        }
    }

    /**
     * Runs branch-and-bound for each spec row together.
     *
     * @param box the input box
     * @param specs the spec rows
     * @param start upper bounds to start from (CROWN's), one per row
     * @param settings the limits
     * @param attained per spec row s, a value of {@code ‖∇(c_s·f)‖₁} known to be attained in the box
     *     (a lower bound; 0 if none): row s's domains bounded by it cannot raise row s's
     *     certified maximum, so they stay open unsplit. It only saves work: every domain still
     *     counts in the result, so a wrong value can never make the bound unsound
     * @param deadline when to stop
     * @return the certified bounds
     */
    LipschitzBound run(InputBox box, double[][] specs, double[] start, BabSettings settings, double[] attained,
            Deadline deadline) {
        long begin = System.nanoTime();
        double[] leafMax = new double[specs.length]; // attained: leaves whose region has a point
        double[] leafUpper = new double[specs.length]; // every leaf counted, tested or not
        double[][] witnesses = new double[specs.length][];
        java.util.Arrays.fill(leafMax, Double.NEGATIVE_INFINITY);
        java.util.Arrays.fill(leafUpper, Double.NEGATIVE_INFINITY);
        OpenDomains open = new OpenDomains(attained);
        List<Domain> roots = new ArrayList<>();
        for (int s = 0; s < specs.length; s++) {
            byte[][] none = new byte[activations.size()][];
            for (int k = 0; k < none.length; k++) {
                none[k] = new byte[graph.node(activations.get(k)).size()];
            }
            roots.add(new Domain(s, none, start[s]));
        }
        int batchSize = batchSize(graph, settings.batchSize());
        long evaluated = 0;
        List<Domain> batch = roots;
        boolean complete = false;
        boolean cut = false; // the deadline passed: some work was left undone
        while (true) {
            try {
                evaluate(box, batch, specs, settings.constraintSteps(), deadline);
            } catch (Deadline.Passed e) {
                // The batch is abandoned: each of its domains keeps its parent's bound, which
                // holds on it (a sub-domain's maximum cannot exceed its parent's).
                for (Domain d : batch) {
                    open.add(d);
                }
                cut = true;
                break;
            }
            evaluated += batch.size();
            for (Domain d : batch) {
                if (d.bound == Double.NEGATIVE_INFINITY) {
                    continue; // empty domain
                }
                if (d.branch != null) {
                    open.add(d);
                    continue;
                }
                if (!graph.piecewiseLinear()) {
                    // With a normalization the gradient is not constant on an activation
                    // pattern: a leaf's bound is an upper bound, never an attained value.
                    leafUpper[d.spec] = Math.max(leafUpper[d.spec], d.bound);
                    continue;
                }
                if (d.bound <= open.floor(d.spec)) {
                    // Cannot raise its row's maximum: count its bound as it is and spare the
                    // region's linear program, which costs as much as hundreds of domains.
                    leafUpper[d.spec] = Math.max(leafUpper[d.spec], d.bound);
                    continue;
                }
                double[] witness = null;
                if (!cut) {
                    try {
                        witness = leafWitness(box, d, deadline);
                    } catch (Deadline.Passed e) {
                        cut = true;
                    }
                }
                if (cut) {
                    // Out of time before its region was decided: its bound holds, count it.
                    leafUpper[d.spec] = Math.max(leafUpper[d.spec], d.bound);
                } else if (witness != null) {
                    leafUpper[d.spec] = Math.max(leafUpper[d.spec], d.bound);
                    if (d.bound > leafMax[d.spec]) {
                        leafMax[d.spec] = d.bound;
                        witnesses[d.spec] = witness;
                        open.raiseFloor(d.spec, d.bound);
                    }
                }
                d.states = null;
            }
            if (!cut && open.settled()) {
                complete = true;
                break;
            }
            if (cut || deadline.passed() || open.size() >= settings.maxDomains()) {
                break;
            }
            batch = new ArrayList<>();
            boolean overall = open.aboveLargestFloor(); // then a batch of those alone
            while (batch.size() < batchSize) {
                Domain parent = open.poll(overall);
                if (parent == null) {
                    break;
                }
                int k = parent.branch[0];
                int neuron = parent.branch[1];
                for (byte side : new byte[] {1, -1}) {
                    byte[][] splits = new byte[parent.splits.length][];
                    for (int a = 0; a < splits.length; a++) {
                        splits[a] = a == k ? parent.splits[a].clone() : parent.splits[a];
                    }
                    splits[k][neuron] = side;
                    batch.add(new Domain(parent.spec, splits, parent.bound));
                }
            }
        }
        for (int s = 0; s < leafUpper.length; s++) {
            complete &= leafUpper[s] <= open.floor(s); // an untested leaf above its floor keeps a row open
        }
        double[] perSpec = leafUpper.clone();
        open.countInto(perSpec);
        for (int s = 0; s < perSpec.length; s++) {
            if (perSpec[s] == Double.NEGATIVE_INFINITY) {
                perSpec[s] = 0; // every domain was empty: no gradient in the box (cannot happen for a real box)
            }
        }
        // The maximum over rows is settled when no row's bound exceeds the largest attained value.
        double largestFloor = Double.NEGATIVE_INFINITY;
        double largestBound = Double.NEGATIVE_INFINITY;
        for (int s = 0; s < perSpec.length; s++) {
            largestFloor = Math.max(largestFloor, open.floor(s));
            largestBound = Math.max(largestBound, perSpec[s]);
        }
        boolean maxComplete = complete || largestBound <= largestFloor;
        return new LipschitzBound(Method.BAB, perSpec, (System.nanoTime() - begin) / 1e9, evaluated, complete,
                maxComplete, witnesses);
    }

    private double[] leafWitness(InputBox box, Domain d, Deadline deadline) {
        Map<Integer, double[]> states = new HashMap<>();
        for (int k = 0; k < activations.size(); k++) {
            states.put(activations.get(k), d.states[k]);
        }
        return RegionFeasibility.witness(graph, box, states, manager, deadline);
    }

    /**
     * Bounds a batch of domains; sets bound (−∞ when empty), states and the next branch, all at
     * the end: a batch abandoned when the deadline passes leaves its domains as they were.
     */
    private void evaluate(InputBox box, List<Domain> batch, double[][] specs, int constraintSteps, Deadline deadline) {
        int count = batch.size();
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            Map<Integer, double[]> splits = new HashMap<>();
            for (int k = 0; k < activations.size(); k++) {
                int n = graph.node(activations.get(k)).size();
                double[] flat = new double[count * n];
                for (int d = 0; d < count; d++) {
                    byte[] split = batch.get(d).splits[k];
                    for (int j = 0; j < n; j++) {
                        flat[d * n + j] = split[j];
                    }
                }
                splits.put(activations.get(k), flat);
            }
            double[][] rows = new double[count][];
            for (int d = 0; d < count; d++) {
                rows[d] = specs[batch.get(d).spec];
            }
            NDArray spec = manager.create(GraphOracle.flatten(rows), new Shape(count, graph.outputSize()));
            ForwardBounds forward = ForwardBounds.compute(graph, box, splits, count, true, constraintSteps, deadline,
                    manager);
            GradientBounds gradient = GradientBounds.compute(graph, forward, spec, GradientMethod.LINEAR, deadline);
            double[] bound = gradient.normUpper.toDoubleArray();
            boolean[] feasible = forward.feasible.toBooleanArray();
            double[][][] states = new double[activations.size()][][];
            double[][] best = new double[count][];
            double[] bestScore = new double[count];
            double[] bestFallback = new double[count];
            java.util.Arrays.fill(bestScore, -1);
            java.util.Arrays.fill(bestFallback, -1);
            for (int k = 0; k < activations.size(); k++) {
                int node = activations.get(k);
                int n = graph.node(node).size();
                double[] state = forward.state(node).toDoubleArray();
                NDArray hl = gradient.gateLower.get(node);
                NDArray hu = gradient.gateUpper.get(node);
                NDArray weight = gradient.gateWeight.get(node);
                NDArray range = hu.mul(hu.abs()).sub(hl.mul(hl.abs()));
                double[] score = weight == null ? new double[count * n] : range.mul(weight).toDoubleArray();
                double[] width = forward.upper.get(node).mul(forward.lower.get(node).neg()).toDoubleArray();
                states[k] = new double[count][];
                for (int d = 0; d < count; d++) {
                    states[k][d] = java.util.Arrays.copyOfRange(state, d * n, (d + 1) * n);
                    for (int j = 0; j < n; j++) {
                        if (state[d * n + j] != 0) {
                            continue;
                        }
                        double s = score[d * n + j];
                        double f = width[d * n + j];
                        if (s > bestScore[d] || (s == bestScore[d] && f > bestFallback[d])) {
                            bestScore[d] = s;
                            bestFallback[d] = f;
                            best[d] = new double[] {k, j};
                        }
                    }
                }
            }
            for (int d = 0; d < count; d++) {
                Domain domain = batch.get(d);
                if (!feasible[d]) {
                    domain.bound = Double.NEGATIVE_INFINITY;
                    continue;
                }
                domain.bound = Math.min(domain.bound, bound[d]);
                domain.branch = best[d] == null ? null : new int[] {(int) best[d][0], (int) best[d][1]};
                if (domain.branch == null) {
                    domain.states = new double[activations.size()][];
                    for (int k = 0; k < activations.size(); k++) {
                        domain.states[k] = states[k][d];
                    }
                }
            }
        }
    }
}
