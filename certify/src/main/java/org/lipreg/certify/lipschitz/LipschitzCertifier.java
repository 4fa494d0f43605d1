package org.lipreg.certify.lipschitz;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;

import org.lipreg.certify.graph.Graph;
import org.lipreg.certify.ir.Network;

import java.util.Collections;

/**
 * Certified upper bounds on the local ℓ∞ Lipschitz constant of a network: for each spec row c,
 * {@code max ‖∇(c·f)(x)‖₁} over the box {@code B∞(x0, ε) ∩ [min, max]} and over the Clarke
 * gradients (DESIGN §4.3). Computations run in float64 on DJL arrays, a batch of spec rows (or
 * branch-and-bound domains) at a time. Close the certifier to free the lowered network.
 *
 * <pre>{@code
 * try (LipschitzCertifier certifier = LipschitzCertifier.of(network)) {
 *     InputBox box = InputBox.around(x0, 0.01, 0, 1);
 *     LipschitzBound crown = certifier.bound(box, LipschitzCertifier.outputSpecs(10), Method.CROWN);
 * }
 * }</pre>
 */
public final class LipschitzCertifier implements AutoCloseable {

    private final Network network;
    private final NDManager manager;
    private final Graph graph;

    private LipschitzCertifier(Network network, java.util.function.UnaryOperator<Graph> rewrite) {
        this.network = network;
        this.manager = NDManager.newBaseManager();
        this.graph = rewrite.apply(Graph.of(network, manager));
    }

    /**
     * Creates a certifier whose lowered graph is first rewritten (tests compare equivalent forms
     * of the same network, e.g. convolutions against their dense matrices).
     *
     * @param network the network
     * @param rewrite returns the graph to use (it owns and closes what it replaces)
     * @return the certifier
     */
    static LipschitzCertifier of(Network network, java.util.function.UnaryOperator<Graph> rewrite) {
        return new LipschitzCertifier(network, rewrite);
    }

    /**
     * Creates a certifier for a network.
     *
     * @param network the network
     * @return the certifier
     */
    public static LipschitzCertifier of(Network network) {
        return new LipschitzCertifier(network, java.util.function.UnaryOperator.identity());
    }

    /**
     * Returns the lowered network (for evaluation and gradients in float64).
     *
     * @return the graph
     */
    public Graph graph() {
        return graph;
    }

    /**
     * Returns one spec row per output: {@code L_j} bounds output j's gradient.
     *
     * @param outputs the number of outputs
     * @return the identity rows
     */
    public static double[][] outputSpecs(int outputs) {
        double[][] specs = new double[outputs][outputs];
        for (int j = 0; j < outputs; j++) {
            specs[j][j] = 1;
        }
        return specs;
    }

    /**
     * Returns the margin rows {@code e_label − e_j} for every {@code j ≠ label}.
     *
     * @param outputs the number of outputs
     * @param label the predicted class
     * @return {@code outputs − 1} rows
     */
    public static double[][] marginSpecs(int outputs, int label) {
        double[][] specs = new double[outputs - 1][outputs];
        int row = 0;
        for (int j = 0; j < outputs; j++) {
            if (j != label) {
                specs[row][label] = 1;
                specs[row][j] = -1;
                row++;
            }
        }
        return specs;
    }

    /**
     * Lower bounds on the exact margins {@code f_y(x0) − f_j(x0)}, one per {@code j ≠ y} in the
     * order of {@link #marginSpecs}: the outputs' interval bounds on the one-point box {@code
     * [x0, x0]}, which are rounded outward, so that float64 rounding in a forward pass cannot make a
     * margin look larger than it is. A radius built on them ({@link RobustnessRadius}) is strict:
     * a forward pass at distance r still reads a positive margin (fuzz seed 7723 found a radius
     * built on the plain float64 margin ending on a point of margin −1.4·10⁻¹⁷).
     *
     * @param x0 the point, flat
     * @param label the class y
     * @return {@code outputs − 1} lower bounds, each rounded down once more
     */
    public double[] marginLowerBounds(double[] x0, int label) {
        return marginLowerBounds(java.util.List.of(x0), label)[0];
    }

