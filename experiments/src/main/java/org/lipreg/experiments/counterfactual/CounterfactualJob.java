package org.lipreg.experiments.counterfactual;

import ai.djl.Model;
import ai.djl.ndarray.NDManager;

import org.lipreg.certify.counterfactual.ClassProbability;
import org.lipreg.certify.counterfactual.LocalConstant;
import org.lipreg.certify.counterfactual.MinimumCostCounterfactual;
import org.lipreg.certify.counterfactual.ProbabilityLipschitz;
import org.lipreg.certify.counterfactual.Stability;
import org.lipreg.certify.counterfactual.TRex;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * For each point: the base counterfactual, the T-Rex one from it, both evaluated (cost, validity,
 * R̂ and its Lipschitz form with noise independent of the search's) and, once retrained models
 * are given, their validity under those models.
 *
 * @param base the base counterfactual search
 * @param trex the T-Rex search
 * @param evaluation the stability measure used to report R̂ (its own seed)
 * @param radius ℓ∞ radius of the box around each counterfactual on which the local Lipschitz
 *     constant is certified (samples outside it use the global constant)
 * @param log where one line per point goes
 */
public record CounterfactualJob(MinimumCostCounterfactual base, TRex trex, Stability evaluation, double radius,
        Consumer<String> log) {

    /**
     * The two counterfactuals of one point.
     *
     * @param index the point's index in the test set
     * @param label its true class
     * @param predicted the model's class there
     * @param base the base counterfactual
     * @param trex the T-Rex counterfactual
     * @param steps T-Rex's steps
     * @param reached true if T-Rex's R̂ reached τ (search noise)
     */
    public record Outcome(int index, int label, int predicted, PointResult base, PointResult trex, int steps,
            boolean reached) {}

    /**
     * Runs both searches on every point.
     *
     * @param m the probability of the target class under the model
     * @param lipschitz the model's Lipschitz constants
     * @param points the points (standardized), none of the target class
     * @param indices their test-set indices
     * @param labels their true classes
     * @return one outcome per point
     */
    public List<Outcome> run(ClassProbability m, ProbabilityLipschitz lipschitz, double[][] points, int[] indices,
            int[] labels) {
        List<Outcome> outcomes = new ArrayList<>();
        int[] predicted = m.predict(points);
        for (int p = 0; p < points.length; p++) {
            long begin = System.nanoTime();
            double[] x = points[p];
            double[] found = base.find(m, x);
            if (found == null) {
                outcomes.add(new Outcome(indices[p], labels[p], predicted[p], PointResult.missing(), PointResult.missing(),
                        0, false));
                log.accept(String.format(Locale.ROOT, "point %d: no counterfactual found", indices[p]));
                continue;
            }
            TRex.Result result = trex.search(m, found);
            PointResult b = evaluate(m, lipschitz, x, found);
            PointResult t = evaluate(m, lipschitz, x, result.point());
            outcomes.add(new Outcome(indices[p], labels[p], predicted[p], b, t, result.steps(), result.reached()));
            log.accept(String.format(Locale.ROOT,
                    "point %d: base cost %.3f R̂ %.3f | T-Rex cost %.3f R̂ %.3f (%d steps) | %.1f s",
                    indices[p], b.costL2(), b.stability().sampled(), t.costL2(), t.stability().sampled(),
                    result.steps(), (System.nanoTime() - begin) / 1e9));
        }
        return outcomes;
    }

    private PointResult evaluate(ClassProbability m, ProbabilityLipschitz lipschitz, double[] x, double[] counterfactual) {
        LocalConstant gamma = lipschitz.near(counterfactual, radius);
        double l2 = 0;
        double l1 = 0;
        for (int i = 0; i < x.length; i++) {
            double d = counterfactual[i] - x[i];
            l2 += d * d;
            l1 += Math.abs(d);
        }
        return new PointResult(counterfactual, Math.sqrt(l2), l1, m.isTarget(counterfactual),
                evaluation.evaluate(m, counterfactual, gamma), Double.NaN);
    }

    /**
     * Fills in the fraction of retrained models that give the target class at each counterfactual.
     *
     * @param outcomes the outcomes
     * @param models the retrained models
     * @param template the original model's probability (its shape, classes and target are used)
     * @return the outcomes with retrained validity
     */
    public static List<Outcome> withRetrained(List<Outcome> outcomes, List<Model> models, ClassProbability template) {
        if (models.isEmpty()) {
            return outcomes;
        }
        List<Outcome> out = new ArrayList<>();
        try (NDManager manager = NDManager.newBaseManager()) {
            List<ClassProbability> retrained = models.stream()
                    .map(model -> new ClassProbability(model.getBlock(), template.exampleShape(), template.classes(),
                            template.target(), manager))
                    .toList();
            for (Outcome o : outcomes) {
                out.add(new Outcome(o.index(), o.label(), o.predicted(), fraction(o.base(), retrained),
                        fraction(o.trex(), retrained), o.steps(), o.reached()));
            }
        }
        return out;
    }

    private static PointResult fraction(PointResult r, List<ClassProbability> models) {
        if (r.point() == null) {
            return r;
        }
        int valid = 0;
        for (ClassProbability m : models) {
            valid += m.isTarget(r.point()) ? 1 : 0;
        }
        return r.withRetrainedValidity((double) valid / models.size());
    }
}
