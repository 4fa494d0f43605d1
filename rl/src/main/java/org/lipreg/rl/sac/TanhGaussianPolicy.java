package org.lipreg.rl.sac;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;


/**
 * SAC's policy: a network gives the mean μ and log standard deviation of a Gaussian over
 * pre-squash actions u, and the action is {@code tanh(u)} in [−1, 1]. Sampling is
 * reparameterized ({@code u = μ + σ ξ}), so gradients flow through the action.
 *
 * <p>Log-probability with the change of variables: {@code log π(a) = Σ_i [log N(u_i; μ_i, σ_i)
 * − log(1 − tanh²(u_i))]}, where {@code log(1 − tanh² u) = 2 (log 2 − u − softplus(−2u))} is the
 * form that stays finite for large |u|.
 */
public final class TanhGaussianPolicy {

    /** Bounds of the log standard deviation (those of the SAC reference implementations). */
    static final float LOG_STD_MIN = -20f;

    static final float LOG_STD_MAX = 2f;

    private static final float LOG_SQRT_2PI = (float) (0.5 * Math.log(2 * Math.PI));
    private static final float LOG_2 = (float) Math.log(2);

    private final Block network;
    private final int actionSize;
    private final UpdateConstants constants;

    /**
     * Wraps a network with {@code 2 × actionSize} outputs: means, then log standard deviations.
     *
     * @param network the network
     * @param actionSize the action length
     * @param manager where the policy keeps its constants (e.g. the network's); it must outlive the policy's use
     */
    public TanhGaussianPolicy(Block network, int actionSize, NDManager manager) {
        this.network = network;
        this.actionSize = actionSize;
        this.constants = new UpdateConstants(manager);
    }

    /**
     * Returns the network.
     *
     * @return the block
     */
    public Block network() {
        return network;
    }

    /**
     * An action and its log-probability.
     *
     * @param action (B, actionSize) in [−1, 1]
     * @param logProb (B, 1)
     */
    public record Sample(NDArray action, NDArray logProb) {}

    /**
     * Draws reparameterized actions.
     *
     * @param store the parameter store
     * @param observations (B, observationSize)
     * @param training whether the network runs in training mode
     * @return actions and log-probabilities
     */
    public Sample sample(ParameterStore store, NDArray observations, boolean training) {
        return sample(store, observations, training, null);
    }

    /**
     * Draws reparameterized actions with given standard-normal noise ξ (for tests).
     *
     * @param store the parameter store
     * @param observations (B, observationSize)
     * @param training whether the network runs in training mode
     * @param noise (B, actionSize), or null to draw it
     * @return actions and log-probabilities
     */
    Sample sample(ParameterStore store, NDArray observations, boolean training, NDArray noise) {
        NDArray out = network.forward(store, new NDList(observations), training).singletonOrThrow();
        NDArray mean = out.get(":, :" + actionSize);
        NDArray logStd = out.get(":, " + actionSize + ":").clip(LOG_STD_MIN, LOG_STD_MAX);
        if (noise == null) {
            noise = observations.getManager().randomNormal(mean.getShape());
        }
        NDArray u = mean.add(logStd.exp().mul(noise));
        NDArray gaussian = noise.square().mul(constants.of(-0.5)).sub(logStd).sub(constants.of(LOG_SQRT_2PI));
        NDArray squash = u.neg().sub(Activation.softPlus(u.mul(constants.of(-2)))).add(constants.of(LOG_2))
                .mul(constants.of(2));
        NDArray logProb = gaussian.sub(squash).sum(new int[] {1}, true);
        return new Sample(u.tanh(), logProb);
    }

    /**
     * Returns the deterministic action {@code tanh(μ)}, used for evaluation.
     *
     * @param store the parameter store
     * @param observations (B, observationSize)
     * @return (B, actionSize) in [−1, 1]
     */
    public NDArray mean(ParameterStore store, NDArray observations) {
        NDArray out = network.forward(store, new NDList(observations), false).singletonOrThrow();
        return out.get(":, :" + actionSize).tanh();
    }
}
