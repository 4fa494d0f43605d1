package org.lipreg.certify.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.junit.jupiter.api.Test;

import java.util.Random;

/**
 * A ReLU gate's linear step across the Jacobian graph ({@link Activation.Gate#forward}) against
 * its formula in plain float64 loops: coefficient {@code λ(a0 + w·ps)} and offset {@code λw·pi}
 * where λ > 0, {@code λ(a0 + w·ns)} and {@code −λw·ni} elsewhere, with the chords of ReLU(h) and
 * ReLU(−h) over the output gradient's interval. Few unstable gates (the offset summed over their
 * entries only, unstable sets differing between rows) and many (the whole product), λ zero on
 * most entries as in a windowed batch.
 */
class GateStepTest {

    private static final int ROWS = 3;
    private static final int COEFFICIENTS = 5;
    private static final int N = 60;

    @Test
    void stepIsThePlainLoopFormulaWithFewAndManyUnstableGates() {
        Random random = new Random(181);
        for (double unstable : new double[] {0, 0.05, 0.2, 0.9}) {
            for (double slope : new double[] {0, 0.1}) {
                check(random, unstable, slope);
            }
        }
    }

    private static void check(Random random, double unstableFraction, double s) {
        double[] state = new double[ROWS * N];
        double[] lo = new double[ROWS * N];
        double[] hi = new double[ROWS * N];
        double[] lambda = new double[ROWS * COEFFICIENTS * N];
        for (int i = 0; i < state.length; i++) {
            state[i] = random.nextDouble() < unstableFraction ? 0 : random.nextBoolean() ? 1 : -1;
            double a = random.nextGaussian();
            double b = random.nextGaussian();
            lo[i] = Math.min(a, b);
            hi[i] = Math.max(a, b);
        }
        for (int i = 0; i < lambda.length; i++) {
            lambda[i] = (i % N) < N / 3 && random.nextBoolean() ? random.nextGaussian() : 0;
        }
        try (NDManager manager = NDManager.newBaseManager()) {
            Activation.Gate gate = new Activation.Gate(s, manager.create(state, new Shape(ROWS, N)));
            Interval output = new Interval(manager.create(lo, new Shape(ROWS, N)), manager.create(hi, new Shape(ROWS, N)),
                    manager.create(hi, new Shape(ROWS, N)));
            gate.outputBounds(output, true);
            Step step = gate.forward(manager.create(lambda, new Shape(ROWS, COEFFICIENTS, N)), false);
            double[] coefficient = step.coefficients()[0].toDoubleArray();
            double[] offset = step.constant() == null ? new double[ROWS * COEFFICIENTS] : step.constant().toDoubleArray();
            String where = "unstable fraction " + unstableFraction + ", s " + s;
            for (int b = 0; b < ROWS; b++) {
                for (int r = 0; r < COEFFICIENTS; r++) {
                    double expectedOffset = 0;
                    double scale = 0;
                    for (int n = 0; n < N; n++) {
                        int g = b * N + n;
                        int i = (b * COEFFICIENTS + r) * N + n;
                        double a0 = state[g] > 0 ? 1 : s;
                        double w = state[g] == 0 ? 1 - s : 0;
                        double[] positive = chord(lo[g], hi[g]); // ReLU(h)
                        double[] negative = chord(-hi[g], -lo[g]); // ReLU(−h)
                        double l = lambda[i];
                        double expected = l > 0 ? l * (a0 + w * positive[0]) : l * (a0 + w * negative[0]);
                        double term = l > 0 ? l * w * positive[1] : -l * w * negative[1];
                        expectedOffset += term;
                        scale += Math.abs(term);
                        assertEquals(expected, coefficient[i], 1e-14 * (Math.abs(expected) + Math.abs(l)),
                                where + ", coefficient (" + b + ", " + r + ", " + n + ")");
                    }
                    assertEquals(expectedOffset, offset[b * COEFFICIENTS + r], 1e-13 * scale,
                            where + ", offset (" + b + ", " + r + ")");
                }
            }
        }
    }

    /** {slope, intercept} of the least upper line of ReLU over [l, u]. */
    private static double[] chord(double l, double u) {
        if (l >= 0) {
            return new double[] {1, 0};
        }
        if (u <= 0) {
            return new double[] {0, 0};
        }
        return new double[] {u / (u - l), -l * u / (u - l)};
    }
}
