package org.lipreg.certify.graph;

import ai.djl.ndarray.NDArray;

import org.lipreg.normalization.engine.Scalars;

/** Interval arithmetic on arrays of lower and upper bounds (elementwise). */
public final class IntervalMath {

    private IntervalMath() {}

    /**
     * Returns bounds on {@code a·b} for {@code a ∈ [al, ah]}, {@code b ∈ [bl, bh]}: the smallest
     * and largest of the four corner products.
     *
     * @param al lower bounds of a
     * @param ah upper bounds of a
     * @param bl lower bounds of b
     * @param bh upper bounds of b
     * @return {lower, upper}
     */
    public static NDArray[] times(NDArray al, NDArray ah, NDArray bl, NDArray bh) {
        NDArray p1 = al.mul(bl);
        NDArray p2 = al.mul(bh);
        NDArray p3 = ah.mul(bl);
        NDArray p4 = ah.mul(bh);
        NDArray lo = p1.minimum(p2).minimum(p3.minimum(p4));
        NDArray hi = p1.maximum(p2).maximum(p3.maximum(p4));
        return new NDArray[] {lo, hi};
    }

    /**
     * Returns bounds on {@code a·r} for {@code a ∈ [al, ah]} and a positive factor
     * {@code r ∈ [rl, rh]}.
     *
     * @param al lower bounds of a
     * @param ah upper bounds of a
     * @param rl lower bounds of r, positive
     * @param rh upper bounds of r
     * @return {lower, upper}
     */
    public static NDArray[] timesPositive(NDArray al, NDArray ah, NDArray rl, NDArray rh) {
        NDArray lo = ai.djl.ndarray.NDArrays.where(al.gte(0), al.mul(rl), al.mul(rh));
        NDArray hi = ai.djl.ndarray.NDArrays.where(ah.gte(0), ah.mul(rh), ah.mul(rl));
        return new NDArray[] {lo, hi};
    }

    /**
     * Returns bounds on {@code γ·a} for a fixed vector γ.
     *
     * @param gamma the factors, broadcastable to a
     * @param al lower bounds of a
     * @param ah upper bounds of a
     * @return {lower, upper}
     */
    public static NDArray[] scale(NDArray gamma, NDArray al, NDArray ah) {
        NDArray positive = Scalars.maximum(gamma, 0);
        NDArray negative = Scalars.minimum(gamma, 0);
        return new NDArray[] {al.mul(positive).add(ah.mul(negative)), ah.mul(positive).add(al.mul(negative))};
    }
}
