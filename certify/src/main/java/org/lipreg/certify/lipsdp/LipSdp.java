package org.lipreg.certify.lipsdp;

/**
 * LipSDP for a feedforward ReLU / MaxMin network (ℓ2, or ℓ∞ for one output): solve, prove the
 * bound, and put it beside the product bound and a sampled lower bound.
 */
public final class LipSdp {

    private LipSdp() {}

    /** Which solver minimizes ρ. */
    public enum Solver {
        /** {@link #FIRST_ORDER} for MaxMin chains with more than {@value #NEWTON_LIMIT} variables, else {@link #NEWTON}. */
        AUTO,
        /** The log-barrier Newton method ({@link LipSdpSolver}): many digits, cost grows with the multipliers squared. */
        NEWTON,
        /** The eigenvalue form ({@link EigenvalueSolver}): all-MaxMin chains only, scales to wide layers. */
        FIRST_ORDER
    }

    /**
     * Above this many variables (ρ and the multipliers) an all-MaxMin chain goes to the
     * first-order solver: there a Newton step (the Hessian of {@code m} variables over a matrix of
     * size n, {@code O(m²n + m n²)}) takes seconds, e.g. about 1.5 s for 784→256→10.
     */
    public static final int NEWTON_LIMIT = 200;

    /** Seconds the first-order solver may optimize before the check. */
    public static final double FIRST_ORDER_SECONDS = 8;

    /**
     * Certifies a network with the automatic choice of solver.
     *
     * @param chain the network
     * @param samplePoints inputs at which the Jacobian's norm gives the lower bound
     * @return the bounds
     */
    public static LipSdpResult certify(DenseChain chain, double[][] samplePoints) {
        return certify(chain, samplePoints, Solver.AUTO);
    }

    /**
     * Certifies a network.
     *
     * @param chain the network
     * @param samplePoints inputs at which the Jacobian's norm gives the lower bound
     * @param solver the solver, or {@link Solver#AUTO}
     * @return the bounds
     * @throws IllegalArgumentException if the first-order solver is asked for a chain with ReLU layers
     */
    public static LipSdpResult certify(DenseChain chain, double[][] samplePoints, Solver solver) {
        return certify(chain, samplePoints, solver, -1);
    }

    /**
     * Certifies the ℓ∞ Lipschitz constant of one output, {@code |f_j(x) − f_j(y)| ≤ L‖x − y‖∞}
     * (Newton solver; the eigenvalue form is ℓ2 only). The product bound is then
     * {@code ‖c‖₁ Π_{k<L} ‖W_k‖_∞} (ReLU and MaxMin are nonexpansive in ℓ∞) and the lower bound the
     * largest {@code ‖∇f_j(x)‖₁} at the points.
     *
     * @param chain the network
     * @param output the output j
     * @param samplePoints inputs for the lower bound
     * @return the bounds
     */
    public static LipSdpResult certifyLinf(DenseChain chain, int output, double[][] samplePoints) {
        return certify(chain, samplePoints, Solver.NEWTON, output);
    }

    private static LipSdpResult certify(DenseChain chain, double[][] samplePoints, Solver solver, int output) {
        long start = System.nanoTime();
        LipSdpMatrix lmi = new LipSdpMatrix(chain, output);
        Solver used = output >= 0 ? Solver.NEWTON : choose(chain, lmi, solver);
        double[] x;
        double objective;
        int steps;
        boolean converged;
        double tolerance;
        if (used == Solver.NEWTON) {
            LipSdpSolver.Solution solution = new LipSdpSolver(1e-9, 2000).solve(lmi);
            x = solution.x();
            objective = solution.objective();
            steps = solution.newtonSteps();
            converged = solution.converged();
            tolerance = 1e-13;
        } else {
            EigenvalueSolver.Solution solution = new EigenvalueSolver(FIRST_ORDER_SECONDS, 500).solve(chain);
            x = solution.x();
            // deep chains add up more rounding than 1e-9 of room per block covers: widen it before
            // the check would fall back on its (far worse) simple feasible point
            CertificateCheck check = new CertificateCheck(lmi);
            for (double slack = 1e-7; !check.holds(x) && slack < 0.1; slack *= 100) {
                x = solution.withSlack().apply(slack);
            }
            objective = solution.objective();
            steps = solution.iterations();
            converged = solution.converged();
            tolerance = 1e-9; // the optimizer's own gap is far larger; a few factorizations instead of ~45
        }
        CertificateCheck.Verified verified = new CertificateCheck(lmi).verify(x, tolerance);
        double seconds = (System.nanoTime() - start) / 1e9;
        if (output >= 0) {
            return new LipSdpResult(chain.productBoundLinf(output), verified.bound(), objective,
                    lowerBoundLinf(chain, output, samplePoints), seconds, used, steps, converged);
        }
        return new LipSdpResult(chain.productBound(), verified.bound(), Math.sqrt(objective),
                lowerBound(chain, samplePoints), seconds, used, steps, converged);
    }

