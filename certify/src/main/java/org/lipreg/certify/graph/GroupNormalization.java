package org.lipreg.certify.graph;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDScope;

import org.lipreg.normalization.engine.Scalars;

/**
 * Group normalization at inference, {@code y_i = γ_i·x̂_i + β_i} with {@code x̂ = c·r}, {@code c =
 * x − mean(x)} and {@code r = 1/√(var(x) + ε)} over each example's group of n values (batch-
 * channel norm's second half; instance norm with one channel per group). Everything the bound
 * passes need of it:
 * <ul>
 *   <li>its value and its Jacobian, {@code ∂x̂_i/∂x_k = r·(δ_ik − 1/n − x̂_i·x̂_k/n)};
 *   <li>interval bounds ({@link Bounds}): c by the exact range of a centred sum, the variance
 *       from below by its exact minimum over the box (a 1-d convex problem, bracketed by
 *       bisection and bounded below by tangents, so the bracket's width never makes it unsound)
 *       and from above by {@code mean(max(c_lo², c_hi²))}, then r, and {@code x̂ = c·r} clipped
 *       to {@code |x̂_i| ≤ √(n − 1)} (which holds for every x);
 *   <li>a linear relaxation for CROWN: r is taken as a free factor in its interval, so
 *       {@code c·r} lies between {@code min(c·r_lo, c·r_hi)} (concave in c) and
 *       {@code max(c·r_lo, c·r_hi)} (convex in c), each bounded by its chord over {@code [c_lo,
 *       c_hi]}, and c is linear in x;
 *   <li>the backward (gradient) step in interval arithmetic: {@code ∂x = r·(Ph − x̂·⟨x̂, h⟩/n)}
 *       with {@code h = γ ⊙ ∂y} and P the centring map. The Jacobian graph's linear bounds treat
 *       this step by its intervals (no linear relaxation in ∂y).
 * </ul>
 * Values are {@code (rows, size)}, channel-major, so a group is a contiguous block of n.
 */
public final class GroupNormalization {

    /** Bisection steps on the variance minimizer's location (the bracket shrinks by 2⁻⁶⁰). */
    private static final int BISECTION_STEPS = 60;
    /** Relative margin on computed statistics for rounding (the sums have n ≤ 10⁶ terms). */
    private static final double MARGIN = 1e-9;

    private final int groups;
    private final int size;
    private final double epsilon;
    private final NDArray gamma;
    private final NDArray beta;

    /**
     * Builds the operator; it owns the arrays from now on.
     *
     * @param groups G
     * @param epsilon ε
     * @param scale per channel, float64
     * @param shift per channel, float64
     * @param perChannel values per channel
     */
    public GroupNormalization(int groups, double epsilon, NDArray scale, NDArray shift, int perChannel) {
        this.groups = groups;
        this.epsilon = epsilon;
        this.gamma = scale.repeat(0, perChannel);
        this.beta = shift.repeat(0, perChannel);
        NDScope.unregister(gamma, beta);
        this.size = Math.toIntExact(gamma.getShape().get(0));
    }

    /**
     * Returns the number of values.
     *
     * @return C·H·W
     */
    public int size() {
        return size;
    }

    /**
     * Returns the number of groups.
     *
     * @return G
     */
    public int groups() {
        return groups;
    }

    private int n() {
        return size / groups;
    }

    private NDArray grouped(NDArray v) {
        return v.reshape(-1, groups, n());
    }

    private NDArray flat(NDArray v) {
        return v.reshape(-1, size);
    }

    private NDArray mean(NDArray grouped) {
        return grouped.mean(new int[] {2}, true);
    }

    /** x̂ and r of each row: {x̂ (rows, G, n), r (rows, G, 1)}. */
    private NDArray[] normalized(NDArray x) {
        NDArray g = grouped(x);
        NDArray c = g.sub(mean(g));
        NDArray variance = mean(c.mul(c));
        NDArray r = Scalars.rdiv(1, variance.add(epsilon).sqrt());
        return new NDArray[] {c.mul(r), r};
    }

