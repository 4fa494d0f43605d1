package org.lipreg.certify.graph;

import ai.djl.ndarray.NDArray;

/**
 * What a node is over a box of inputs, for the bound passes: its linear relaxation for CROWN
 * (linear upper bounds on {@code λ·y} in its inputs) and the edge it puts in the Jacobian graph.
 * Made by {@link Node#relax} from bounds on its inputs, one per batch of domains.
 */
public interface ForwardRelaxation {

    /**
     * Returns coefficients on the inputs and a constant such that {@code λ·y ≤ Σ λ_j·x_j +
     * constant} for every input in the box.
     *
     * @param lambda {@code (D or 1, R, size)}
     * @param slopes α for the lower slopes (α-CROWN), or null for the default ones
     * @return the step
     */
    Step backward(NDArray lambda, FreeSlopes slopes);

    /**
     * Returns the lower slopes α-CROWN may choose, started at the default ones.
     *
     * @param rows R, the bounds computed at once
     * @return the slopes, or null when none is free
     */
    default FreeSlopes freeSlopes(int rows) {
        return null;
    }

    /**
     * Returns the node's edge in the Jacobian graph.
     *
     * @param rowsPerDomain gradient rows per domain (spec rows)
     * @param margin the rounding margin
     * @return the edge
     */
    GradientEdge gradientEdge(long rowsPerDomain, RoundingMargin margin);
}
