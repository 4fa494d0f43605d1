package org.lipreg.certify.lipschitz;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.training.GradientCollector;

import org.lipreg.certify.graph.FreeSlopes;
import org.lipreg.normalization.engine.Scalars;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * α-CROWN (Xu et al. 2021): the lower linear bound {@code α·z ≤ act(z)} of an unstable leaky ReLU
 * holds for any α in {@code [s, 1]}, so each bound CROWN computes may pick its own α per earlier
 * unstable neuron. Projected Adam steps on the bound itself (the engine's autograd through the
 * backward pass) pick them; the bound kept per row is the best over all steps, each of which
 * is sound. In the Jacobian graph there is nothing to optimize: every relaxation there is an
 * upper bound of a convex function of one variable over an interval (the gate's hull
 * {@code s·h + (1 − s)·ReLU(±h)}, |v|), whose tightest linear bound is the chord.
 */
final class AlphaOptimizer {

    /**
     * Adam's step on α: half its range [s, 1] per step (auto_LiRPA's default lr for α is 0.5 too).
     * Adam's early steps have size about lr, so most slopes reach an end of their range within
     * two or three steps; with 0.1 they took ten (measured on mnist_cnn_4layer).
     */
    private static final double LEARNING_RATE = 0.5;
    private static final double BETA1 = 0.9;
    private static final double BETA2 = 0.999;

    private AlphaOptimizer() {}

    /**
     * Runs the steps and returns the best bounds.
     *
     * @param start the slopes to start from, per activation node
     * @param steps the number of gradient steps
     * @param deadline checked before each step (and by the pass between its own steps); when it
     *     passes, the best bounds of the finished steps are returned
     * @param pass computes {lower, upper} bounds {@code (D, rows)} for given slopes
     * @return {lower, upper}, the largest lower and smallest upper bound over all steps
     * @throws Deadline.Passed when the deadline passes before any step has finished
     */
    static NDArray[] minimize(Map<Integer, FreeSlopes> start, int steps, Deadline deadline,
            Function<Map<Integer, FreeSlopes>, NDArray[]> pass) {
        Map<Integer, FreeSlopes> slopes = new HashMap<>(start);
        Map<Integer, NDArray[]> moments = new HashMap<>();
        NDArray bestLower = null;
        NDArray bestUpper = null;
        List<NDArray> kept = new ArrayList<>(); // unregistered by us: ours to close
        for (int step = 0; step <= steps && !deadline.passed(); step++) {
            boolean last = step == steps;
            List<NDArray> keep = new ArrayList<>();
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                NDArray[] bounds;
                try {
                    if (last) { // the final slopes need no gradient
                        bounds = pass.apply(slopes);
                    } else {
                        for (FreeSlopes s : slopes.values()) {
                            s.value().setRequiresGradient(true);
                        }
                        try (GradientCollector collector = bounds0(slopes).getManager().getEngine()
                                .newGradientCollector()) {
                            bounds = pass.apply(slopes);
                            collector.backward(bounds[1].sum().sub(bounds[0].sum()));
                        }
                    }
                } catch (Deadline.Passed e) {
                    if (bestLower == null) {
                        throw e; // no step finished: no bound to return
                    }
                    break; // the pass checks the deadline between its steps: keep the best so far
                }
                NDArray lower = bestLower == null ? bounds[0].duplicate() : bestLower.maximum(bounds[0]);
                NDArray upper = bestUpper == null ? bounds[1].duplicate() : bestUpper.minimum(bounds[1]);
                keep.add(lower);
                keep.add(upper);
                if (!last) {
                    Map<Integer, FreeSlopes> next = new HashMap<>();
                    for (Map.Entry<Integer, FreeSlopes> e : slopes.entrySet()) {
                        FreeSlopes s = e.getValue();
                        NDArray gradient = s.value().getGradient().duplicate();
                        NDArray[] m = moments.get(e.getKey());
                        NDArray first = m == null ? Scalars.mul(gradient, 1 - BETA1)
                                : Scalars.mul(m[0], BETA1).add(Scalars.mul(gradient, 1 - BETA1));
                        NDArray second = m == null ? Scalars.mul(gradient.mul(gradient), 1 - BETA2)
                                : Scalars.mul(m[1], BETA2).add(Scalars.mul(gradient.mul(gradient), 1 - BETA2));
                        double correction1 = 1 - Math.pow(BETA1, step + 1);
                        double correction2 = 1 - Math.pow(BETA2, step + 1);
                        NDArray move = Scalars.div(first, correction1)
                                .div(Scalars.div(second, correction2).sqrt().add(1e-12));
                        NDArray value = Scalars.minimum(Scalars.maximum(
                                s.value().stopGradient().sub(Scalars.mul(move, LEARNING_RATE * (1 - s.floor()))),
                                s.floor()), 1);
                        next.put(e.getKey(), s.with(value));
                        moments.put(e.getKey(), new NDArray[] {first, second});
                        keep.add(value);
                        keep.add(first);
                        keep.add(second);
                    }
                    slopes = next;
                }
                NDScope.unregister(keep.toArray(new NDArray[0]));
                bestLower = lower;
                bestUpper = upper;
            }
            for (NDArray old : kept) {
                if (!keep.contains(old)) {
                    old.close();
                }
            }
            kept = keep;
        }
        if (bestLower == null) { // the deadline had passed before the first step
            return pass.apply(start);
        }
        // The results belong to the caller's scope again; the slopes and moments are done.
        for (NDArray a : kept) {
            if (a != bestLower && a != bestUpper) {
                a.close();
            }
        }
        NDScope.register(bestLower);
        NDScope.register(bestUpper);
        return new NDArray[] {bestLower, bestUpper};
    }

    private static NDArray bounds0(Map<Integer, FreeSlopes> slopes) {
        return slopes.values().iterator().next().value();
    }
}