    /**
     * Returns a bound on the size of every output, whatever the input: {@code |γ_i|·√(n − 1) +
     * |β_i|} (as {@code |x̂_i| ≤ √(n − 1)}).
     *
     * @return {@code (1, size)}
     */
    public NDArray magnitude() {
        return Scalars.mul(gamma.abs(), Math.sqrt(n() - 1.0)).add(beta.abs()).reshape(1, size);
    }

    /**
     * Returns the value.
     *
     * @param x {@code (rows, size)}
     * @return {@code (rows, size)}
     */
    public NDArray forward(NDArray x) {
        return flat(normalized(x)[0]).mul(gamma).add(beta);
    }

    /**
     * Returns the input gradient of {@code ⟨g, y⟩} at x.
     *
     * @param x {@code (rows, size)}
     * @param g {@code (rows, size)}: the output gradient
     * @return {@code (rows, size)}
     */
    public NDArray backward(NDArray x, NDArray g) {
        NDArray[] nr = normalized(x);
        return flat(jacobianProduct(nr[0], nr[1], grouped(g.mul(gamma))));
    }

    /**
     * Returns {@code J(x)·t} for tangents at one point.
     *
     * @param x {@code (1, size)}
     * @param t {@code (rows, size)}
     * @return {@code (rows, size)}
     */
    public NDArray jvp(NDArray x, NDArray t) {
        NDArray[] nr = normalized(x);
        return flat(jacobianProduct(nr[0], nr[1], grouped(t))).mul(gamma);
    }

    /** {@code r·(Ph − x̂·⟨x̂, h⟩/n)}: the symmetric Jacobian of x ↦ x̂ applied to h. */
    private NDArray jacobianProduct(NDArray xhat, NDArray r, NDArray h) {
        NDArray centred = h.sub(mean(h));
        NDArray projection = mean(xhat.mul(h));
        return centred.sub(xhat.mul(projection)).mul(r);
    }

    /**
     * Interval bounds of every intermediate over a box of inputs, per row.
     *
     * @param cLo lower bounds of c {@code (rows, G, n)}
     * @param cHi upper bounds of c
     * @param rLo lower bounds of r {@code (rows, G, 1)}
     * @param rHi upper bounds of r
     * @param xhatLo lower bounds of x̂ {@code (rows, G, n)}
     * @param xhatHi upper bounds of x̂
     */
    public record Bounds(NDArray cLo, NDArray cHi, NDArray rLo, NDArray rHi, NDArray xhatLo, NDArray xhatHi) {

        /**
         * Repeats every row {@code times} times (domain d becomes rows d·times … d·times + times − 1).
         *
         * @param times the repeat count
         * @return the repeated bounds
         */
        public Bounds repeat(long times) {
            if (times == 1) {
                return this;
            }
            return new Bounds(cLo.repeat(0, times), cHi.repeat(0, times), rLo.repeat(0, times), rHi.repeat(0, times),
                    xhatLo.repeat(0, times), xhatHi.repeat(0, times));
        }
    }

