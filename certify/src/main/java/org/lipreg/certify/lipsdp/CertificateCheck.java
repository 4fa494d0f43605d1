package org.lipreg.certify.lipsdp;

/**
 * Turns whatever multipliers the solver returned into a proven bound: in float64, it finds the
 * smallest ρ (to 13 digits, rounded up) for which a Cholesky factorization proves
 * {@code M(ρ, multipliers) ⪰ 0}, so the bound holds even if the solver stopped early or is wrong.
 *
 * <p>The proof: Cholesky is run on {@code M̂ − diag(δ)}, M̂ the computed matrix. Its success means
 * {@code M̂ − diag(δ) + E ⪰ 0} with E the factorization's backward error; Cholesky's rounding is
 * unchanged by scaling with powers of two, so after scaling M's diagonal to [1/4, 1],
 * {@code ‖E‖ ≤ γ_{n+1} tr ≤ 2(n+1)u·n} there (Higham, Accuracy and Stability, Thm 10.3; Rump,
 * BIT 2006), i.e. {@code E ⪰ −8n(n+1)u·diag(M̂)} unscaled. The assembly's rounding is entrywise at
 * most {@code γ_{d+4}} times the matrix of absolute summands A ({@link LipSdpMatrix#assembleAbsolute}),
 * so {@code M − M̂ ⪰ −γ_{d+4} diag(rowsum A)} (a symmetric E' with {@code |E'| ≤ εA} has
 * {@code xᵀE'x ≥ −Σ_i x_i² ε rowsum_i A}). Hence {@code δ_i = 2(d+4)u·rowsum_i A + 8n(n+1)u·M̂_ii}
 * (with {@code γ_k ≤ 2ku}) makes the exact M positive semidefinite. Underflow is not modelled:
 * the weights of a trained network are far from the subnormal range.
 *
 * <p>ρ only adds {@code ρI} (or {@code ρG}, G ≻ 0, see {@link LipSdpMatrix}) to the input block
 * (ℓ2), or {@code 2ρ} to the last diagonal entry (ℓ∞), so only the other rows decide whether some
 * ρ works. If they fail, the multipliers are moved towards {@link LipSdpMatrix#strictlyFeasiblePoint}
 * (the set that works is convex) by the least fraction found by bisection.
 */
public final class CertificateCheck {

    private static final double UNIT_ROUNDOFF = 0x1p-53;

    /**
     * A proven bound.
     *
     * @param rho the ρ for which M ⪰ 0 is proven
     * @param bound {@code √ρ} rounded up (ℓ2) or ρ (ℓ∞): the certified Lipschitz bound
     * @param x the variables that were proven (x[0] = ρ)
     * @param repairedFraction how far the multipliers were moved to the strictly feasible point,
     *     0 when they worked as given
     */
    public record Verified(double rho, double bound, double[] x, double repairedFraction) {}

    private final LipSdpMatrix lmi;

    /**
     * Creates a check for one matrix inequality.
     *
     * @param lmi the inequality
     */
    public CertificateCheck(LipSdpMatrix lmi) {
        this.lmi = lmi;
    }

    /**
     * Whether the variables satisfy the signs and {@code M(x) ⪰ 0} with the margin above.
     *
     * @param x the variables, x[0] = ρ
     * @return true if proven
     */
    public boolean holds(double[] x) {
        return new Fixed(x).holds(x[0]);
    }

    /**
     * Proves the smallest ρ it can for the given multipliers (x[0] is only a starting guess), to
     * 13 digits.
     *
     * @param x the solver's variables
     * @return the proven bound
     * @throws ArithmeticException if not even the strictly feasible point can be proven (weights
     *     so large or small that float64 cannot decide)
     */
    public Verified verify(double[] x) {
        return verify(x, 1e-13);
    }