    /**
     * The paper's baseline: LipSDP on the residual-ReLU rewrite of a MaxMin network
     * ({@link LipSdpMatrix#residualReluBaseline}), solved by Newton and proven by the same check.
     *
     * @param bound the proven bound (ℓ2, or ℓ∞ of one output)
     * @param seconds wall time of solver and check
     * @param converged whether the solver reached its tolerance
     */
    public record Baseline(double bound, double seconds, boolean converged) {}

    /**
     * Certifies the residual-ReLU rewrite of a MaxMin network, if it is one and small enough for the
     * Newton solver (at most {@value #NEWTON_LIMIT} variables).
     *
     * @param chain the network
     * @param output the output j for ℓ∞, or −1 for ℓ2
     * @return the baseline, or null if a hidden layer is not MaxMin or the problem is too large
     */
    public static Baseline residualReluBaseline(DenseChain chain, int output) {
        if (!MaxMinScaling.applies(chain)) {
            return null;
        }
        long start = System.nanoTime();
        LipSdpMatrix lmi = LipSdpMatrix.residualReluBaseline(chain, output);
        if (lmi.variables() > NEWTON_LIMIT) {
            return null;
        }
        LipSdpSolver.Solution solution = new LipSdpSolver(1e-9, 2000).solve(lmi);
        CertificateCheck.Verified verified = new CertificateCheck(lmi).verify(solution.x(), 1e-13);
        return new Baseline(verified.bound(), (System.nanoTime() - start) / 1e9, solution.converged());
    }

    /**
     * Returns the largest {@code ‖∇f_j(x)‖₁} over the points (attained, like {@link #lowerBound}).
     *
     * @param chain the network
     * @param output the output j
     * @param points the inputs
     * @return the lower bound, 0 without points
     */
    public static double lowerBoundLinf(DenseChain chain, int output, double[][] points) {
        double best = 0;
        for (double[] p : points) {
            double sum = 0;
            for (double v : chain.jacobian(p)[output]) {
                sum += Math.abs(v);
            }
            best = Math.max(best, sum);
        }
        return best;
    }

    /**
     * Resolves {@link Solver#AUTO}.
     *
     * @param chain the network
     * @param lmi its matrix inequality
     * @param solver the request
     * @return the solver that runs
     */
    static Solver choose(DenseChain chain, LipSdpMatrix lmi, Solver solver) {
        boolean maxMin = MaxMinScaling.applies(chain);
        if (solver == Solver.FIRST_ORDER && !maxMin) {
            throw new IllegalArgumentException("the first-order LipSDP solver handles MaxMin networks only"
                    + " (this one has ReLU, larger GroupSort or residual layers)");
        }
        if (solver != Solver.AUTO) {
            return solver;
        }
        return maxMin && lmi.variables() > NEWTON_LIMIT ? Solver.FIRST_ORDER : Solver.NEWTON;
    }

    /**
     * Returns the largest spectral norm of the Jacobian over the points (each from below, by power
     * iteration, so each is attained).
     *
     * @param chain the network
     * @param points the inputs
     * @return the lower bound, 0 without points
     */
    public static double lowerBound(DenseChain chain, double[][] points) {
        double best = 0;
        for (double[] p : points) {
            best = Math.max(best, SpectralNorm.of(chain.jacobian(p)));
        }
        return best;
    }
}
