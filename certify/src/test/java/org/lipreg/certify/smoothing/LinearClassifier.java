package org.lipreg.certify.smoothing;

import java.util.Random;

/**
 * A two-class linear classifier with logits (0, w·x + b), sampled in double precision with
 * java.util.Random. Under N(0, σ²I) noise, class 1 has probability Φ((w·x + b)/(σ‖w‖)) exactly,
 * which makes it the reference for coverage tests.
 */
final class LinearClassifier implements BaseClassifier {

    private final double[] w;
    private final double b;
    private final double scale;
    private Random random = new Random(0);

    /**
     * @param w the weights
     * @param b the bias
     * @param scale multiplies both logits (changes soft maps, not votes)
     */
    LinearClassifier(double[] w, double b, double scale) {
        this.w = w.clone();
        this.b = b;
        this.scale = scale;
    }

    double norm() {
        double s = 0;
        for (double v : w) {
            s += v * v;
        }
        return Math.sqrt(s);
    }

    double margin(float[] x) {
        double m = b;
        for (int i = 0; i < w.length; i++) {
            m += w[i] * x[i];
        }
        return m;
    }

    @Override
    public int numClasses() {
        return 2;
    }

    @Override
    public int inputSize() {
        return w.length;
    }

    @Override
    public void seed(long seed) {
        random = new Random(seed);
    }

    @Override
    public void sample(float[] x, double sigma, int count, LogitsSink sink) {
        int batch = 64;
        for (int done = 0; done < count; done += batch) {
            int rows = Math.min(batch, count - done);
            float[] logits = new float[rows * 2];
            for (int r = 0; r < rows; r++) {
                double m = b;
                for (int i = 0; i < w.length; i++) {
                    m += w[i] * (x[i] + sigma * random.nextGaussian());
                }
                logits[2 * r + 1] = (float) (scale * m);
            }
            sink.accept(logits, rows);
        }
    }
}
