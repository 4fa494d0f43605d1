package org.lipreg.certify.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;

import org.junit.jupiter.api.Test;
import org.lipreg.certify.ir.Layer;
import org.lipreg.certify.ir.Network;
import org.lipreg.certify.lipschitz.DerivativeBounds;
import org.lipreg.certify.lipschitz.InputBox;
import org.lipreg.certify.lipschitz.LipschitzCertifier;
import org.lipreg.normalization.groupnorm.GroupNorm;

import java.util.List;
import java.util.Random;

/**
 * Group normalization's value, Jacobian, interval bounds, linear relaxation and interval backward
 * step, each against an independent float64 computation: plain loops, central differences, and
 * points sampled in the box (its corners included) that every bound must contain.
 */
class GroupNormalizationTest {

    /** {channels, positions, groups}: groups of 6, of 2 (instance norm), and one group. */
    private static final int[][] SHAPES = {{4, 3, 2}, {3, 2, 3}, {2, 4, 1}};
    private static final double EPSILON = 1e-3;

    @Test
    void valueMatchesPlainLoopsAndTheTrainingBlock() {
        Random random = new Random(1);
        try (NDManager manager = NDManager.newBaseManager()) {
            for (int[] s : SHAPES) {
                Fixture f = new Fixture(manager, random, s);
                double[] x = gaussians(random, 5 * f.size);
                double[] y = f.op.forward(manager.create(x, new Shape(5, f.size))).toDoubleArray();
                for (int row = 0; row < 5; row++) {
                    double[] expected = f.plainForward(java.util.Arrays.copyOfRange(x, row * f.size, (row + 1) * f.size));
                    for (int i = 0; i < f.size; i++) {
                        assertEquals(expected[i], y[row * f.size + i], 1e-12, "row " + row + " value " + i);
                    }
                }
                // The DJL block the models train with (float32) computes the same function.
                GroupNorm block = GroupNorm.builder().optGroups(s[2]).optEpsilon((float) EPSILON).build();
                Shape image = new Shape(5, s[0], s[1], 1);
                block.initialize(manager, DataType.FLOAT32, image);
                block.getParameters().get("gamma").getArray().set(manager.create(f.gamma).toType(DataType.FLOAT32, false).toFloatArray());
                block.getParameters().get("beta").getArray().set(manager.create(f.beta).toType(DataType.FLOAT32, false).toFloatArray());
                NDArray input = manager.create(x, image).toType(DataType.FLOAT32, false);
                double[] djl = block.forward(new ParameterStore(manager, false), new NDList(input), false)
                        .singletonOrThrow().toType(DataType.FLOAT64, false).toDoubleArray();
                for (int i = 0; i < djl.length; i++) {
                    assertEquals(y[i], djl[i], 1e-4 * (1 + Math.abs(y[i])), "DJL value " + i);
                }
            }
        }
    }

    @Test
    void jacobianProductsMatchCentralDifferences() {
        Random random = new Random(2);
        try (NDManager manager = NDManager.newBaseManager()) {
            for (int[] s : SHAPES) {
                Fixture f = new Fixture(manager, random, s);
                double[] x = gaussians(random, f.size);
                double[] g = gaussians(random, f.size);
                double[] t = gaussians(random, f.size);
                double[] vjp = f.op.backward(manager.create(x, new Shape(1, f.size)), manager.create(g, new Shape(1, f.size)))
                        .toDoubleArray();
                double[] jvp = f.op.jvp(manager.create(x, new Shape(1, f.size)), manager.create(t, new Shape(1, f.size)))
                        .toDoubleArray();
                double h = 1e-6;
                double[] directional = new double[f.size];
                double[] plus = f.plainForward(axpy(x, t, h));
                double[] minus = f.plainForward(axpy(x, t, -h));
                for (int i = 0; i < f.size; i++) {
                    directional[i] = (plus[i] - minus[i]) / (2 * h);
                    assertEquals(directional[i], jvp[i], 1e-6, "J·t entry " + i);
                }
                for (int k = 0; k < f.size; k++) {
                    double[] e = new double[f.size];
                    e[k] = 1;
                    double[] up = f.plainForward(axpy(x, e, h));
                    double[] down = f.plainForward(axpy(x, e, -h));
                    double d = 0;
                    for (int i = 0; i < f.size; i++) {
                        d += g[i] * (up[i] - down[i]) / (2 * h);
                    }
                    assertEquals(d, vjp[k], 1e-6, "gᵀJ entry " + k);
                }
            }
        }
    }

