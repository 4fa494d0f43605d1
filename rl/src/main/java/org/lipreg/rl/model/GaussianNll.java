package org.lipreg.rl.model;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;

import org.lipreg.normalization.engine.Scalars;

/**
 * The probabilistic model's output head and loss (Chua et al. 2018, as MBPO uses them): the
 * log-variance is kept between learned bounds by soft clamps,
 * {@code v = max − softplus(max − raw)}, then {@code v = min + softplus(v − min)}, and the loss
 * is the Gaussian negative log-likelihood up to constants, {@code mean((μ − y)² e^{−v} + v)},
 * plus {@code 0.01 (Σ max − Σ min)} so that the bounds themselves tighten.
 */
public final class GaussianNll {

    /** Weight of the bound-tightening term. */
    public static final float BOUND_WEIGHT = 0.01f;

    private GaussianNll() {}

    /**
     * Bounds a raw log-variance softly.
     *
     * @param raw the network's raw output
     * @param max the upper bound (broadcast over rows)
     * @param min the lower bound (broadcast over rows)
     * @return a log-variance in (min, max)
     */
    public static NDArray boundedLogVariance(NDArray raw, NDArray max, NDArray min) {
        NDArray upper = raw.neg().add(max);
        NDArray v = Activation.softPlus(upper).neg().add(max);
        return Activation.softPlus(v.sub(min)).add(min);
    }

    /**
     * The loss.
     *
     * @param mean predicted means (B, D)
     * @param logVariance bounded log-variances (B, D)
     * @param target targets (B, D)
     * @param max the upper bounds (D)
     * @param min the lower bounds (D)
     * @return the scalar loss
     */
    public static NDArray loss(NDArray mean, NDArray logVariance, NDArray target, NDArray max, NDArray min) {
        NDArray nll = mean.sub(target).square().mul(logVariance.neg().exp()).add(logVariance).mean();
        return nll.add(Scalars.mul(max.sum().sub(min.sum()), BOUND_WEIGHT));
    }
}
