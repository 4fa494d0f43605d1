package org.lipreg.normalization;

import ai.djl.ndarray.NDArray;

/**
 * Weight Standardization (Qiao et al.): each output filter is standardized over its fan-in.
 *
 * <p>For a weight of shape {@code (out, ...)} and filter {@code i} with fan-in {@code n} (the
 * product of all axes but the first): {@code Ŵ_i = (W_i − mean(W_i)) / (std(W_i) + ε)} with the
 * <em>unbiased</em> standard deviation (divide by {@code n − 1}) and ε = 1e-5 added outside the
 * root — the convention of the authors' reference implementation ({@code torch.std} + 1e-5).
 * A fan-in of 1 has no standard deviation and is rejected.
 */
public final class WeightStandardization {

    /** The default ε. */
    public static final float DEFAULT_EPSILON = 1e-5f;

    private WeightStandardization() {}

    /**
     * Standardizes a weight; differentiable, so gradients flow through mean and std.
     *
     * @param weight shape {@code (out, d1, d2, ...)} with fan-in {@code d1·d2·… ≥ 2}
     * @param epsilon added to the standard deviation
     * @return the standardized weight, same shape
     */
    public static NDArray standardize(NDArray weight, float epsilon) {
        long out = weight.getShape().get(0);
        long fanIn = weight.getShape().size() / out;
        if (fanIn < 2) {
            throw new IllegalArgumentException("weight standardization needs a fan-in of at least 2, got " + fanIn);
        }
        NDArray flat = weight.reshape(out, fanIn);
        NDArray centered = flat.sub(flat.mean(new int[] {1}, true));
        NDArray std = centered.square().sum(new int[] {1}, true).div(fanIn - 1).sqrt();
        return centered.div(std.add(epsilon)).reshape(weight.getShape());
    }
}