    @Test
    void boundsRelaxationAndBackwardStepHoldAtSampledPoints() {
        Random random = new Random(3);
        try (NDManager manager = NDManager.newBaseManager()) {
            for (int trial = 0; trial < 36; trial++) {
                int[] s = SHAPES[trial % SHAPES.length];
                Fixture f = new Fixture(manager, random, s);
                double radius = new double[] {0.01, 0.1, 0.5, 2}[trial % 4];
                double[] centre = gaussians(random, f.size);
                double[] lo = new double[f.size];
                double[] hi = new double[f.size];
                for (int i = 0; i < f.size; i++) {
                    lo[i] = centre[i] - radius * random.nextDouble();
                    hi[i] = centre[i] + radius * random.nextDouble();
                }
                GroupNormalization.Bounds b = f.op.bounds(manager.create(lo, new Shape(1, f.size)),
                        manager.create(hi, new Shape(1, f.size)));
                NDArray[] out = f.op.outputBounds(b);
                double[] yLo = out[0].toDoubleArray();
                double[] yHi = out[1].toDoubleArray();
                double[] rLo = b.rLo().toDoubleArray();
                double[] rHi = b.rHi().toDoubleArray();
                GroupNormalization.Relaxation relaxation = f.op.relax(b);
                int rows = 4;
                double[] lambda = gaussians(random, rows * f.size);
                NDArray[] step = f.op.backwardRelaxed(manager.create(lambda, new Shape(1, rows, f.size)), relaxation);
                double[] onInput = step[0].toDoubleArray();
                double[] constant = step[1].toDoubleArray();
                double[] gl = gaussians(random, f.size);
                double[] gh = new double[f.size];
                for (int i = 0; i < f.size; i++) {
                    gh[i] = gl[i] + random.nextDouble();
                }
                NDArray[] back = f.op.backwardInterval(b, manager.create(gl, new Shape(1, f.size)),
                        manager.create(gh, new Shape(1, f.size)));
                double[] backLo = back[0].toDoubleArray();
                double[] backHi = back[1].toDoubleArray();
                // The smallest variance of each group, by a fine plain search: r's upper bound must
                // cover it and be tight (within 1e-6).
                for (int g = 0; g < s[2]; g++) {
                    double smallest = f.smallestVariance(lo, hi, g);
                    double rExact = 1 / Math.sqrt(smallest + EPSILON);
                    assertTrue(rHi[g] >= rExact * (1 - 1e-12), "trial " + trial + " r upper " + rHi[g] + " < " + rExact);
                    assertTrue(rHi[g] <= rExact * (1 + 1e-6), "trial " + trial + " r upper loose: " + rHi[g] + " vs " + rExact);
                }
                for (int p = 0; p < 120; p++) {
                    double[] x = new double[f.size];
                    for (int i = 0; i < f.size; i++) {
                        double u = p < 40 ? (random.nextBoolean() ? 0 : 1) : random.nextDouble(); // corners first
                        x[i] = lo[i] + u * (hi[i] - lo[i]);
                    }
                    double[] y = f.plainForward(x);
                    double[] stats = f.plainStatistics(x);
                    for (int i = 0; i < f.size; i++) {
                        assertTrue(y[i] >= yLo[i] - 1e-9 && y[i] <= yHi[i] + 1e-9,
                                "trial " + trial + " y[" + i + "] = " + y[i] + " outside [" + yLo[i] + ", " + yHi[i] + "]");
                    }
                    for (int g = 0; g < s[2]; g++) {
                        assertTrue(stats[g] >= rLo[g] * (1 - 1e-12) && stats[g] <= rHi[g] * (1 + 1e-12),
                                "trial " + trial + " r outside its bounds");
                    }
                    for (int r = 0; r < rows; r++) {
                        double exact = 0;
                        double linear = constant[r];
                        for (int i = 0; i < f.size; i++) {
                            exact += lambda[r * f.size + i] * y[i];
                            linear += onInput[r * f.size + i] * x[i];
                        }
                        assertTrue(exact <= linear + 1e-9 * (1 + Math.abs(linear)),
                                "trial " + trial + " relaxation row " + r + ": " + exact + " > " + linear);
                    }
                    double[] g = new double[f.size];
                    for (int i = 0; i < f.size; i++) {
                        g[i] = gl[i] + random.nextDouble() * (gh[i] - gl[i]);
                    }
                    double[] dx = f.op.backward(manager.create(x, new Shape(1, f.size)), manager.create(g, new Shape(1, f.size)))
                            .toDoubleArray();
                    for (int i = 0; i < f.size; i++) {
                        assertTrue(dx[i] >= backLo[i] - 1e-9 && dx[i] <= backHi[i] + 1e-9,
                                "trial " + trial + " backward " + i + " = " + dx[i] + " outside [" + backLo[i] + ", " + backHi[i] + "]");
                    }
                }
            }
        }
    }