    /**
     * Bounds the intermediates over the box {@code [lo, hi]} of inputs.
     *
     * @param lo {@code (rows, size)}
     * @param hi {@code (rows, size)}
     * @return the bounds
     */
    public Bounds bounds(NDArray lo, NDArray hi) {
        NDArray l = grouped(lo);
        NDArray u = grouped(hi);
        double n = n();
        // c_i = x_i·(1 − 1/n) − Σ_{k≠i} x_k / n
        NDArray sumLo = l.sum(new int[] {2}, true);
        NDArray sumHi = u.sum(new int[] {2}, true);
        NDArray cLo = Scalars.mul(l, 1 - 1 / n).sub(Scalars.div(sumHi.sub(u), n));
        NDArray cHi = Scalars.mul(u, 1 - 1 / n).sub(Scalars.div(sumLo.sub(l), n));
        NDArray varianceHi = Scalars.mul(mean(cLo.mul(cLo).maximum(cHi.mul(cHi))), 1 + MARGIN);
        NDArray varianceLo = Scalars.mul(smallestVariance(l, u), 1 - MARGIN);
        NDArray rLo = Scalars.mul(Scalars.rdiv(1, varianceHi.add(epsilon).sqrt()), 1 - MARGIN);
        NDArray rHi = Scalars.mul(Scalars.rdiv(1, varianceLo.add(epsilon).sqrt()), 1 + MARGIN);
        NDArray[] xhat = IntervalMath.timesPositive(cLo, cHi, rLo, rHi);
        double cap = Math.sqrt(n - 1);
        NDArray xhatLo = Scalars.maximum(xhat[0], -cap);
        NDArray xhatHi = Scalars.minimum(xhat[1], cap);
        return new Bounds(cLo, cHi, rLo, rHi, xhatLo, xhatHi);
    }

    /**
     * A lower bound on {@code min var(x)} over the box, per group: {@code var(x) = min_t mean((x −
     * t)²)}, so the minimum over the box is {@code min_t f(t)} with {@code f(t) = mean(dist(t,
     * [l_i, u_i])²)}, convex in t. Zero when the intervals share a point; otherwise the minimizer
     * lies in {@code [min u, max l]}, found by bisection on f′, and f at it is at least the larger
     * of the two tangent lines' minima over the final bracket.
     */
    private NDArray smallestVariance(NDArray l, NDArray u) {
        NDArray a = u.min(new int[] {2}, true);
        NDArray b = l.max(new int[] {2}, true);
        NDArray disjoint = a.lt(b);
        NDArray left = a;
        NDArray right = NDArrays.where(disjoint, b, a);
        for (int i = 0; i < BISECTION_STEPS; i++) {
            NDArray middle = Scalars.mul(left.add(right), 0.5);
            NDArray rising = slope(middle, l, u).gte(0);
            right = NDArrays.where(rising, middle, right);
            left = NDArrays.where(rising, left, middle);
        }
        NDArray width = right.sub(left);
        NDArray fromLeft = distanceSquares(left, l, u).add(slope(left, l, u).mul(width));
        NDArray fromRight = distanceSquares(right, l, u).sub(slope(right, l, u).mul(width));
        NDArray bound = Scalars.maximum(fromLeft.maximum(fromRight), 0);
        return NDArrays.where(disjoint, bound, bound.zerosLike());
    }

    /** {@code f(t) = mean(dist(t, [l, u])²)}. */
    private NDArray distanceSquares(NDArray t, NDArray l, NDArray u) {
        NDArray above = Scalars.maximum(t.sub(u), 0);
        NDArray below = Scalars.maximum(l.sub(t), 0);
        return mean(above.mul(above).add(below.mul(below)));
    }

    /** {@code f′(t) = 2·mean((t − u)⁺ − (l − t)⁺)}. */
    private NDArray slope(NDArray t, NDArray l, NDArray u) {
        NDArray above = Scalars.maximum(t.sub(u), 0);
        NDArray below = Scalars.maximum(l.sub(t), 0);
        return Scalars.mul(mean(above.sub(below)), 2);
    }

    /**
     * Returns output bounds from the intermediates' bounds.
     *
     * @param b the bounds
     * @return {lower, upper}, {@code (rows, size)}
     */
    public NDArray[] outputBounds(Bounds b) {
        NDArray[] y = IntervalMath.scale(gamma, flat(b.xhatLo()), flat(b.xhatHi()));
        return new NDArray[] {y[0].add(beta), y[1].add(beta)};
    }

