package org.lipreg.certify.counterfactual;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.util.Random;

/**
 * The stability of a counterfactual x (Hamman et al. 2023, DESIGN §4.5):
 * {@code R̂(x) = (1/K) Σ_i [m(X_i) − |m(x) − m(X_i)|]} with {@code X_i = x + σ ε_i},
 * {@code ε_i ~ N(0, I)}; high when m is high around x and changes little there. The Lipschitz
 * form replaces {@code |m(x) − m(X_i)|} by {@code γ ‖x − X_i‖₂} for an ℓ2 Lipschitz constant γ of
 * m: a certified γ makes it a lower bound on R̂ computed with the same samples.
 *
 * <p>The noise is drawn once from the seed ({@code Random(seed).nextGaussian()}, sample after
 * sample, coordinate after coordinate) and reused at every point: common random numbers make
 * estimates at nearby points comparable and R̂ a smooth function for gradient ascent.
 *
 * <pre>{@code
 * Stability stability = Stability.builder().optSamples(1000).optSigma(0.05).build();
 * double r = stability.estimate(m, x);
 * }</pre>
 */
public final class Stability {

    private final int samples;
    private final double sigma;
    private final long seed;
    private final int batchSize;
    private double[][] noise;

    private Stability(Builder builder) {
        this.samples = builder.samples;
        this.sigma = builder.sigma;
        this.seed = builder.seed;
        this.batchSize = builder.batchSize;
    }

    /** @return a builder with the DESIGN defaults (K = 1000, σ = 0.05, seed 0) */
    public static Builder builder() {
        return new Builder();
    }

    /** @return K */
    public int samples() {
        return samples;
    }

    /** @return σ */
    public double sigma() {
        return sigma;
    }

    /**
     * The standard normal draws ε_i for inputs of a given size (generated on first use).
     *
     * @param size the input size
     * @return K rows of {@code size} values; do not modify
     */
    synchronized double[][] noise(int size) {
        if (noise == null || noise[0].length != size) {
            Random random = new Random(seed);
            noise = new double[samples][size];
            for (double[] row : noise) {
                for (int j = 0; j < size; j++) {
                    row[j] = random.nextGaussian();
                }
            }
        }
        return noise;
    }

    /**
     * The perturbed points {@code X_i = x + σ ε_i}.
     *
     * @param x the point, flat
     * @return K points
     */
    public double[][] perturbations(double[] x) {
        double[][] eps = noise(x.length);
        double[][] out = new double[samples][x.length];
        for (int i = 0; i < samples; i++) {
            for (int j = 0; j < x.length; j++) {
                out[i][j] = x[j] + sigma * eps[i][j];
            }
        }
        return out;
    }

    /**
     * Computes R̂ at a point.
     *
     * @param m the target-class probability
     * @param x the point, flat
     * @return R̂(x)
     */
    public double estimate(ProbabilityFunction m, double[] x) {
        return evaluate(m, x, null).sampled();
    }

    /**
     * Computes R̂ and its Lipschitz form with the same samples.
     *
     * @param m the target-class probability
     * @param x the point, flat
     * @param gamma the Lipschitz constant near x, or null for R̂ only (the Lipschitz form is NaN)
     * @return both values and m at x and at each sample
     */
    public StabilityEstimate evaluate(ProbabilityFunction m, double[] x, LocalConstant gamma) {
        double[][] points = perturbations(x);
        double center = m.at(new double[][] {x})[0];
        double[] at = new double[samples];
        for (int from = 0; from < samples; from += batchSize) {
            int to = Math.min(samples, from + batchSize);
            double[] part = m.at(java.util.Arrays.copyOfRange(points, from, to));
            System.arraycopy(part, 0, at, from, part.length);
        }
        double sampled = 0;
        double lipschitz = 0;
        for (int i = 0; i < samples; i++) {
            sampled += at[i] - Math.abs(center - at[i]);
            if (gamma != null) {
                lipschitz += at[i] - gamma.between(x, points[i]) * distance(x, points[i]);
            }
        }
        return new StabilityEstimate(sampled / samples, gamma != null ? lipschitz / samples : Double.NaN,
                gamma, center, at);
    }

    /**
     * R̂ as a differentiable scalar, for gradient ascent (T-Rex): x and the noise live in x's
     * manager.
     *
     * @param m the target-class probability
     * @param x {@code (1, inputSize)} float32, possibly requiring a gradient
     * @return the scalar R̂(x)
     */
    public NDArray estimate(ClassProbability m, NDArray x) {
        NDManager manager = x.getManager();
        int size = Math.toIntExact(x.getShape().get(1));
        double[][] eps = noise(size);
        float[] flat = new float[samples * size];
        for (int i = 0; i < samples; i++) {
            for (int j = 0; j < size; j++) {
                flat[i * size + j] = (float) (sigma * eps[i][j]);
            }
        }
        NDArray shifted = x.add(manager.create(flat, new Shape(samples, size)));
        NDArray center = m.probability(x);
        NDArray around = m.probability(shifted);
        return around.sub(around.sub(center).abs()).mean();
    }

    static double distance(double[] x, double[] y) {
        double sum = 0;
        for (int i = 0; i < x.length; i++) {
            double d = x[i] - y[i];
            sum += d * d;
        }
        return Math.sqrt(sum);
    }

    /** Settings of a {@link Stability}. */
    public static final class Builder {
        private int samples = 1000;
        private double sigma = 0.05;
        private long seed;
        private int batchSize = 1000;

        private Builder() {}

        /**
         * Sets K, the number of Gaussian samples.
         *
         * @param samples K ≥ 1
         * @return this builder
         */
        public Builder optSamples(int samples) {
            if (samples < 1) {
                throw new IllegalArgumentException("samples must be at least 1, got " + samples);
            }
            this.samples = samples;
            return this;
        }

        /**
         * Sets σ, the noise standard deviation.
         *
         * @param sigma σ &gt; 0
         * @return this builder
         */
        public Builder optSigma(double sigma) {
            if (!(sigma > 0) || !Double.isFinite(sigma)) {
                throw new IllegalArgumentException("sigma must be positive, got " + sigma);
            }
            this.sigma = sigma;
            return this;
        }

        /**
         * Sets the seed of the noise.
         *
         * @param seed the seed
         * @return this builder
         */
        public Builder optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * Sets how many samples go through the model at once.
         *
         * @param batchSize at least 1
         * @return this builder
         */
        public Builder optBatchSize(int batchSize) {
            if (batchSize < 1) {
                throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
            }
            this.batchSize = batchSize;
            return this;
        }

        /** @return the stability measure */
        public Stability build() {
            return new Stability(this);
        }
    }
}
