package org.lipreg.certify.smoothing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.EnumSet;
import java.util.List;

import org.apache.commons.statistics.distribution.NormalDistribution;
import org.junit.jupiter.api.Test;

class SmoothedClassifierTest {

    private static final double[] W = {0.8, -0.3, 0.5};

    @Test
    void selectionSamplesCannotCertify() {
        LinearClassifier model = new LinearClassifier(W, 0.5, 1);
        List<SoftCandidate> candidates = List.of(new SoftCandidate(SimplexMap.SOFTMAX, 1));
        SampleStatistics draw = SampleStatistics.draw(model, new float[3], 0.5, 100, candidates);
        Selection cohen = CohenSmoothing.select(draw);
        assertThrows(IllegalArgumentException.class, () -> CohenSmoothing.certify(cohen, draw, 0.5, 0.001));
        Selection soft = SoftSmoothing.select(draw, 1000, 0.5, 0.001);
        assertThrows(IllegalArgumentException.class, () -> SoftSmoothing.certify(soft, draw, 0.5, 0.001));
        SampleStatistics fresh = SampleStatistics.draw(model, new float[3], 0.5, 100, candidates);
        assertEquals(cohen.predicted(), CohenSmoothing.certify(cohen, fresh, 0.5, 0.001).selected());
    }

    @Test
    void predictAbstainsWithTenOrFewerSamplesAtAlphaOneInAThousand() {
        // Every split of n ≤ 10 votes: even 10 to 0 has two-sided p = 2^-9 > 0.001.
        for (int n = 1; n <= 10; n++) {
            for (int k = 0; k <= n; k++) {
                assertEquals(SmoothingCertificate.ABSTAIN, CohenSmoothing.predict(votes(k, n - k), 0.001));
            }
        }
        assertEquals(0, CohenSmoothing.predict(votes(20, 0), 0.001));
        assertEquals(1, CohenSmoothing.predict(votes(30, 70), 0.001));
        assertEquals(SmoothingCertificate.ABSTAIN, CohenSmoothing.predict(votes(45, 55), 0.001));
    }

    /**
     * PREDICT's tie test against exact enumeration: abstain unless 2·Σ_{j ≤ min(a, b)} C(n, j) / 2ⁿ
     * ≤ α, compared in exact integer arithmetic. Commons Math's two-sided test dropped the mirror
     * tail at 17 votes to 3 (p = 0.0075 instead of 0.0127) and predicted at α = 0.01.
     */
    @Test
    void predictRejectsATieExactlyWhenTheExactTwoSidedTestDoes() {
        for (double alpha : new double[] {0.001, 0.01, 0.05}) {
            BigDecimal level = new BigDecimal(alpha);
            for (int n = 1; n <= 120; n++) {
                BigInteger all = BigInteger.ONE.shiftLeft(n);
                for (int a = (n + 1) / 2; a <= n; a++) {
                    int b = n - a;
                    BigInteger tail = BigInteger.ZERO;
                    BigInteger binomial = BigInteger.ONE;
                    for (int j = 0; j <= b; j++) {
                        tail = tail.add(binomial);
                        binomial = binomial.multiply(BigInteger.valueOf(n - j))
                                .divide(BigInteger.valueOf(j + 1));
                    }
                    boolean reject = new BigDecimal(tail.shiftLeft(1))
                            .compareTo(level.multiply(new BigDecimal(all))) <= 0;
                    int expected = reject && a > b ? 0 : SmoothingCertificate.ABSTAIN;
                    assertEquals(expected, CohenSmoothing.predict(votes(a, b), alpha),
                            a + " votes to " + b + " at alpha " + alpha);
                }
            }
        }
    }

    @Test
    void certifiedAccuracyOfAHandExample() {
        CertifiedAccuracy acc = new CertifiedAccuracy(
                new boolean[] {true, true, false, true}, new double[] {0.5, 0.1, 2.0, 0.0});
        assertEquals(0.75, acc.at(0), 1e-15);
        assertEquals(0.25, acc.at(0.25), 1e-15);
        assertEquals(0.0, acc.at(1), 1e-15);
        assertEquals(0.15, acc.averageRadius(), 1e-15);
    }

