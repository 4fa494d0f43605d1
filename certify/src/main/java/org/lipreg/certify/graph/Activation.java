package org.lipreg.certify.graph;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.index.NDIndex;

import org.lipreg.normalization.engine.Scalars;

/**
 * Leaky ReLU {@code max(z, s·z)}, ReLU with s = 0. Its Clarke derivative is 1 for {@code z > 0},
 * s for {@code z < 0}, and the interval between at 0. Over an interval of z its CROWN relaxation
 * is the chord above and {@code α·z} below ({@link Relaxation}); in the Jacobian graph it is a
 * gate {@code ∂z = δ·∂y} with δ in the Clarke set of the interval ({@link Gate}). Branch-and-
 * bound splits its neurons ({@link #clamp}).
 *
 * @param input the pre-activation node
 * @param slope s, in [0, 1]
 * @param size the length
 */
public record Activation(int input, double slope, int size) implements Node {

    @Override
    public int[] inputs() {
        return new int[] {input};
    }

    private NDArray apply(NDArray z) {
        return slope == 0 ? Scalars.maximum(z, 0) : z.maximum(Scalars.mul(z, slope));
    }

    /** The derivative: 1 where z > 0, s elsewhere. */
    private NDArray derivative(NDArray z) {
        return Scalars.mul(z.gt(0).toType(z.getDataType(), false), 1 - slope).add(slope);
    }

    @Override
    public NDArray forward(NDArray[] inputs) {
        return apply(inputs[0]);
    }

    @Override
    public NDArray[] backward(NDArray[] inputs, NDArray gradient) {
        return new NDArray[] {gradient.mul(derivative(inputs[0]))};
    }

    @Override
    public NDArray jacobianRows(NDArray[] inputs, NDArray[] rows) {
        return rows[0].mul(derivative(inputs[0]));
    }

    @Override
    public Interval interval(Interval[] inputs, RoundingMargin margin) {
        Interval z = inputs[0];
        Interval out = new Interval(apply(z.lower()), apply(z.upper()), z.magnitude());
        return slope == 0 ? out : out.widened(margin); // s·z rounds; max(z, 0) does not
    }

    /**
     * Clamps pre-activation bounds to the domains' splits: active {@code z ≥ 0}, inactive
     * {@code z ≤ 0} — closed half-spaces, so the two branches together cover {@code z = 0}.
     *
     * @param z the bounds, {@code (D, size)}
     * @param split {@code (D, size)}: +1 active, −1 inactive, 0 not split
     * @return the clamped bounds
     */
    public Interval clamp(Interval z, NDArray split) {
        NDArray lo = NDArrays.where(split.gt(0), Scalars.maximum(z.lower(), 0), z.lower());
        NDArray hi = NDArrays.where(split.lt(0), Scalars.minimum(z.upper(), 0), z.upper());
        return new Interval(lo, hi, z.magnitude());
    }

    @Override
    public ForwardRelaxation relax(Interval[] inputs) {
        return relax(inputs, null);
    }

    /**
     * Relaxes over the bounds, a split neuron fixed to its branch.
     *
     * @param inputs the pre-activation bounds (clamped)
     * @param split {@code (D, size)} or null
     * @return the relaxation
     */
    public Relaxation relax(Interval[] inputs, NDArray split) {
        return new Relaxation(slope, inputs[0].lower(), inputs[0].upper(), split);
    }

    @Override
    public boolean tightensInputs() {
        return true;
    }

    @Override
    public boolean relaxesOnlyAcrossZero() {
        return true; // a neuron of one sign is exact whatever its bounds
    }

    /**
     * The CROWN relaxation {@code sl·z ≤ act(z) ≤ su·z + tu} over {@code [l, u]}: exact where z
     * has one sign (or is split), else the chord through {@code (l, s·l)} and {@code (u, u)} above
     * and {@code α·z} below, α by the adaptive rule (1 where {@code u ≥ −l}, else s) unless
     * α-CROWN chooses.
     */
    public static final class Relaxation implements ForwardRelaxation {
        private final double slope;
        private final NDArray upperSlope;
        private final NDArray upperIntercept;
        private final NDArray lowerSlope;
        private final NDArray states;