    /**
     * The linear relaxation's coefficients: {@code sl·c + tl ≤ c·r ≤ su·c + tu}, each {@code
     * (rows, size)}.
     *
     * @param lowerSlope sl
     * @param lowerIntercept tl
     * @param upperSlope su
     * @param upperIntercept tu
     */
    public record Relaxation(NDArray lowerSlope, NDArray lowerIntercept, NDArray upperSlope, NDArray upperIntercept) {}

    /**
     * Relaxes {@code c·r} over the bounds: the chords of {@code max(c·r_lo, c·r_hi)} (above) and
     * {@code min(c·r_lo, c·r_hi)} (below) over {@code [c_lo, c_hi]}.
     *
     * @param b the bounds
     * @return the relaxation
     */
    public Relaxation relax(Bounds b) {
        NDArray rLo = b.rLo().broadcast(b.cLo().getShape());
        NDArray rHi = b.rHi().broadcast(b.cLo().getShape());
        // Above: the chord of φ(c) = max(c·r_lo, c·r_hi) (convex); below: of ψ(c) = min(…) (concave).
        NDArray[] upper = chordOfMax(rLo, rHi, b.cLo(), b.cHi());
        NDArray[] lower = chordOfMin(rLo, rHi, b.cLo(), b.cHi());
        NDArray su = upper[0];
        NDArray tu = upper[1];
        NDArray sl = lower[0];
        NDArray tl = lower[1];
        return new Relaxation(flat(sl), flat(tl), flat(su), flat(tu));
    }

    /**
     * CROWN's step back through the operator: for coefficients λ on y, coefficients on x and a
     * constant such that {@code λ·y ≤ λ_x·x + constant} over the box the relaxation came from.
     *
     * @param lambda {@code (D, R, size)}
     * @param relaxation per domain, {@code (D, size)} each
     * @return {λ_x {@code (D, R, size)}, constant {@code (D, R)}}
     */
    public NDArray[] backwardRelaxed(NDArray lambda, Relaxation relaxation) {
        NDArray constant = lambda.matMul(beta);
        NDArray onProduct = lambda.mul(gamma);
        NDArray positive = Scalars.maximum(onProduct, 0);
        NDArray negative = Scalars.minimum(onProduct, 0);
        NDArray onCentred = positive.mul(relaxation.upperSlope().expandDims(1))
                .add(negative.mul(relaxation.lowerSlope().expandDims(1)));
        constant = constant.add(positive.mul(relaxation.upperIntercept().expandDims(1))
                .add(negative.mul(relaxation.lowerIntercept().expandDims(1))).sum(new int[] {2}));
        long[] shape = onCentred.getShape().getShape(); // (D, R, size): λ may have one row for every domain
        NDArray grouped = onCentred.reshape(shape[0], shape[1], groups, n());
        NDArray onInput = grouped.sub(grouped.mean(new int[] {3}, true)).reshape(shape);
        return new NDArray[] {onInput, constant};
    }

