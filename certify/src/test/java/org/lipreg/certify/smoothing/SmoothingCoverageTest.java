package org.lipreg.certify.smoothing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.List;
import java.util.Random;

import org.apache.commons.statistics.distribution.NormalDistribution;
import org.junit.jupiter.api.Test;

/**
 * Coverage against a base classifier whose smoothed probabilities are known: a linear
 * two-class model, where class 1 has probability Φ(m/(σ‖w‖)) for the margin m = w·x + b, and
 * where the smoothed classifier's true ℓ2 radius is the distance |m|/‖w‖ to the hyperplane.
 */
class SmoothingCoverageTest {

    private static final NormalDistribution N01 = NormalDistribution.of(0, 1);
    private static final double[] W = {0.8, -0.3, 0.5, 0.1, -0.6};
    private static final double SIGMA = 0.5;

    /** CERTIFY's lower bound exceeds the true probability in at most about α of the trials. */
    @Test
    void cohenLowerBoundCoversAtLevelAlpha() {
        double alpha = 0.1;
        int trials = 400;
        LinearClassifier model = new LinearClassifier(W, 0.1, 1);
        SmoothedClassifier smoothed = SmoothedClassifier.builder().setBaseClassifier(model).setSigma(SIGMA)
                .optSelectionSamples(20).optSamples(200).optAlpha(alpha).build();
        Random random = new Random(11);
        int misses = 0;
        for (int trial = 0; trial < trials; trial++) {
            float[] x = pointWithMargin(model, random.nextDouble() * 2 - 0.5);
            SmoothingCertificate c = smoothed.certify(x, trial).get(0);
            double p1 = N01.cumulativeProbability(model.margin(x) / (SIGMA * model.norm()));
            double truth = c.selected() == 1 ? p1 : 1 - p1;
            if (c.pLower() > truth) {
                misses++;
            }
        }
        assertTrue(misses <= binomialCeiling(trials, alpha), misses + " misses in " + trials);
    }

    /** The empirical-Bernstein bounds of soft smoothing cover the true soft means. */
    @Test
    void bernsteinBoundsCoverTheSoftMeans() {
        double alpha = 0.1;
        int trials = 400;
        double temperature = 2;
        double scale = 1.5;
        LinearClassifier model = new LinearClassifier(W, -0.2, scale);
        SoftCandidate softmax = new SoftCandidate(SimplexMap.SOFTMAX, temperature);
        SmoothedClassifier smoothed = SmoothedClassifier.builder().setBaseClassifier(model).setSigma(SIGMA)
                .optSelectionSamples(20).optSamples(300).optAlpha(alpha)
                .optMethods(EnumSet.of(SmoothingMethod.SOFT)).optCandidates(List.of(softmax)).build();
        Random random = new Random(12);
        int misses = 0;
        for (int trial = 0; trial < trials; trial++) {
            float[] x = pointWithMargin(model, random.nextDouble() * 3 - 1.5);
            SmoothingCertificate c = smoothed.certify(x, 1000 + trial).get(0);
            double mu1 = softMean(model.margin(x) * scale * temperature, model.norm() * SIGMA * scale * temperature);
            // The bounds are about the selected class, also when abstaining.
            double top = c.selected() == 1 ? mu1 : 1 - mu1;
            if (c.pLower() > top || c.pUpper() < 1 - top) {
                misses++;
            }
        }
        assertTrue(misses <= binomialCeiling(trials, alpha), misses + " misses in " + trials);
    }

    /** No certified radius exceeds the true distance to the decision boundary (α = 0.001). */
    @Test
    void noRadiusBeyondTheTrueOne() {
        LinearClassifier model = new LinearClassifier(W, 0.3, 1);
        SmoothedClassifier smoothed = SmoothedClassifier.builder().setBaseClassifier(model).setSigma(SIGMA)
                .optSelectionSamples(50).optSamples(2000)
                .optMethods(EnumSet.of(SmoothingMethod.COHEN, SmoothingMethod.SOFT))
                .optCandidates(List.of(new SoftCandidate(SimplexMap.HARDMAX, 1))).build();
        Random random = new Random(13);
        int certified = 0;
        for (int trial = 0; trial < 300; trial++) {
            float[] x = pointWithMargin(model, random.nextDouble() * 4 - 2);
            double margin = model.margin(x);
            double trueRadius = Math.abs(margin) / model.norm();
            int trueClass = margin > 0 ? 1 : 0;
            for (SmoothingCertificate c : smoothed.certify(x, 5000 + trial)) {
                if (c.abstained()) {
                    continue;
                }
                certified++;
                assertEquals(trueClass, c.predicted(), "trial " + trial + " certified the wrong class");
                assertTrue(c.radius() <= trueRadius, "trial " + trial + " " + c.method() + ": radius "
                        + c.radius() + " > true " + trueRadius);
            }
        }
        assertTrue(certified > 300, "too few certificates to mean anything: " + certified);
    }

    /** Soft and Cohen radii agree in the limit where the soft map is the vote (hardmax). */
    @Test
    void hardmaxSoftRadiusIsCloseToCohensOnTheSameSamples() {
        LinearClassifier model = new LinearClassifier(W, 0.3, 1);
        SmoothedClassifier smoothed = SmoothedClassifier.builder().setBaseClassifier(model).setSigma(SIGMA)
                .optSelectionSamples(100).optSamples(20_000)
                .optMethods(EnumSet.of(SmoothingMethod.COHEN, SmoothingMethod.SOFT))
                .optCandidates(List.of(new SoftCandidate(SimplexMap.HARDMAX, 1))).build();
        float[] x = pointWithMargin(model, 0.4);
        List<SmoothingCertificate> certs = smoothed.certify(x, 3);
        double trueRadius = model.margin(x) / model.norm();
        assertEquals(trueRadius, certs.get(0).radius(), 0.05 * trueRadius + 0.03);
        assertEquals(certs.get(0).radius(), certs.get(1).radius(), 0.05 * trueRadius + 0.03);
        assertTrue(certs.get(1).lipschitzRadius() <= certs.get(1).radius());
    }

    /** A point whose margin is {@code k σ ‖w‖}. */
    private static float[] pointWithMargin(LinearClassifier model, double k) {
        float[] x = new float[W.length];
        double norm = model.norm();
        double target = k * SIGMA * norm;
        // x = s·w/‖w‖ moves the margin by s‖w‖... solve margin(x) = target along w.
        double base = model.margin(x);
        double s = (target - base) / (norm * norm);
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (s * W[i]);
        }
        return x;
    }

    /** E[sigmoid(a + b Z)] by Simpson's rule on [−12, 12]. */
    private static double softMean(double a, double b) {
        int steps = 4000;
        double h = 24.0 / steps;
        double sum = 0;
        for (int i = 0; i <= steps; i++) {
            double z = -12 + i * h;
            double f = 1 / (1 + Math.exp(-(a + b * z))) * N01.density(z);
            sum += f * (i == 0 || i == steps ? 1 : i % 2 == 1 ? 4 : 2);
        }
        return sum * h / 3;
    }

    /** α·T plus three binomial standard deviations. */
    private static double binomialCeiling(int trials, double alpha) {
        return alpha * trials + 3 * Math.sqrt(trials * alpha * (1 - alpha));
    }
}