        Relaxation(double s, NDArray l, NDArray u, NDArray split) {
            this.slope = s;
            NDArray active = l.gt(0);
            NDArray inactive = u.lt(0);
            if (split != null) {
                active = active.logicalOr(split.gt(0));
                inactive = inactive.logicalOr(split.lt(0));
            }
            NDArray width = Scalars.maximum(u.sub(l), Double.MIN_NORMAL);
            NDArray chord = u.sub(Scalars.mul(l, s)).div(width);
            NDArray one = l.onesLike();
            NDArray slopeS = Scalars.mul(one, s);
            upperSlope = NDArrays.where(active, one, NDArrays.where(inactive, slopeS, chord));
            upperIntercept = NDArrays.where(active.logicalOr(inactive), l.zerosLike(), l.mul(slopeS.sub(chord)));
            NDArray adaptive = NDArrays.where(u.gte(l.neg()), one, slopeS);
            lowerSlope = NDArrays.where(active, one, NDArrays.where(inactive, slopeS, adaptive));
            states = NDArrays.where(active, one, NDArrays.where(inactive, one.neg(), l.zerosLike()));
        }

        /**
         * Returns each neuron's state per domain, splits included: +1 active (identity), −1
         * inactive (the negative slope), 0 unstable (the Clarke interval).
         *
         * @return {@code (D, size)}, float64
         */
        public NDArray states() {
            return states;
        }

        @Override
        public Step backward(NDArray lambda, FreeSlopes slopes) {
            NDArray positive = Scalars.maximum(lambda, 0);
            NDArray negative = Scalars.minimum(lambda, 0);
            NDArray sl = slopes == null ? lowerSlope.expandDims(1) : slopes.slopes();
            NDArray constant = positive.mul(upperIntercept.expandDims(1)).sum(new int[] {2});
            return new Step(new NDArray[] {positive.mul(upperSlope.expandDims(1)).add(negative.mul(sl))}, constant);
        }

        @Override
        public FreeSlopes freeSlopes(int rows) {
            NDArray unstable = states.eq(0);
            if (!unstable.any().getBoolean()) {
                return null;
            }
            NDArray fixed = lowerSlope.expandDims(1);
            return new FreeSlopes(fixed.repeat(1, rows), slope, unstable.expandDims(1), fixed);
        }

        @Override
        public GradientEdge gradientEdge(long rowsPerDomain, RoundingMargin margin) {
            NDArray state = rowsPerDomain == 1 ? states : states.repeat(0, rowsPerDomain);
            return new Gate(slope, state);
        }
    }

    /**
     * The gate {@code ∂z = δ·∂y}, δ in {1} (active), {s} (inactive) or [s, 1] (unstable). Written
     * {@code a0·h + w·y'} with {@code h = ∂y}, {@code y' ∈ [−ReLU(−h), ReLU(h)]} (a0 = 1, w = 0
     * active; a0 = s, w = 0 inactive; a0 = s, w = 1 − s unstable) — the exact hull for a fixed h —
     * an upper bound on {@code Λ·∂z} routes positive coefficients of {@code w·Λ} to {@code ReLU(h)}
     * and negative ones to {@code ReLU(−h)}, each bounded above by an {@link UpperRelaxation}.
     */
    public static final class Gate implements GradientEdge {
        private final NDArray fixedSlope;
        private final NDArray width;
        private UpperRelaxation positive;
        private UpperRelaxation negative;
        private Factors factors;
        private NDArray weight;

        Gate(double s, NDArray state) {
            NDArray active = state.gt(0).toType(state.getDataType(), false);
            NDArray unstable = state.eq(0).toType(state.getDataType(), false);
            fixedSlope = Scalars.mul(active, 1 - s).add(s);
            width = Scalars.mul(unstable, 1 - s);
        }

        @Override
        public Interval backward(Interval output) {
            NDArray lo = fixedSlope.mul(output.lower()).add(width.mul(Scalars.minimum(output.lower(), 0)));
            NDArray hi = fixedSlope.mul(output.upper()).add(width.mul(Scalars.maximum(output.upper(), 0)));
            return new Interval(lo, hi, output.magnitude()); // the coefficients are at most 1 in size
        }

        @Override
        public boolean relaxesOutputGradient() {
            return true;
        }

        @Override
        public NDArray matters(Interval output) {
            // Only an unstable gate relaxes ReLU(±h), and only where h's interval contains 0.
            return width.gt(0).logicalAnd(output.lower().lt(0)).logicalAnd(output.upper().gt(0));
        }