    /**
     * Linear bounds across the backward step: for coefficients λ on the input gradient
     * {@code ∂x = r·(P·h − x̂·⟨x̂, h⟩/n)}, {@code h = γ ⊙ g}, returns λ' on g and a constant with
     * {@code λ·∂x ≤ λ'·g + constant} for every x in the box and every g in its bounds. Per group:
     * {@code r·⟨Pλ, h⟩} is bounded by the chord of {@code max(r_lo·a, r_hi·a)} over the range of
     * {@code a = ⟨Pλ, h⟩}; {@code −r·⟨λ, x̂⟩·m} with {@code m = ⟨x̂, h⟩/n} by the chord of
     * {@code max(−s_lo·m, −s_hi·m)} over the range of m ({@code s = r·⟨λ, x̂⟩} taken free in its
     * interval), and m between the chords of {@code min/max(x̂_lo·h_i, x̂_hi·h_i)}.
     *
     * @param b the forward bounds, one row per gradient row
     * @param gLo lower bounds of g {@code (B, size)}
     * @param gHi upper bounds of g {@code (B, size)}
     * @param lambda {@code (B, R, size)}
     * @return {λ' {@code (B, R, size)}, constant {@code (B, R)}}
     */
    public NDArray[] backwardLinear(Bounds b, NDArray gLo, NDArray gHi, NDArray lambda) {
        long[] shape = lambda.getShape().getShape();
        long rows = shape[1];
        NDArray[] h = IntervalMath.scale(gamma, gLo, gHi);
        NDArray hl = grouped(h[0]).expandDims(1); // (B, 1, G, n)
        NDArray hh = grouped(h[1]).expandDims(1);
        NDArray lam = lambda.reshape(shape[0], rows, groups, n());
        NDArray centred = lam.sub(lam.mean(new int[] {3}, true));
        NDArray rLo = b.rLo().reshape(-1, 1, groups); // (B, 1, G)
        NDArray rHi = b.rHi().reshape(-1, 1, groups);
        // r·a, a = ⟨Pλ, h⟩.
        NDArray aLo = centred.mul(hl).minimum(centred.mul(hh)).sum(new int[] {3});
        NDArray aHi = centred.mul(hl).maximum(centred.mul(hh)).sum(new int[] {3});
        NDArray[] chordA = chordOfMax(rLo, rHi, aLo, aHi);
        NDArray onH = centred.mul(chordA[0].expandDims(3));
        NDArray constant = chordA[1].sum(new int[] {2});
        // −s·m, s = r·⟨λ, x̂⟩, m = ⟨x̂, h⟩/n.
        NDArray xl = b.xhatLo().expandDims(1);
        NDArray xh = b.xhatHi().expandDims(1);
        NDArray qLo = lam.mul(xl).minimum(lam.mul(xh)).sum(new int[] {3});
        NDArray qHi = lam.mul(xl).maximum(lam.mul(xh)).sum(new int[] {3});
        NDArray[] s = IntervalMath.timesPositive(qLo, qHi, rLo.broadcast(qLo.getShape()), rHi.broadcast(qLo.getShape()));
        NDArray[] products = IntervalMath.times(xl, xh, hl, hh);
        NDArray mLo = products[0].mean(new int[] {3}); // (B, 1, G)
        NDArray mHi = products[1].mean(new int[] {3});
        NDArray[] chordB = chordOfMax(s[1].neg(), s[0].neg(), mLo, mHi); // max(−s·m) over s: slopes −s_hi, −s_lo
        NDArray alpha = chordB[0].expandDims(3); // (B, R, G, 1)
        constant = constant.add(chordB[1].sum(new int[] {2}));
        // m's chords per entry: upper of max(x_lo·h, x_hi·h), lower of min(x_lo·h, x_hi·h), over [h_lo, h_hi].
        NDArray[] upper = chordOfMax(xl, xh, hl, hh);
        NDArray[] lower = chordOfMin(xl, xh, hl, hh);
        NDArray alphaPlus = Scalars.div(Scalars.maximum(alpha, 0), n());
        NDArray alphaMinus = Scalars.div(Scalars.minimum(alpha, 0), n());
        onH = onH.add(alphaPlus.mul(upper[0])).add(alphaMinus.mul(lower[0]));
        constant = constant.add(alphaPlus.mul(upper[1]).add(alphaMinus.mul(lower[1])).sum(new int[] {2, 3}));
        // λ may have one row for every domain, the bounds one per row: the result has the bounds' rows.
        return new NDArray[] {onH.reshape(onH.getShape().get(0), rows, size).mul(gamma), constant};
    }

    /**
     * The chord of {@code f(v) = max(c1·v, c2·v)} (convex) over {@code [vl, vh]}: an upper bound
     * {@code slope·v + intercept} there; where the interval is a point, the slope of its piece.
     */
    private static NDArray[] chordOfMax(NDArray c1, NDArray c2, NDArray vl, NDArray vh) {
        NDArray fl = vl.mul(c1).maximum(vl.mul(c2));
        NDArray fh = vh.mul(c1).maximum(vh.mul(c2));
        return chord(fl, fh, vl, vh, NDArrays.where(vl.gte(0).broadcast(fl.getShape()), c1.maximum(c2).broadcast(fl.getShape()),
                c1.minimum(c2).broadcast(fl.getShape())));
    }

