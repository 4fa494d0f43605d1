package org.lipreg.certify.lipsdp;

/**
 * ℓ2 LipSDP for a feedforward ReLU / MaxMin network: solve, prove the bound, and put it beside
 * the product bound and a sampled lower bound.
 */
public final class LipSdp {

    private LipSdp() {}

    /**
     * Certifies a network.
     *
     * @param chain the network
     * @param samplePoints inputs at which the Jacobian's norm gives the lower bound
     * @return the bounds
     */
    public static LipSdpResult certify(DenseChain chain, double[][] samplePoints) {
        long start = System.nanoTime();
        LipSdpMatrix lmi = new LipSdpMatrix(chain);
        LipSdpSolver.Solution solution = new LipSdpSolver(1e-9, 2000).solve(lmi);
        CertificateCheck.Verified verified = new CertificateCheck(lmi).verify(solution.x());
        double seconds = (System.nanoTime() - start) / 1e9;
        return new LipSdpResult(chain.productBound(), verified.bound(), Math.sqrt(solution.objective()),
                lowerBound(chain, samplePoints), seconds, solution.newtonSteps(), solution.converged());
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
