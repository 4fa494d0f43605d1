package org.lipreg.certify.lipschitz;

import org.lipreg.certify.graph.Graph;

/**
 * The attained lower bound that sits beside a certified upper bound: how the searches combine.
 * First {@link LowerBoundSearch} (center, random points and vertices, projected ascent); then,
 * where the network is lowered to a {@link Graph}, a {@link RegionWalk} from each row's best
 * sampled point, and again from the other rows' end points (a region where one output's gradient
 * is large is often a good start for another: on the MNIST MLP at ε = 0.1 this took one point
 * from 162.0 to 175.6). A floor carries what a smaller box around the same point attained, and
 * {@link #raiseByWitnesses} adds branch-and-bound's witnesses once an upper bound is known.
 *
 * <p>Every value reported is an exact gradient norm at a point of the box, so the result is a
 * lower bound on the local Lipschitz constant whatever the searches' luck.
 */
public final class LowerBoundStrategy {

    /** Region-walk moves per spec row and neurons tried per move, after the sampled search. */
    private static final int WALK_MOVES = 100;
    private static final int WALK_CANDIDATES = 8;

    private final LowerBoundSearch search;

    /**
     * Creates a strategy.
     *
     * @param search the sampled search that runs first
     */
    public LowerBoundStrategy(LowerBoundSearch search) {
        this.search = search;
    }

    /**
     * Finds a lower bound per spec row in the box.
     *
     * @param oracle the model's gradients
     * @param graph the lowered network for the region walk, or null to sample only (a block the
     *     IR does not hold)
     * @param box the input box
     * @param specs the spec rows
     * @param floor what a box inside this one attained (its points lie in this box too), or null
     * @return per row the best norm and its point; seconds and evaluations of the searches
     */
    public LowerBound search(GradientOracle oracle, Graph graph, InputBox box, double[][] specs, LowerBound floor) {
        LowerBound sampled = search.search(oracle, box, specs);
        Best best = new Best(sampled);
        if (graph != null) {
            RegionWalk walk = new RegionWalk(graph, WALK_MOVES, WALK_CANDIDATES);
            LowerBound first = walk.walk(box, specs, sampled.points());
            best.raise(first);
            for (int shift = 1; shift < specs.length; shift++) {
                double[][] starts = new double[specs.length][];
                for (int s = 0; s < specs.length; s++) {
                    starts[s] = first.points()[(s + shift) % specs.length];
                }
                best.raise(walk.walk(box, specs, starts));
            }
        }
        if (floor != null) {
            best.take(floor); // not counted: the floor was paid for in its own box
        }
        return new LowerBound(best.perSpec, best.points, best.seconds, best.evaluations);
    }

    /**
     * Raises a lower bound with branch-and-bound's witnesses: points inside the activation region
     * of its largest exact leaf, where the model's own gradient is evaluated.
     *
     * @param oracle the model's gradients
     * @param upper an upper bound, whose witnesses (rows without one: null) are tried
     * @param specs the spec rows
     * @param lower the lower bound to raise
     * @return the raised bound, with the same seconds and evaluations
     */
    public static LowerBound raiseByWitnesses(GradientOracle oracle, LipschitzBound upper, double[][] specs,
            LowerBound lower) {
        double[] perSpec = lower.perSpec().clone();
        double[][] points = lower.points().clone();
        for (int s = 0; s < specs.length; s++) {
            double[] w = upper.witnesses()[s];
            if (w != null) {
                double norm = LowerBoundSearch.l1(oracle.gradients(new double[][] {w}, new double[][] {specs[s]})[0]);
                if (norm > perSpec[s]) {
                    perSpec[s] = norm;
                    points[s] = w.clone();
                }
            }
        }
        return new LowerBound(perSpec, points, lower.seconds(), lower.evaluations());
    }

    /** The running best per row, its points and the searches' cost. */
    private static final class Best {
        final double[] perSpec;
        final double[][] points;
        double seconds;
        long evaluations;

        Best(LowerBound start) {
            perSpec = start.perSpec().clone();
            points = start.points().clone();
            seconds = start.seconds();
            evaluations = start.evaluations();
        }

        void raise(LowerBound found) {
            take(found);
            seconds += found.seconds();
            evaluations += found.evaluations();
        }

        void take(LowerBound found) {
            for (int s = 0; s < perSpec.length; s++) {
                if (found.perSpec()[s] > perSpec[s]) {
                    perSpec[s] = found.perSpec()[s];
                    points[s] = found.points()[s];
                }
            }
        }
    }
}