    /**
     * Proves the smallest ρ it can for the given multipliers, to a relative tolerance: the search
     * brackets the guess x[0] (ρ·(1 ± tol·4^i)), so a good guess costs a few factorizations.
     *
     * @param x the solver's variables, x[0] a guess of ρ
     * @param tolerance the proven ρ is within this factor of the least ρ that the check accepts
     * @return the proven bound
     * @throws ArithmeticException if not even the strictly feasible point can be proven
     */
    public Verified verify(double[] x, double tolerance) {
        double[] multipliers = x.clone();
        for (int i = 1; i < multipliers.length; i++) {
            if (lmi.nonnegative(i) && !(multipliers[i] >= 0)) {
                multipliers[i] = Math.max(0, multipliers[i]); // a sign is fixed first: it never hurts M
            }
        }
        double fraction = 0;
        if (!new Fixed(multipliers).someRhoWorks()) {
            double[] anchor = lmi.strictlyFeasiblePoint();
            if (!new Fixed(blend(multipliers, anchor, 1)).someRhoWorks()) {
                throw new ArithmeticException("LipSDP: float64 cannot prove even the simple certificate");
            }
            double lo = 0;
            double hi = 1;
            for (int it = 0; it < 40; it++) {
                double mid = (lo + hi) / 2;
                if (new Fixed(blend(multipliers, anchor, mid)).someRhoWorks()) {
                    hi = mid;
                } else {
                    lo = mid;
                }
            }
            fraction = hi;
            multipliers = blend(multipliers, anchor, hi);
        }
        Fixed fixed = new Fixed(multipliers);
        if (fixed.holds(0)) {
            multipliers[0] = 0;
            return new Verified(0, 0, multipliers, fraction);
        }
        double guess = x[0] > 0 && Double.isFinite(x[0]) ? x[0] : 1;
        double up = tolerance;
        double hi = guess * (1 + up);
        while (!fixed.holds(hi)) {
            up *= 4;
            hi = guess * (1 + up);
            if (Double.isInfinite(hi)) {
                throw new ArithmeticException("LipSDP: no finite ρ proves the certificate");
            }
        }
        double lo = 0;
        for (double step = tolerance; step < 1; step *= 4) { // the first ρ below that fails
            double below = hi * (1 - step);
            if (!fixed.holds(below)) {
                lo = below;
                break;
            }
            hi = below;
        }
        for (int it = 0; it < 200 && hi - lo > tolerance * hi; it++) {
            double mid = lo + (hi - lo) / 2;
            if (fixed.holds(mid)) {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        multipliers[0] = hi;
        return new Verified(hi, lmi.bound(hi), multipliers, fraction);
    }

    private static double[] blend(double[] x, double[] anchor, double s) {
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = (1 - s) * x[i] + s * anchor[i];
        }
        return out;
    }

    /** M and its absolute summands for fixed multipliers, with ρ's term added for each ρ tried. */
    private final class Fixed {
        private final double[][] matrix;
        private final double[][] absolute;
        private final double[][] rhoTerm = lmi.assembleRhoTerm(false);
        private final double[][] rhoAbsolute = lmi.assembleRhoTerm(true);
        private final boolean signsHold;
        private final int rhoStart = lmi.rhoStart();
        private final int rhoEnd = lmi.rhoEnd();
        private final double gammaAssembly = 2.0 * (lmi.summandsPerEntry() + 4) * UNIT_ROUNDOFF;
        private final double gammaCholesky = 8.0 * lmi.size() * (lmi.size() + 1.0) * UNIT_ROUNDOFF;

        Fixed(double[] x) {
            double[] withoutRho = x.clone();
            withoutRho[0] = 0;
            matrix = lmi.assemble(withoutRho);
            absolute = lmi.assembleAbsolute(withoutRho);
            boolean ok = true;
            for (int i = 1; i < x.length; i++) {
                ok &= !lmi.nonnegative(i) || x[i] >= 0;
                ok &= Double.isFinite(x[i]);
            }
            signsHold = ok;
        }

        /** Whether M ⪰ 0 is proven at this ρ. */
        boolean holds(double rho) {
            if (!signsHold || !(rho >= 0)) {
                return false;
            }
            int n = matrix.length;
            double[][] m = new double[n][];
            double[] margin = new double[n];
            for (int i = 0; i < n; i++) {
                m[i] = matrix[i].clone();
                double rowSum = 0;
                for (double v : absolute[i]) {
                    rowSum += v;
                }
                if (i >= rhoStart && i < rhoEnd) { // ρ's term lives on its block only
                    for (int j = rhoStart; j < rhoEnd; j++) {
                        m[i][j] += rho * rhoTerm[i][j];
                        rowSum += rho * rhoAbsolute[i][j];
                    }
                }
                margin[i] = gammaAssembly * rowSum + gammaCholesky * Math.abs(m[i][i]);
            }
            return Cholesky.factor(m, margin) != null;
        }

        /** Whether the blocks after the input block are proven positive definite (so a large ρ works). */
        boolean someRhoWorks() {
            if (!signsHold) {
                return false;
            }
            int n = matrix.length;
            int[] rest = new int[n - (rhoEnd - rhoStart)]; // the rows outside ρ's block
            for (int i = 0, r = 0; i < n; i++) {
                if (i < rhoStart || i >= rhoEnd) {
                    rest[r++] = i;
                }
            }
            double[][] m = new double[rest.length][rest.length];
            double[] margin = new double[rest.length];
            for (int i = 0; i < rest.length; i++) {
                for (int j = 0; j < rest.length; j++) {
                    m[i][j] = matrix[rest[i]][rest[j]];
                }
                double rowSum = 0;
                for (double v : absolute[rest[i]]) {
                    rowSum += v;
                }
                // twice the margin: with a large ρ, the input block's coupling still takes a little
                margin[i] = 2 * (gammaAssembly * rowSum + gammaCholesky * Math.abs(m[i][i]));
            }
            return Cholesky.factor(m, margin) != null;
        }
    }
}
