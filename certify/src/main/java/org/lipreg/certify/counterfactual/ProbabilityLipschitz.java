package org.lipreg.certify.counterfactual;

import ai.djl.ndarray.NDManager;

import org.lipreg.certify.ir.IrReader;
import org.lipreg.certify.ir.Network;
import org.lipreg.certify.ir.UnsupportedLayerException;
import org.lipreg.certify.lipschitz.DerivativeBounds;
import org.lipreg.certify.lipschitz.GlobalBounds;
import org.lipreg.certify.lipschitz.InputBox;
import org.lipreg.certify.lipschitz.LipschitzCertifier;
import org.lipreg.certify.lipschitz.Method;

import java.util.Random;

/**
 * ℓ2 Lipschitz constants of m = softmax_t(z), the probability of the target class t, from the
 * certify module's bounds on the logits z; or a sampled estimate, labelled as such, when the
 * model has a block the IR cannot represent.
 *
 * <p>Why {@code ¼ max_j ‖∇(z_t − z_j)‖₁} bounds {@code ‖∇m‖₂}: with p = softmax(z),
 * {@code ∂p_t/∂z_j = p_t(δ_tj − p_j)}, so {@code ∇m = p_t(∇z_t − Σ_j p_j ∇z_j)
 * = p_t Σ_{j≠t} p_j (∇z_t − ∇z_j)} (using {@code Σ_j p_j = 1}). The triangle inequality gives
 * {@code ‖∇m‖₂ ≤ p_t (Σ_{j≠t} p_j) max_j ‖∇(z_t − z_j)‖₂ = p_t(1 − p_t) max_j ‖∇(z_t − z_j)‖₂},
 * and {@code p_t(1 − p_t) ≤ ¼} and {@code ‖·‖₂ ≤ ‖·‖₁}. With two classes this is the sigmoid's
 * derivative bound. The same holds for every Clarke gradient of a piecewise-linear z (each is a
 * convex combination of limits of gradients at differentiable points, and the bound is convex in
 * them), so Lebourg's mean value theorem gives {@code |m(x) − m(y)| ≤ γ ‖x − y‖₂} whenever the
 * segment [x, y] lies where γ bounds the margin gradients: the certified box for the local bound
 * (CROWN's {@code max ‖∇(c·z)‖₁} over the box, or the ℓ2 norm of its per-coordinate derivative
 * bounds, with margin rows c = e_t − e_j), anywhere for
 * the global one (the product bounds of {@link GlobalBounds}: {@code ‖∇(c·z)‖₂ ≤ ‖c‖₂ L₂ = √2 L₂},
 * and the naive per-row ℓ1 bound).
 */
public final class ProbabilityLipschitz implements AutoCloseable {

    /** The sup of {@code p(1 − p)}. */
    private static final double SOFTMAX_FACTOR = 0.25;

    private final ClassProbability m;
    private final LipschitzCertifier certifier;
    private final UnsupportedLayerException unsupported;
    private final double global;
    private final double[][] specs;
    private final int gradientSamples;
    private final long seed;

    private ProbabilityLipschitz(ClassProbability m, Network network, UnsupportedLayerException unsupported,
            int gradientSamples, long seed) {
        this.m = m;
        this.unsupported = unsupported;
        this.gradientSamples = gradientSamples;
        this.seed = seed;
        this.specs = LipschitzCertifier.marginSpecs(m.classes(), m.target());
        if (network != null) {
            this.certifier = LipschitzCertifier.of(network);
            double naive = max(GlobalBounds.linfPerSpec(network, specs));
            double l2;
            try (NDManager scratch = NDManager.newBaseManager()) {
                l2 = Math.sqrt(2) * GlobalBounds.l2Product(network, scratch);
            }
            this.global = SOFTMAX_FACTOR * Math.min(naive, l2);
        } else {
            this.certifier = null;
            this.global = Double.NaN;
        }
    }

    /**
     * Reads the model into the IR for certified constants; falls back to sampled estimates when
     * it has a block the IR cannot represent.
     *
     * @param m the probability
     * @param gradientSamples points per box for the sampled estimate
     * @param seed seed of the sampled estimate's points
     * @return the source of constants; close it
     */
    public static ProbabilityLipschitz of(ClassProbability m, int gradientSamples, long seed) {
        try {
            return new ProbabilityLipschitz(m, IrReader.read(m.block(), m.exampleShape()), null, gradientSamples, seed);
        } catch (UnsupportedLayerException e) {
            return new ProbabilityLipschitz(m, null, e, gradientSamples, seed);
        }
    }

    /**
     * Certified constants from an IR network that computes the same logits as {@code m}'s block
     * (for tests and exported networks).
     *
     * @param m the probability (its target and classes are used)
     * @param network the network
     * @return the source of constants; close it
     */
    public static ProbabilityLipschitz of(ClassProbability m, Network network) {
        return new ProbabilityLipschitz(m, network, null, 0, 0);
    }

    /** @return true if the constants are certified bounds */
    public boolean certified() {
        return certifier != null;
    }

    /** @return why the constants are sampled, or null when they are certified */
    public UnsupportedLayerException unsupported() {
        return unsupported;
    }

    /** @return the global certified constant, NaN when sampled */
    public double global() {
        return global;
    }

    /**
     * The constant on {@code B∞(x, radius)} (not clipped to any data range: Gaussian samples are
     * not clipped either).
     *
     * @param x the center, flat
     * @param radius the box's ℓ∞ radius
     * @return the constant
     */
    public LocalConstant near(double[] x, double radius) {
        double[] lo = new double[x.length];
        double[] hi = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            lo[i] = x[i] - radius;
            hi[i] = x[i] + radius;
        }
        if (certifier != null) {
            InputBox box = new InputBox(x, lo, hi);
            double l1 = certifier.bound(box, specs, Method.CROWN).max();
            // Per-coordinate derivative bounds give ‖g‖₂ ≤ √Σ max(|lo_i|, |hi_i|)² directly, up to
            // √n tighter than going through ‖g‖₁; every bound holds on the box, take the smallest.
            DerivativeBounds d = certifier.derivativeBounds(box, specs);
            double l2 = 0;
            for (int s = 0; s < specs.length; s++) {
                double sum = 0;
                for (int i = 0; i < x.length; i++) {
                    double a = Math.max(Math.abs(d.lower()[s][i]), Math.abs(d.upper()[s][i]));
                    sum += a * a;
                }
                l2 = Math.max(l2, Math.sqrt(sum));
            }
            double local = SOFTMAX_FACTOR * Math.min(l1, l2);
            return new LocalConstant(Math.min(local, global), radius, global, true);
        }
        Random random = new Random(seed);
        double[][] points = new double[gradientSamples + 1][];
        points[0] = x.clone();
        for (int s = 1; s < points.length; s++) {
            points[s] = new double[x.length];
            for (int i = 0; i < x.length; i++) {
                points[s][i] = lo[i] + random.nextDouble() * (hi[i] - lo[i]);
            }
        }
        double largest = 0;
        for (double[] g : m.gradients(points)) {
            double norm = 0;
            for (double v : g) {
                norm += v * v;
            }
            largest = Math.max(largest, Math.sqrt(norm));
        }
        return new LocalConstant(largest, radius, largest, false);
    }

    private static double max(double[] values) {
        double m = Double.NEGATIVE_INFINITY;
        for (double v : values) {
            m = Math.max(m, v);
        }
        return m;
    }

    @Override
    public void close() {
        if (certifier != null) {
            certifier.close();
        }
    }
}
