package org.lipreg.certify.graph;

import ai.djl.ndarray.NDArray;

import org.lipreg.normalization.engine.Scalars;

/**
 * How far a bound computed in float64 may sit from the same bound computed exactly, so that
 * every bound can be rounded outward (DESIGN §4.3, "sound in floating point").
 *
 * <p>The model is the standard one for floating-point arithmetic (Higham, <i>Accuracy and
 * Stability of Numerical Algorithms</i>, §3.1): a dot product of n terms, in any order, is off by
 * at most {@code γ_n·Σ|a_i·b_i|} with {@code γ_n = n·u/(1 − n·u)}, {@code u = 2⁻⁵³}. Every number a
 * bound pass computes is a sum over paths through the graph of products of weights, relaxation
 * slopes and intercepts (each at most 1 in size, or a bias, or a box coordinate), so its error
 * is at most {@code γ_N} times the same sum with every term in absolute value — the magnitude,
 * which a pass of {@code |A|} through the graph bounds — where N counts the operations along the
 * longest path: the sum over nodes of their fan-in plus a few elementwise steps. The margin
 * takes four times that, for the relaxations' own slopes and intercepts, which are computed from
 * rounded bounds too. It is a margin from an error model, not a machine-checked proof; its size
 * (about 10⁻¹¹ of the magnitude for the benchmark CNNs) is far above the 5·10⁻¹⁵ relative
 * differences seen without it.
 */
public final class RoundingMargin {

    /** The unit roundoff of float64. */
    private static final double UNIT = Math.ulp(1.0) / 2;
    /** Elementwise steps per node (relaxation, clamp, centre–radius, sums of branches). */
    private static final int STEPS_PER_NODE = 16;

    private final double relative;

    private RoundingMargin(double relative) {
        this.relative = relative;
    }

    /**
     * Returns the margin for a graph.
     *
     * @param graph the network
     * @return the margin
     */
    public static RoundingMargin of(Graph graph) {
        long operations = 0;
        for (Node node : graph.nodes()) {
            operations += STEPS_PER_NODE + node.operations();
        }
        // Forward bounds, the Jacobian graph and the norm each run through the graph once more.
        operations *= 3;
        double gamma = operations * UNIT / (1 - operations * UNIT);
        return new RoundingMargin(4 * gamma);
    }

    /**
     * Returns the relative margin.
     *
     * @return 4·γ_N
     */
    public double relative() {
        return relative;
    }

    /**
     * Lowers bounds by the margin times the magnitude.
     *
     * @param bound computed lower bounds
     * @param magnitude a bound on the sum of the absolute values of the terms behind them
     * @return the bounds rounded down
     */
    public NDArray down(NDArray bound, NDArray magnitude) {
        return bound.sub(Scalars.mul(magnitude, relative));
    }

    /**
     * Raises bounds by the margin times the magnitude.
     *
     * @param bound computed upper bounds
     * @param magnitude a bound on the sum of the absolute values of the terms behind them
     * @return the bounds rounded up
     */
    public NDArray up(NDArray bound, NDArray magnitude) {
        return bound.add(Scalars.mul(magnitude, relative));
    }
}
