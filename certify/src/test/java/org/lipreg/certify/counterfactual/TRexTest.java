package org.lipreg.certify.counterfactual;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The base counterfactual and T-Rex on a toy 2-d model whose boundary is the line x₁ = 0. */
class TRexTest {

    private NDManager manager;
    private ClassProbability m;

    @BeforeEach
    void setUp() {
        manager = NDManager.newBaseManager();
        // z1 − z0 = 10 x₁: class 1 above the line x₁ = 0.
        float[][] w = {{0, 0}, {0, 10}};
        m = new ClassProbability(Models.linear(manager, w, new float[] {0, 0}), new Shape(2), 2, 1, manager);
    }

    @AfterEach
    void tearDown() {
        manager.close();
    }

    private double[] base() {
        double[] base = MinimumCostCounterfactual.builder().build().find(m, new double[] {0.3, -1});
        assertNotNull(base);
        return base;
    }

    @Test
    void baseCounterfactualIsTheClosestTargetPoint() {
        double[] base = base();
        assertTrue(m.isTarget(base));
        assertEquals(0.3, base[0], 1e-3);
        assertEquals(0, base[1], 1e-4);
        assertEquals(0.5, m.at(base), 1e-3);
    }

    @Test
    void raisesStabilityToTauWithinTheBall() {
        double[] base = base();
        Stability stability = Stability.builder().optSeed(1).build();
        assertTrue(stability.estimate(m, base) < 0.5, "the base counterfactual is fragile");
        TRex.Result result = TRex.builder().setStability(stability).build().search(m, base);
        assertTrue(result.reached(), "R̂ = " + result.stability());
        assertTrue(stability.estimate(m, result.point()) >= 0.75 - 1e-5);
        assertTrue(m.isTarget(result.point()));
        assertTrue(Stability.distance(result.point(), base) <= 1 + 1e-9);
        assertTrue(result.steps() <= 20);
    }

    @Test
    void staysInTheBallAndTheRangeWhenTauIsOutOfReach() {
        double[] base = base();
        Stability stability = Stability.builder().optSamples(200).build();
        DataRange range = new DataRange(new double[] {-2, -2}, new double[] {2, 0.02});
        TRex.Result result = TRex.builder().setStability(stability).optEpsilon(0.05).optEta(0.02).optRange(range)
                .build().search(m, base);
        assertFalse(result.reached());
        assertEquals(20, result.steps());
        assertTrue(Stability.distance(result.point(), base) <= 0.05 + 1e-9);
        assertTrue(result.point()[1] <= 0.02);
        assertTrue(m.isTarget(result.point()));
    }

    /**
     * T-Rex against a plain double loop on the toy model: m(x) = sigmoid(10 x₁), so R̂ and its
     * gradient are written out by hand (with the stability's fixed noise), and the normalized
     * steps, ball and range projections are done in plain loops.
     */
    @Test
    void matchesAPlainFloat64Search() {
        double[] base = base();
        Stability stability = Stability.builder().optSamples(50).optSeed(3).build();
        DataRange range = new DataRange(new double[] {-2, -2}, new double[] {2, 0.1});
        double eps = 0.2;
        double eta = 0.03;
        int steps = 12;
        double tau = 0.7;
        TRex.Result actual = TRex.builder().setStability(stability).optTau(tau).optSteps(steps).optEta(eta)
                .optEpsilon(eps).optRange(range).build().search(m, base);

        double[][] noise = stability.noise(2);
        double[] x = base.clone();
        double[] kept = null;
        double keptValue = Double.NaN;
        int taken = 0;
        while (true) {
            double p0 = sigmoid(10 * x[1]);
            double value = 0;
            double[] g = new double[2];
            for (double[] e : noise) {
                double p = sigmoid(10 * (x[1] + stability.sigma() * e[1]));
                double sign = Math.signum(p - p0);
                value += (p - Math.abs(p - p0)) / noise.length;
                g[1] += (10 * p * (1 - p) - sign * 10 * (p * (1 - p) - p0 * (1 - p0))) / noise.length;
            }
            if (x[1] > 0 || kept == null) {
                kept = x.clone();
                keptValue = value;
            }
            double norm = Math.hypot(g[0], g[1]);
            if (value >= tau || taken == steps || !(norm > 0)) {
                break;
            }
            for (int i = 0; i < 2; i++) {
                x[i] += eta * g[i] / norm;
            }
            double distance = Stability.distance(x, base);
            if (distance > eps) {
                for (int i = 0; i < 2; i++) {
                    x[i] = base[i] + eps / distance * (x[i] - base[i]);
                }
            }
            range.clip(x);
            taken++;
        }
        assertEquals(taken, actual.steps());
        assertEquals(keptValue >= tau, actual.reached());
        assertEquals(keptValue, actual.stability(), 1e-5);
        assertEquals(kept[0], actual.point()[0], 1e-5);
        assertEquals(kept[1], actual.point()[1], 1e-5);
    }

    private static double sigmoid(double z) {
        return 1 / (1 + Math.exp(-z));
    }
}
