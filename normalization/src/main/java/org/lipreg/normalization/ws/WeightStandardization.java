package org.lipreg.normalization.ws;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.norm.LayerNorm;

import org.lipreg.normalization.internal.ConstantArrays;

/**
 * Weight Standardization (Qiao et al.): each output filter is standardized over its fan-in.
 *
 * <p>For a weight of shape {@code (out, ...)} and filter {@code i} with fan-in {@code n} (the
 * product of all axes but the first): {@code Ŵ_i = (W_i − mean(W_i)) / √(var(W_i) + ε)} with the
 * <em>biased</em> variance (divide by {@code n}) and ε = 1e-5 inside the root.
 *
 * <p>The authors' repositories disagree on this detail (unbiased std with ε outside the root in
 * one, the variance form in another). This one is exactly {@code layer_norm} over the fan-in,
 * so the standardization and its backward are one fused engine kernel instead of ten autograd
 * nodes. Against the unbiased-std form it differs by the constant factor √(n/(n−1)) (plus the
 * placement of ε), which the normalization layer that follows a WS convolution absorbs.
 */
public final class WeightStandardization {

    /** The default ε. */
    public static final float DEFAULT_EPSILON = 1e-5f;

    private WeightStandardization() {}

    /**
     * Standardizes a weight; differentiable, so gradients flow through mean and variance.
     *
     * @param weight shape {@code (out, d1, d2, ...)}
     * @param epsilon added to the variance
     * @return the standardized weight, same shape
     */
    public static NDArray standardize(NDArray weight, float epsilon) {
        return standardize(weight, epsilon, null);
    }

    static NDArray standardize(NDArray weight, float epsilon, ConstantArrays constants) {
        long out = weight.getShape().get(0);
        long fanIn = weight.getShape().size() / out;
        NDManager manager = weight.getManager();
        NDArray ones = constants == null ? manager.ones(new Shape(fanIn), weight.getDataType())
                : constants.ones(manager, fanIn, weight.getDataType());
        NDArray zeros = constants == null ? manager.zeros(new Shape(fanIn), weight.getDataType())
                : constants.zeros(manager, fanIn, weight.getDataType());
        return LayerNorm.layerNorm(weight.reshape(out, fanIn), new Shape(fanIn), ones, zeros, epsilon)
                .singletonOrThrow()
                .reshape(weight.getShape());
    }
}