        @Override
        public void outputBounds(Interval output, boolean chord) {
            NDArray lo = output.lower();
            NDArray hi = output.upper();
            positive = chord ? UpperRelaxation.chord(lo, hi) : UpperRelaxation.constant(lo, hi);
            negative = chord ? UpperRelaxation.chord(hi.neg(), lo.neg()) : UpperRelaxation.constant(hi.neg(), lo.neg());
            factors = null;
            factors(); // now, in the pass's scope: the chunks that read them free their own arrays
        }

        @Override
        public Step forward(NDArray lambda, boolean record) {
            // With μ = λw (w ≥ 0) the bound's coefficient λa0 + μ⁺·ps − μ⁻·ns and offset μ⁺·pi + μ⁻·ni
            // depend on λ only through its sign: λ(a0 + w·ps) and λw·pi where λ > 0, λ(a0 + w·ns) and
            // −λw·ni elsewhere, that is λ·F⁻ + λ⁺·(F⁺ − F⁻) with per-gate factors F. That takes six
            // passes over the (rows, coefficients, n) array instead of thirteen; for the input
            // layer's 2·n0 coefficients those passes are most of branch-and-bound's time.
            Factors f = factors();
            if (record) {
                NDArray w = lambda.abs().sum(new int[] {1}).mul(width);
                weight = weight == null ? w : weight.add(w);
            }
            NDArray plus = Scalars.maximum(lambda, 0);
            // The sum accumulates in place into a product just made (an op's output, which no
            // backward reads): one temporary instead of two.
            NDArray coefficient = plus.mul(f.scaleStep()).addi(lambda.mul(f.scale()));
            return new Step(new NDArray[] {coefficient}, offset(lambda, plus, f));
        }

        /**
         * The constant {@code Σ_n λ·offset + λ⁺·offsetStep}. The offsets vanish at every stable
         * gate, so where few are unstable only their entries of λ are summed: a batched product
         * over all n, one per row, costs as much as the rest of the step.
         */
        private static NDArray offset(NDArray lambda, NDArray plus, Factors f) {
            if (f.open() == null) {
                return lambda.matMul(f.offset()).addi(plus.matMul(f.offsetStep())).squeeze(2);
            }
            if (f.open().isEmpty()) {
                return null;
            }
            NDArray part = lambda.get(new NDIndex(":, :, {}", f.open()));
            return part.matMul(f.offset()).addi(Scalars.maximum(part, 0).matMul(f.offsetStep())).squeeze(2);
        }

        @Override
        public NDArray weight() {
            return weight;
        }

        /**
         * The factors on a coefficient λ: the new coefficient is {@code λ·scale + λ⁺·scaleStep}
         * (each {@code (B, 1, n)}), the constant gains {@code λ·offset + λ⁺·offsetStep} (each
         * {@code (B, n, 1)}, summed over n as a product). Where {@code open} is not null, it holds
         * the gates unstable in some row (int64 indices) and the offsets are only theirs ({@code n}
         * read as their count).
         */
        private record Factors(NDArray scale, NDArray scaleStep, NDArray offset, NDArray offsetStep, NDArray open) {}

        /** The offsets are summed over the unstable gates alone when at most this fraction is. */
        static final double OPEN_MAX_FRACTION = 0.5;

        private Factors factors() {
            if (factors == null) {
                NDArray scalePositive = fixedSlope.add(width.mul(positive.slope()));
                NDArray scaleNegative = fixedSlope.add(width.mul(negative.slope()));
                NDArray offsetPositive = width.mul(positive.intercept());
                NDArray offsetNegative = width.mul(negative.intercept()).neg();
                NDArray scaleStep = scalePositive.sub(scaleNegative);
                NDArray offsetStep = offsetPositive.sub(offsetNegative);
                // The gates unstable in some row: the indices are the only read-back, once per bound.
                NDArray open = width.gt(0).sum(new int[] {0}).nonzero().flatten();
                if (open.size() > width.getShape().get(1) * OPEN_MAX_FRACTION) {
                    factors = new Factors(scaleNegative.expandDims(1), scaleStep.expandDims(1),
                            offsetNegative.expandDims(2), offsetStep.expandDims(2), null);
                } else {
                    NDIndex at = new NDIndex(":, {}", open);
                    factors = new Factors(scaleNegative.expandDims(1), scaleStep.expandDims(1),
                            offsetNegative.get(at).expandDims(2), offsetStep.get(at).expandDims(2), open);
                }
            }
            return factors;
        }
    }
}
