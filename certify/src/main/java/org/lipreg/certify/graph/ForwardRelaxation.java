package org.lipreg.certify.graph;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

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
     * Returns {@link #backward} for λ = the unit rows {@code e_k}, then {@code −e_k}, of the given
     * entries ({@code (1, 2·entries, size)}): a bound pass's first step. A node may make it
     * without forming the unit rows; it equals {@code backward} on them exactly.
     *
     * @param manager the manager for new arrays
     * @param entries the entries bounded
     * @param size the node's size
     * @return the step
     */
    default Step backwardFromUnitRows(NDManager manager, int[] entries, int size) {
        NDArray unit = LinearMap.unitRows(manager, entries, size);
        return backward(unit.concat(unit.neg(), 0).expandDims(0), null);
    }

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
