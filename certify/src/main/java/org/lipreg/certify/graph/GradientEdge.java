package org.lipreg.certify.graph;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * A node's edge in the Jacobian graph, {@code ∂x = J(x)ᵀ·∂y} with x in the box: how bounds on its
 * output's gradient give bounds on the gradient it sends back to its inputs, and how linear
 * bounds move across it toward the network's output (the Jacobian graph is bounded from the
 * output's spec inward, and each node's linear bounds are propagated outward to the spec).
 */
public interface GradientEdge {

    /**
     * Bounds the gradient this node sends to each of its inputs (the same for every input).
     *
     * @param output bounds on the node's output gradient, {@code (B, size)}
     * @return bounds on what it sends back, with their magnitude, not yet widened
     */
    Interval backward(Interval output);

    /**
     * Moves linear coefficients across the edge: for λ on the gradient sent to an input, returns
     * λ' on the output gradient and a constant with {@code λ·∂x ≤ λ'·∂y + constant}.
     *
     * @param lambda {@code (B, R, inputSize)}
     * @param record whether to add {@code |λ|} to the edge's relaxation weight ({@link #weight})
     * @return a step whose single coefficient is λ', or null where the edge was bounded by intervals
     */
    Step forward(NDArray lambda, boolean record);

    /**
     * Returns {@link #forward} (not recorded) for λ = the unit rows {@code e_j}, then {@code −e_j},
     * of the given entries of the gradient sent back ({@code (1, 2·entries, inputSize)}): the first
     * step of a linear bound on those entries. An edge may make it without forming the unit rows;
     * it equals {@code forward} on them exactly.
     *
     * @param manager the manager for new arrays
     * @param entries the entries bounded
     * @param inputSize the length of the gradient sent back
     * @return the step
     */
    default Step forwardFromUnitRows(NDManager manager, int[] entries, int inputSize) {
        NDArray unit = LinearMap.unitRows(manager, entries, inputSize);
        return forward(unit.concat(unit.neg(), 0).expandDims(0), false);
    }

    /**
     * Returns whether the edge relaxes a function of its output gradient, so that tighter
     * (linear) bounds on that gradient pay off.
     *
     * @return false unless {@link #outputBounds} is used
     */
    default boolean relaxesOutputGradient() {
        return false;
    }

    /**
     * Returns where tighter bounds on the output gradient can change the relaxation (elsewhere
     * it is exact whatever the bounds).
     *
     * @param output the interval bounds so far
     * @return {@code (B, size)} booleans; every entry by default
     */
    default NDArray matters(Interval output) {
        return output.lower().onesLike().toType(ai.djl.ndarray.types.DataType.BOOLEAN, false);
    }

    /**
     * Tells the edge the final bounds on its output gradient.
     *
     * @param output the bounds
     * @param chord the chord (true) or the constant bound (false, RecurJac) where a relaxed
     *     function's argument crosses zero
     */
    default void outputBounds(Interval output, boolean chord) {}

    /**
     * Returns the total {@code |coefficient|} that recorded steps put on the edge's relaxation per
     * neuron (branch-and-bound's branching score), or null.
     *
     * @return {@code (B, size)} or null
     */
    default NDArray weight() {
        return null;
    }
}
