package org.lipreg.certify.graph;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;

import org.lipreg.normalization.engine.Scalars;

/**
 * Linear upper bounds {@code ReLU(h) ≤ slope·h + intercept} valid for {@code h ∈ [l, u]}: the
 * chord (the tightest linear bound, used by CROWN) or the constant {@code max(0, u)} where h
 * crosses zero (RecurJac's interval step). Exact where h has one sign.
 *
 * @param slope the slope
 * @param intercept the intercept
 */
public record UpperRelaxation(NDArray slope, NDArray intercept) {

    /**
     * The chord of ReLU over {@code [l, u]}.
     *
     * @param l lower bounds
     * @param u upper bounds
     * @return slope {@code u/(u − l)} and intercept {@code −l·u/(u − l)} where {@code l < 0 < u}
     */
    public static UpperRelaxation chord(NDArray l, NDArray u) {
        NDArray crossing = l.lt(0).logicalAnd(u.gt(0));
        NDArray width = Scalars.maximum(u.sub(l), Double.MIN_NORMAL);
        NDArray crossSlope = u.div(width);
        NDArray positive = l.gte(0).toType(l.getDataType(), false);
        NDArray slope = NDArrays.where(crossing, crossSlope, positive);
        NDArray intercept = NDArrays.where(crossing, l.neg().mul(u).div(width), l.zerosLike());
        return new UpperRelaxation(slope, intercept);
    }

    /**
     * The constant bound {@code max(0, u)} where {@code l < 0}, exact {@code h} where {@code l ≥ 0}.
     *
     * @param l lower bounds
     * @param u upper bounds
     * @return the relaxation
     */
    public static UpperRelaxation constant(NDArray l, NDArray u) {
        NDArray positive = l.gte(0);
        NDArray slope = positive.toType(l.getDataType(), false);
        NDArray intercept = NDArrays.where(positive, l.zerosLike(), Scalars.maximum(u, 0));
        return new UpperRelaxation(slope, intercept);
    }
}