    /**
     * The constant behind the Lipschitz radius, sqrt(2/π)/σ, is attained: a ±1 step smoothed
     * by N(0, σ²) is 2Φ(x/σ) − 1, whose slope at 0 is exactly that and nowhere larger.
     */
    @Test
    void smoothedMarginLipschitzConstantIsTightAndNeverExceeded() {
        double sigma = 0.7;
        NormalDistribution n01 = NormalDistribution.of(0, 1);
        double constant = Math.sqrt(2 / Math.PI) / sigma;
        double h = 1e-5;
        double maxSlope = 0;
        for (double x = -3; x <= 3; x += 0.01) {
            double slope = (n01.cumulativeProbability((x + h) / sigma) - n01.cumulativeProbability((x - h) / sigma)) / h;
            maxSlope = Math.max(maxSlope, slope);
        }
        assertEquals(constant, maxSlope, 1e-6);
        // And the Lipschitz radius is never above the Φ⁻¹ radius on the same bounds.
        java.util.Random random = new java.util.Random(5);
        for (int i = 0; i < 10_000; i++) {
            double lower = random.nextDouble();
            double upper = random.nextDouble() * lower;
            double probit = sigma / 2 * (CohenSmoothing.probit(lower) - CohenSmoothing.probit(upper));
            assertTrue(SoftSmoothing.lipschitzRadius(lower, upper, sigma) <= probit + 1e-12);
        }
    }

    /** A DJL model with known weights: votes match Φ of the margin, and the seed reproduces. */
    @Test
    void blockClassifierMatchesTheClosedForm() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Linear linear = Linear.builder().setUnits(2).build();
            linear.initialize(manager, DataType.FLOAT32, new Shape(1, 3));
            Parameter weight = linear.getParameters().get("weight");
            weight.getArray().set(manager.create(new float[] {0, 0, 0, 0.8f, -0.3f, 0.5f}, new Shape(2, 3)).toFloatArray());
            linear.getParameters().get("bias").getArray().set(new float[] {0, 0.1f});
            BlockClassifier model = BlockClassifier.builder().setBlock(linear).setExampleShape(new Shape(3))
                    .setNumClasses(2).setManager(manager).optBatchSize(777).build();
            double sigma = 0.5;
            float[] x = {0.2f, 0.1f, -0.1f};
            int n = 20_000;
            model.seed(9);
            SampleStatistics draw = SampleStatistics.draw(model, x, sigma, n, List.of());
            double norm = Math.sqrt(0.64 + 0.09 + 0.25);
            double margin = 0.1 + 0.8 * 0.2 - 0.3 * 0.1 - 0.5 * 0.1;
            double p1 = NormalDistribution.of(0, 1).cumulativeProbability(margin / (sigma * norm));
            double tolerance = 5 * Math.sqrt(p1 * (1 - p1) / n);
            assertEquals(p1, draw.votes(1) / (double) n, tolerance);
            SmoothedClassifier smoothed = SmoothedClassifier.builder().setBaseClassifier(model).setSigma(sigma)
                    .optSamples(2000).optMethods(EnumSet.allOf(SmoothingMethod.class)).build();
            assertEquals(smoothed.certify(x, 4), smoothed.certify(x, 4));
        }
    }

    private static SampleStatistics votes(int zeros, int ones) {
        BaseClassifier fixed = new BaseClassifier() {
            @Override
            public int numClasses() {
                return 2;
            }

            @Override
            public int inputSize() {
                return 1;
            }

            @Override
            public void sample(float[] x, double sigma, int count, LogitsSink sink) {
                float[] logits = new float[2 * count];
                for (int r = 0; r < count; r++) {
                    logits[2 * r + (r < zeros ? 0 : 1)] = 1;
                }
                sink.accept(logits, count);
            }

            @Override
            public void seed(long seed) {}
        };
        return SampleStatistics.draw(fixed, new float[1], 1, zeros + ones, List.of());
    }
}