    /** The chord of {@code min(c1·v, c2·v)} (concave) over {@code [vl, vh]}: a lower bound there. */
    private static NDArray[] chordOfMin(NDArray c1, NDArray c2, NDArray vl, NDArray vh) {
        NDArray fl = vl.mul(c1).minimum(vl.mul(c2));
        NDArray fh = vh.mul(c1).minimum(vh.mul(c2));
        return chord(fl, fh, vl, vh, NDArrays.where(vl.gte(0).broadcast(fl.getShape()), c1.minimum(c2).broadcast(fl.getShape()),
                c1.maximum(c2).broadcast(fl.getShape())));
    }

    private static NDArray[] chord(NDArray fl, NDArray fh, NDArray vl, NDArray vh, NDArray pointSlope) {
        NDArray width = vh.sub(vl).broadcast(fl.getShape());
        NDArray slope = NDArrays.where(width.lte(0), pointSlope, fh.sub(fl).div(Scalars.maximum(width, Double.MIN_NORMAL)));
        return new NDArray[] {slope, fl.sub(slope.mul(vl))};
    }

    /**
     * A bound on the size of every term of the backward step, from bounds on the sizes of the
     * output gradient: {@code r_hi·(|h_i| + mean|h| + (n − 1)·mean|h|)} with {@code |h| = |γ|·m},
     * as {@code |x̂_i·x̂_k| ≤ n − 1}.
     *
     * @param b the forward bounds, one row per gradient row
     * @param m {@code (rows, size)}: sizes of the output gradient's terms
     * @return {@code (rows, size)}
     */
    public NDArray backwardMagnitude(Bounds b, NDArray m) {
        NDArray h = grouped(m.mul(gamma.abs()));
        NDArray spread = Scalars.mul(mean(h), n());
        return flat(h.add(spread).mul(b.rHi()));
    }

    /**
     * Interval bounds on the input gradient {@code r·(Ph − x̂·⟨x̂, h⟩/n)}, {@code h = γ ⊙ g},
     * from bounds on the output gradient g.
     *
     * @param b the forward bounds, one row per gradient row
     * @param gLo {@code (rows, size)}
     * @param gHi {@code (rows, size)}
     * @return {lower, upper}, {@code (rows, size)}
     */
    public NDArray[] backwardInterval(Bounds b, NDArray gLo, NDArray gHi) {
        NDArray[] h = IntervalMath.scale(gamma, gLo, gHi);
        NDArray hl = grouped(h[0]);
        NDArray hh = grouped(h[1]);
        double n = n();
        NDArray centredLo = Scalars.mul(hl, 1 - 1 / n).sub(Scalars.div(hh.sum(new int[] {2}, true).sub(hh), n));
        NDArray centredHi = Scalars.mul(hh, 1 - 1 / n).sub(Scalars.div(hl.sum(new int[] {2}, true).sub(hl), n));
        NDArray[] terms = IntervalMath.times(b.xhatLo(), b.xhatHi(), hl, hh);
        NDArray projectionLo = mean(terms[0]);
        NDArray projectionHi = mean(terms[1]);
        NDArray[] along = IntervalMath.times(b.xhatLo(), b.xhatHi(), projectionLo.broadcast(hl.getShape()),
                projectionHi.broadcast(hl.getShape()));
        NDArray[] g = IntervalMath.timesPositive(centredLo.sub(along[1]), centredHi.sub(along[0]),
                b.rLo().broadcast(hl.getShape()), b.rHi().broadcast(hl.getShape()));
        return new NDArray[] {flat(g[0]), flat(g[1])};
    }
}
