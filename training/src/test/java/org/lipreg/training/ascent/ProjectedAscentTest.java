package org.lipreg.training.ascent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.junit.jupiter.api.Test;

class ProjectedAscentTest {

    /**
     * ℓ2 steps on the linear objective w·p (constant gradient w) from δ = 0, onto the ball and then
     * the box, stopped by the observer: against the same loop in plain doubles.
     */
    @Test
    void boxAndObserverFollowAPlainLoop() {
        double[] x = {0.5, -0.2, 0.1};
        double[] w = {1.0, -2.0, 0.5};
        double[] lower = {-1, -1, -1};
        double[] upper = {0.6, 1, 1};
        double eps = 0.3;
        double eta = 0.07;
        double stopAbove = -0.2;
        int[] stoppedAt = {-1};
        double[] actual;
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray center = m.create(x, new Shape(1, 3));
            NDArray weights = m.create(w, new Shape(1, 3));
            ProjectedAscent ascent = ProjectedAscent.builder().optNorm(ProjectedAscent.Norm.L2).optEpsilon(eps)
                    .optSteps(10).optStepSize(eta).optRandomStart(false).optNormFloor(0).optBox(lower, upper).build();
            actual = ascent.ascend(center, m, p -> p.mul(weights).sum(), (step, point, value, gradient) -> {
                stoppedAt[0] = step;
                return value.getDouble() >= stopAbove;
            }).toDoubleArray();
        }

        double[] d = new double[3];
        double wn = Math.sqrt(w[0] * w[0] + w[1] * w[1] + w[2] * w[2]);
        int step = 0;
        while (true) {
            double value = 0;
            for (int i = 0; i < 3; i++) {
                value += w[i] * (x[i] + d[i]);
            }
            if (value >= stopAbove || step == 10) {
                break;
            }
            double n = 0;
            for (int i = 0; i < 3; i++) {
                d[i] += eta * w[i] / wn;
                n += d[i] * d[i];
            }
            n = Math.sqrt(n);
            for (int i = 0; i < 3; i++) {
                d[i] = n > eps ? d[i] * eps / n : d[i];
                d[i] = Math.min(upper[i], Math.max(lower[i], x[i] + d[i])) - x[i];
            }
            step++;
        }
        assertEquals(step, stoppedAt[0]);
        for (int i = 0; i < 3; i++) {
            assertEquals(d[i], actual[i], 1e-12, "δ[" + i + "]");
        }
    }

    /** Each step's arrays are freed in the loop: the owner holds as many arrays after 2 steps as after 40. */
    @Test
    void arraysInTheOwnerDoNotGrowWithTheSteps() {
        try (NDManager base = NDManager.newBaseManager()) {
            NDArray weights = base.create(new float[] {1, -2, 3, 0.5f}, new Shape(1, 4));
            int[] counts = new int[2];
            int[] steps = {2, 40};
            for (int run = 0; run < 2; run++) {
                try (NDManager owner = base.newSubManager()) {
                    NDArray center = owner.create(new float[] {0.1f, 0.2f, -0.3f, 0.4f, 0.5f, -0.6f, 0.7f, 0.8f},
                            new Shape(2, 4));
                    ProjectedAscent.builder().optSteps(steps[run]).build()
                            .ascend(center, owner, p -> p.mul(weights).sum().square());
                    counts[run] = owner.getManagedArrays().size();
                }
            }
            assertEquals(counts[0], counts[1], "arrays left in the owner after 2 and 40 steps");
        }
    }

    @Test
    void refusesARandomStartInAnUnboundedBall() {
        ProjectedAscent.Builder builder = ProjectedAscent.builder().optNorm(ProjectedAscent.Norm.L2)
                .optEpsilon(Double.POSITIVE_INFINITY);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, builder::build);
        assertEquals("a random start needs a finite epsilon", e.getMessage());
    }
}