    /**
     * {@link #marginLowerBounds(double[], int)} for several points in one pass.
     *
     * @param points the points, flat
     * @param label the class y
     * @return per point, {@code outputs − 1} lower bounds
     */
    public double[][] marginLowerBounds(java.util.List<double[]> points, int label) {
        java.util.List<InputBox> boxes = new java.util.ArrayList<>();
        for (double[] x : points) {
            boxes.add(new InputBox(x, x, x));
            if (x.length != graph.inputSize()) {
                throw new IllegalArgumentException("point of " + x.length + " values for " + graph.inputSize() + " inputs");
            }
        }
        int outputs = graph.outputSize();
        if (label < 0 || label >= outputs) {
            throw new IllegalArgumentException("label " + label + " outside the " + outputs + " outputs");
        }
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            ForwardBounds onPoints = ForwardBounds.compute(graph, boxes, false, 0, manager);
            double[] lo = onPoints.output().lower().toDoubleArray();
            double[] hi = onPoints.output().upper().toDoubleArray();
            double[][] margins = new double[points.size()][outputs - 1];
            for (int d = 0; d < points.size(); d++) {
                int base = d * outputs;
                for (int j = 0, row = 0; j < outputs; j++) {
                    if (j != label) {
                        margins[d][row++] = Math.nextDown(lo[base + label] - hi[base + j]);
                    }
                }
            }
            return margins;
        }
    }

    /**
     * Bounds with the default branch-and-bound settings.
     *
     * @param box the input box
     * @param specs the spec rows
     * @param method the method
     * @return the bound
     */
    public LipschitzBound bound(InputBox box, double[][] specs, Method method) {
        return bound(box, specs, method, BabSettings.DEFAULT);
    }

    /**
     * Computes a certified upper bound.
     *
     * @param box the input box
     * @param specs the spec rows, each of the output length
     * @param method the method
     * @param settings branch-and-bound limits (used by {@link Method#BAB})
     * @return the bound per spec row
     */
    public LipschitzBound bound(InputBox box, double[][] specs, Method method, BabSettings settings) {
        return bound(box, specs, method, settings, new double[specs.length]);
    }

    /**
     * Computes a certified upper bound, telling branch-and-bound the values already attained: per
     * spec row s, a lower bound on {@code max ‖∇(c_s·f)‖₁} over the box (from {@link
     * LowerBoundSearch}). Branch-and-bound then stops refining a row's domains that cannot exceed
     * that row's value, and finishes as soon as every row's certified maximum equals its value.
     * The values only steer the work: the result is sound whatever they are.
     *
     * @param box the input box
     * @param specs the spec rows, each of the output length
     * @param method the method
     * @param settings branch-and-bound limits (used by {@link Method#BAB})
     * @param attained per spec row, a gradient norm attained in the box, 0 if none is known
     * @return the bound per spec row
     */
    public LipschitzBound bound(InputBox box, double[][] specs, Method method, BabSettings settings, double[] attained) {
        return bound(box, specs, method, settings, attained, null, System::nanoTime);
    }

    /**
     * Branch-and-bound from CROWN bounds already computed for the same box and spec rows (a job
     * that reports both spares the second CROWN pass; the budget then covers the branching).
     *
     * @param box the input box
     * @param specs the spec rows
     * @param settings branch-and-bound limits
     * @param attained per spec row, a gradient norm attained in the box, 0 if none is known
     * @param crown {@link Method#CROWN}'s bounds for this box and these rows
     * @return the bound per spec row
     */
    public LipschitzBound branchAndBound(InputBox box, double[][] specs, BabSettings settings, double[] attained,
            double[] crown) {
        return bound(box, specs, Method.BAB, settings, attained, crown.clone(), System::nanoTime);
    }

    /**
     * As the public form, with the clock that branch-and-bound's time budget is measured on (the
     * budget starts here, so it covers the CROWN bounds branch-and-bound starts from).
     *
     * @param clock nanoseconds; tests pass one they advance by hand
     */
    LipschitzBound bound(InputBox box, double[][] specs, Method method, BabSettings settings, double[] attained,
            java.util.function.LongSupplier clock) {
        return bound(box, specs, method, settings, attained, null, clock);
    }

    /** The common body: {@code knownCrown}, when given, replaces branch-and-bound's starting pass. */
    private LipschitzBound bound(InputBox box, double[][] specs, Method method, BabSettings settings, double[] attained,
            double[] knownCrown, java.util.function.LongSupplier clock) {
        check(box, specs);
        if (attained.length != specs.length) {
            throw new IllegalArgumentException("attained values: " + attained.length + " for " + specs.length
                    + " spec rows");
        }
        long begin = System.nanoTime();
        Deadline deadline = method == Method.BAB ? Deadline.after(settings.timeBudgetSeconds(), clock) : Deadline.NONE;
        if (method == Method.NAIVE) {
            return new LipschitzBound(method, GlobalBounds.linfPerSpec(network, specs), seconds(begin), specs.length, true);
        }
        double[] perSpec;
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            boolean crown = method != Method.IBP;
            GradientMethod gradientMethod = switch (method) {
                case IBP -> GradientMethod.INTERVAL;
                case RECURJAC -> GradientMethod.RECURJAC;
                default -> GradientMethod.LINEAR;
            };
            if (method == Method.BAB && knownCrown != null) {
                perSpec = knownCrown;
            } else if (method == Method.BAB) {
                // The starting CROWN bound counts against the budget too; if the budget ends
                // first, the interval bound (cheap) is the certificate.
                try {
                    perSpec = unsplit(box, specs, true, GradientMethod.LINEAR, 0, deadline).normUpper.toDoubleArray();
                } catch (Deadline.Passed e) {
                    perSpec = unsplit(box, specs, false, GradientMethod.INTERVAL, 0, Deadline.NONE).normUpper
                            .toDoubleArray();
                    return new LipschitzBound(Method.BAB, perSpec, seconds(begin), 0, false, false,
                            new double[specs.length][]);
                }
            } else {
                perSpec = unsplit(box, specs, crown, gradientMethod, method == Method.ALPHA_CROWN ? ALPHA_STEPS : 0,
                        Deadline.NONE).normUpper.toDoubleArray();
            }
        }
        if (method != Method.BAB) {
            return new LipschitzBound(method, perSpec, seconds(begin), specs.length, true);
        }
        LipschitzBound bab = new BranchAndBound(graph, manager).run(box, specs, perSpec, settings, attained, deadline);
        return new LipschitzBound(Method.BAB, bab.perSpec(), seconds(begin), bab.domains(), bab.complete(),
                bab.maxComplete(), bab.witnesses());
    }

    /**
     * Bounds every input derivative of each spec row over the box (CROWN forward bounds,
     * linear gradient bounds), the basis of monotonicity certificates.
     *
     * @param box the input box
     * @param specs the spec rows
     * @return lower and upper bounds per spec row and input
     */
    public DerivativeBounds derivativeBounds(InputBox box, double[][] specs) {
        check(box, specs);
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            GradientBounds gradient = unsplit(box, specs, true, GradientMethod.LINEAR, 0, Deadline.NONE);
            int n0 = graph.inputSize();
            double[] lo = gradient.inputLower.toDoubleArray();
            double[] hi = gradient.inputUpper.toDoubleArray();
            double[][] lower = new double[specs.length][];
            double[][] upper = new double[specs.length][];
            for (int s = 0; s < specs.length; s++) {
                lower[s] = java.util.Arrays.copyOfRange(lo, s * n0, (s + 1) * n0);
                upper[s] = java.util.Arrays.copyOfRange(hi, s * n0, (s + 1) * n0);
            }
            return new DerivativeBounds(lower, upper);
        }
    }

    /**
     * Bounds each of several boxes with one pass through the graph (their bounds are the domains
     * of one batch), for the methods without branching. A batch of one box gives what {@link
     * #bound} gives; in a larger batch a box may get tighter bounds, never looser ones for IBP, as
     * an activation's input is tightened by CROWN where any box needs it, and with α-CROWN the
     * boxes share their slopes. Every bound is sound.
     *
     * @param boxes the boxes
     * @param specs the spec rows, the same for every box
     * @param method naive, ibp, recurjac, crown or alpha_crown
     * @return per box, the bound per spec row
     */
    double[][] boundEach(java.util.List<InputBox> boxes, double[][] specs, Method method) {
        for (InputBox box : boxes) {
            check(box, specs);
        }
        if (method == Method.BAB) {
            throw new IllegalArgumentException("branch-and-bound runs one box at a time");
        }
        double[][] out = new double[boxes.size()][];
        if (method == Method.NAIVE) {
            double[] global = GlobalBounds.linfPerSpec(network, specs);
            java.util.Arrays.setAll(out, d -> global.clone());
            return out;
        }
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            GradientMethod gradientMethod = switch (method) {
                case IBP -> GradientMethod.INTERVAL;
                case RECURJAC -> GradientMethod.RECURJAC;
                default -> GradientMethod.LINEAR;
            };
            ForwardBounds forward = ForwardBounds.compute(graph, boxes, method != Method.IBP,
                    method == Method.ALPHA_CROWN ? ALPHA_STEPS : 0, manager);
            double[] rows = new double[boxes.size() * specs.length * graph.outputSize()];
            double[] flat = GraphOracle.flatten(specs);
            for (int d = 0; d < boxes.size(); d++) {
                System.arraycopy(flat, 0, rows, d * flat.length, flat.length);
            }
            NDArray spec = manager.create(rows, new Shape((long) boxes.size() * specs.length, graph.outputSize()));
            double[] norms = GradientBounds.compute(graph, forward, spec, gradientMethod).normUpper.toDoubleArray();
            for (int d = 0; d < boxes.size(); d++) {
                out[d] = java.util.Arrays.copyOfRange(norms, d * specs.length, (d + 1) * specs.length);
            }
        }
        return out;
    }

    /**
     * Gradient steps per forward bound for α-CROWN. On mnist_cnn_4layer (ε = 0.01) the sum of a
     * chunk's bound widths after 8 steps at lr 0.5 is within 0.3 % of 20 steps', the per-output
     * Lipschitz bounds within 0.03 % (largest: equal), at 0.45 of the time; on the bench's small
     * CNN 8 and 40 steps give the same bounds.
     */
    static final int ALPHA_STEPS = 8;

    /** Bounds on the whole box (one domain, no splits); arrays in the caller's scope. */
    private GradientBounds unsplit(InputBox box, double[][] specs, boolean crown, GradientMethod method, int alphaSteps,
            Deadline deadline) {
        ForwardBounds forward = alphaSteps > 0 ? ForwardBounds.alphaCrown(graph, box, alphaSteps, deadline, manager)
                : ForwardBounds.compute(graph, box, Collections.emptyMap(), 1, crown, 0, deadline, manager);
        NDArray spec = manager.create(GraphOracle.flatten(specs), new Shape(specs.length, graph.outputSize()));
        return GradientBounds.compute(graph, forward, spec, method, deadline);
    }

    private void check(InputBox box, double[][] specs) {
        if (box.size() != graph.inputSize()) {
            throw new IllegalArgumentException("the box has " + box.size() + " coordinates, the network takes "
                    + graph.inputSize());
        }
        if (specs.length == 0) {
            throw new IllegalArgumentException("no spec rows");
        }
        for (double[] row : specs) {
            if (row.length != graph.outputSize()) {
                throw new IllegalArgumentException("a spec row has " + row.length + " entries, the network has "
                        + graph.outputSize() + " outputs");
            }
        }
    }

    private static double seconds(long begin) {
        return (System.nanoTime() - begin) / 1e9;
    }

    @Override
    public void close() {
        graph.close();
        manager.close();
    }
}
