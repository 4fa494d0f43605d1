package org.lipreg.certify.lipsdp;

/**
 * The ℓ2 Lipschitz bounds of one network, side by side.
 *
 * @param productBound {@code Π ‖W_k‖₂}
 * @param verifiedBound LipSDP's bound, proven in float64 by {@link CertificateCheck}: the certificate
 * @param optimizerBound {@code √ρ} at the solver's last iterate (not proven; the gap to the
 *     verified bound is the price of the proof)
 * @param lowerBound the largest {@code ‖J(x)‖₂} at the sampled points: attained, so the true
 *     constant is at least this
 * @param seconds wall time of solver and check
 * @param solver which solver ran ({@link LipSdp.Solver#NEWTON} or {@link LipSdp.Solver#FIRST_ORDER})
 * @param steps the solver's steps (Newton steps, or L-BFGS steps)
 * @param converged whether the solver reached its tolerance
 */
public record LipSdpResult(double productBound, double verifiedBound, double optimizerBound, double lowerBound,
        double seconds, LipSdp.Solver solver, int steps, boolean converged) {}