    /**
     * Batch-channel norm at inference (batch norm folded into a channel affine map, then group
     * norm) and group norm alone, in a network: the certifier's bounds on every input derivative
     * of every output over a box contain the Jacobian that central differences of the plain-loop
     * function give at points of the box (corners first).
     */
    @Test
    void networkJacobianBoundsContainFiniteDifferences() {
        Random random = new Random(4);
        for (int trial = 0; trial < 12; trial++) {
            int[] s = SHAPES[trial % SHAPES.length];
            boolean batchChannel = trial % 2 == 0;
            Layer.ChannelAffine bn = org.lipreg.certify.RandomNetworks.channelAffine(random, s[0]);
            Layer.GroupNorm gn = org.lipreg.certify.RandomNetworks.groupNorm(random, s[0], s[2]);
            List<Layer> layers = batchChannel ? List.of(bn, gn) : List.of(gn);
            Network network = new Network(new int[] {s[0], s[1], 1}, layers);
            int size = s[0] * s[1];
            double radius = new double[] {0.01, 0.1, 0.5}[trial % 3];
            double[] x0 = new double[size];
            for (int i = 0; i < size; i++) {
                x0[i] = random.nextDouble();
            }
            InputBox box = InputBox.around(x0, radius, -1, 2);
            DerivativeBounds bounds;
            try (LipschitzCertifier certifier = LipschitzCertifier.of(network)) {
                bounds = certifier.derivativeBounds(box, LipschitzCertifier.outputSpecs(size));
            }
            double h = 1e-6;
            for (int p = 0; p < 40; p++) {
                double[] x = new double[size];
                for (int i = 0; i < size; i++) {
                    double u = p < 10 ? (random.nextBoolean() ? 0 : 1) : random.nextDouble();
                    x[i] = box.lower()[i] + u * (box.upper()[i] - box.lower()[i]);
                }
                for (int k = 0; k < size; k++) {
                    double[] up = x.clone();
                    double[] down = x.clone();
                    up[k] += h;
                    down[k] -= h;
                    double[] yUp = plainForward(layers, s[1], up);
                    double[] yDown = plainForward(layers, s[1], down);
                    for (int j = 0; j < size; j++) {
                        double d = (yUp[j] - yDown[j]) / (2 * h);
                        assertTrue(d >= bounds.lower()[j][k] - 1e-5 && d <= bounds.upper()[j][k] + 1e-5,
                                "trial " + trial + (batchChannel ? " BCN" : " GN") + " ∂y" + j + "/∂x" + k + " = " + d
                                        + " outside [" + bounds.lower()[j][k] + ", " + bounds.upper()[j][k] + "]");
                    }
                }
            }
        }
    }

