package org.lipreg.experiments.run;

import ai.djl.nn.Block;

import org.lipreg.experiments.config.BallNorm;
import org.lipreg.experiments.config.Choice;
import org.lipreg.experiments.config.Divergence;
import org.lipreg.experiments.config.Operator;
import org.lipreg.experiments.config.RegularizerSpec;
import org.lipreg.training.regularizer.AdversarialSmoothnessPenalty;
import org.lipreg.training.regularizer.Regularizer;
import org.lipreg.training.regularizer.SpectralNormPenalty;

import java.util.ArrayList;
import java.util.List;

/** Builds the regularizers a run config lists. */
public final class Regularizers {

    private Regularizers() {}

    /**
     * Builds the regularizers for a model.
     *
     * @param specs the config's regularizers (validated)
     * @param model the model's root block
     * @param seed the run's seed (starting vectors of power iteration)
     * @return the regularizers, in config order
     */
    public static List<Regularizer> build(List<RegularizerSpec> specs, Block model, long seed) {
        List<Regularizer> out = new ArrayList<>();
        for (RegularizerSpec spec : specs) {
            if (spec instanceof RegularizerSpec.SpectralPenalty sp) {
                out.add(SpectralNormPenalty.builder()
                        .setModel(model)
                        .optLambda((float) sp.lambda)
                        .optOperatorModel(Choice.of(Operator.Penalty.class, sp.operator).operator().model())
                        .optIterations(sp.iterations)
                        .optSeed(seed)
                        // A config's penalty is on all of the model's layers: one it cannot treat is an error.
                        .optRequireEveryWeightLayer(true)
                        .build());
            } else if (spec instanceof RegularizerSpec.Adversarial adv) {
                AdversarialSmoothnessPenalty.Builder b = AdversarialSmoothnessPenalty.builder()
                        .setModel(model)
                        .optLambda((float) adv.lambda)
                        .optEpsilon((float) adv.epsilon)
                        .optSteps(adv.steps)
                        .optNorm(Choice.of(BallNorm.class, adv.norm).norm())
                        .optDivergence(Choice.of(Divergence.class, adv.divergence).divergence());
                if (adv.stepSize > 0) {
                    b.optStepSize((float) adv.stepSize);
                }
                out.add(b.build());
            } else {
                throw new IllegalArgumentException("no regularizer for " + spec);
            }
        }
        return out;
    }

    /**
     * Releases what the regularizers hold (their native vectors).
     *
     * @param regularizers the regularizers
     */
    public static void close(List<Regularizer> regularizers) {
        for (Regularizer r : regularizers) {
            if (r instanceof AutoCloseable c) {
                try {
                    c.close();
                } catch (Exception e) {
                    throw new IllegalStateException("closing " + r.name() + ": " + e.getMessage(), e);
                }
            }
        }
    }
}