    /** The layers' function in plain loops: channel affine y = a_c x + b_c, group norm as in {@link Fixture}. */
    private static double[] plainForward(List<Layer> layers, int positions, double[] x) {
        double[] y = x.clone();
        for (Layer layer : layers) {
            if (layer instanceof Layer.ChannelAffine a) {
                for (int i = 0; i < y.length; i++) {
                    y[i] = a.scale().data()[i / positions] * y[i] + a.shift().data()[i / positions];
                }
            } else {
                Layer.GroupNorm g = (Layer.GroupNorm) layer;
                int n = y.length / g.groups();
                double[] out = new double[y.length];
                for (int group = 0; group < g.groups(); group++) {
                    double mean = 0;
                    for (int i = group * n; i < (group + 1) * n; i++) {
                        mean += y[i] / n;
                    }
                    double variance = 0;
                    for (int i = group * n; i < (group + 1) * n; i++) {
                        variance += (y[i] - mean) * (y[i] - mean) / n;
                    }
                    for (int i = group * n; i < (group + 1) * n; i++) {
                        out[i] = g.scale().data()[i / positions] * (y[i] - mean) / Math.sqrt(variance + g.epsilon())
                                + g.shift().data()[i / positions];
                    }
                }
                y = out;
            }
        }
        return y;
    }

    /** An operator with random γ, β and its plain-loop twin. */
    private static final class Fixture {
        final int channels;
        final int positions;
        final int groups;
        final int size;
        final double[] gamma;
        final double[] beta;
        final GroupNormalization op;

        Fixture(NDManager manager, Random random, int[] s) {
            channels = s[0];
            positions = s[1];
            groups = s[2];
            size = channels * positions;
            gamma = gaussians(random, channels);
            beta = gaussians(random, channels);
            op = new GroupNormalization(groups, EPSILON, manager.create(gamma), manager.create(beta), positions);
        }

        int n() {
            return size / groups;
        }

        double[] plainForward(double[] x) {
            double[] y = new double[size];
            for (int g = 0; g < groups; g++) {
                double mean = 0;
                for (int i = g * n(); i < (g + 1) * n(); i++) {
                    mean += x[i] / n();
                }
                double variance = 0;
                for (int i = g * n(); i < (g + 1) * n(); i++) {
                    variance += (x[i] - mean) * (x[i] - mean) / n();
                }
                for (int i = g * n(); i < (g + 1) * n(); i++) {
                    int c = i / positions;
                    y[i] = gamma[c] * (x[i] - mean) / Math.sqrt(variance + EPSILON) + beta[c];
                }
            }
            return y;
        }

        /** r per group. */
        double[] plainStatistics(double[] x) {
            double[] r = new double[groups];
            for (int g = 0; g < groups; g++) {
                double mean = 0;
                for (int i = g * n(); i < (g + 1) * n(); i++) {
                    mean += x[i] / n();
                }
                double variance = 0;
                for (int i = g * n(); i < (g + 1) * n(); i++) {
                    variance += (x[i] - mean) * (x[i] - mean) / n();
                }
                r[g] = 1 / Math.sqrt(variance + EPSILON);
            }
            return r;
        }

        /** min over the box of the group's variance: min over t of mean(dist(t, [l, u])²), by golden section. */
        double smallestVariance(double[] lo, double[] hi, int g) {
            double a = Double.POSITIVE_INFINITY;
            double b = Double.NEGATIVE_INFINITY;
            for (int i = g * n(); i < (g + 1) * n(); i++) {
                a = Math.min(a, lo[i]);
                b = Math.max(b, hi[i]);
            }
            double ratio = (Math.sqrt(5) - 1) / 2;
            for (int it = 0; it < 200; it++) {
                double m1 = b - ratio * (b - a);
                double m2 = a + ratio * (b - a);
                if (spread(lo, hi, g, m1) <= spread(lo, hi, g, m2)) {
                    b = m2;
                } else {
                    a = m1;
                }
            }
            return spread(lo, hi, g, (a + b) / 2);
        }

        private double spread(double[] lo, double[] hi, int g, double t) {
            double sum = 0;
            for (int i = g * n(); i < (g + 1) * n(); i++) {
                double d = Math.max(0, Math.max(t - hi[i], lo[i] - t));
                sum += d * d / n();
            }
            return sum;
        }
    }

    private static double[] axpy(double[] x, double[] d, double h) {
        double[] r = x.clone();
        for (int i = 0; i < r.length; i++) {
            r[i] += h * d[i];
        }
        return r;
    }

    private static double[] gaussians(Random random, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = random.nextGaussian();
        }
        return v;
    }
}
