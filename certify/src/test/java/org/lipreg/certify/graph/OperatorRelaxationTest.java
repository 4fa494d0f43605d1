package org.lipreg.certify.graph;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Every operator's bounds, alone, against brute force in float64: over random boxes, at sampled
 * points (corners first) its value lies in its interval, its CROWN step bounds {@code λ·y} (with
 * the default and with random α-CROWN slopes), its Jacobian edge's interval contains the
 * gradient it sends back for every output gradient in a box, and the edge's linear step bounds
 * {@code λ·∂x} by {@code λ'·∂y + constant}.
 */
class OperatorRelaxationTest {

    private static final int POINTS = 160;
    private static final int ROWS = 4;
    private static final double TOLERANCE = 1e-9;

    @Test
    void everyOperatorsBoundsHoldAtSampledPoints() {
        Random random = new Random(17);
        try (NDManager manager = NDManager.newBaseManager()) {
            for (int trial = 0; trial < 12; trial++) {
                for (Case c : cases(manager, random)) {
                    check(manager, random, c, trial);
                }
            }
        }
    }

    /** A node and the sizes of its inputs. */
    private record Case(String name, Node node, int[] inputSizes) {}

    private static List<Case> cases(NDManager m, Random random) {
        List<Case> cases = new ArrayList<>();
        cases.add(new Case("dense", new Affine(0, new DenseMap(gaussian(m, random, new Shape(5, 7))), gaussian(m, random, new Shape(5))),
                new int[] {7}));
        int[] in = {2, 5, 5};
        int[] out = {3, 3, 3};
        ConvMap conv = new ConvMap(gaussian(m, random, new Shape(3, 2, 3, 3)), in, out, new int[] {2, 2}, new int[] {1, 1},
                new int[] {1, 1}, 1);
        cases.add(new Case("conv", new Affine(0, conv, gaussian(m, random, new Shape(27))), new int[] {50}));
        cases.add(new Case("channel scale", new Affine(0, new ChannelScaleMap(gaussian(m, random, new Shape(3)), 4),
                gaussian(m, random, new Shape(12))), new int[] {12}));
        cases.add(new Case("relu", new Activation(0, 0, 9), new int[] {9}));
        cases.add(new Case("leaky relu", new Activation(0, 0.2, 9), new int[] {9}));
        cases.add(new Case("sum", new Sum(0, 1, 6), new int[] {6, 6}));
        cases.add(new Case("group norm", new Normalization(0, new GroupNormalization(2, 1e-3, gaussian(m, random, new Shape(4)),
                gaussian(m, random, new Shape(4)), 3)), new int[] {12}));
        return cases;
    }

    private static void check(NDManager m, Random random, Case c, int trial) {
        Node node = c.node();
        int k = c.inputSizes().length;
        double radius = new double[] {0.05, 0.5, 2}[trial % 3];
        double[][] lo = new double[k][];
        double[][] hi = new double[k][];
        Interval[] boxes = new Interval[k];
        for (int j = 0; j < k; j++) {
            int n = c.inputSizes()[j];
            lo[j] = new double[n];
            hi[j] = new double[n];
            for (int i = 0; i < n; i++) {
                double centre = random.nextGaussian();
                lo[j][i] = centre - radius * random.nextDouble();
                hi[j][i] = centre + radius * random.nextDouble();
            }
            NDArray l = m.create(lo[j], new Shape(1, n));
            NDArray h = m.create(hi[j], new Shape(1, n));
            boxes[j] = new Interval(l, h, l.abs().maximum(h.abs()));
        }
        RoundingMargin margin = RoundingMargin.of(new Graph(m.newSubManager(), List.of(new Input(1))));
        Interval bounds = node.interval(boxes, margin);
        ForwardRelaxation relaxation = node.relax(boxes);
        // Points: the inputs' corners first, then uniform.
        NDArray[] xs = new NDArray[k];
        double[][] x = new double[k][];
        for (int j = 0; j < k; j++) {
            int n = c.inputSizes()[j];
            x[j] = new double[POINTS * n];
            for (int p = 0; p < POINTS; p++) {
                for (int i = 0; i < n; i++) {
                    double u = p < POINTS / 3 ? (random.nextBoolean() ? 0 : 1) : random.nextDouble();
                    x[j][p * n + i] = lo[j][i] + u * (hi[j][i] - lo[j][i]);
                }
            }
            xs[j] = m.create(x[j], new Shape(POINTS, n));
        }
        int size = node.size();
        double[] y = node.forward(xs).toDoubleArray();
        double[] yl = bounds.lower().toDoubleArray();
        double[] yh = bounds.upper().toDoubleArray();
        String where = c.name() + " trial " + trial;
        for (int p = 0; p < POINTS; p++) {
            for (int i = 0; i < size; i++) {
                double v = y[p * size + i];
                assertTrue(v >= yl[i] - TOLERANCE && v <= yh[i] + TOLERANCE, where + ": value " + v + " outside ["
                        + yl[i] + ", " + yh[i] + "]");
            }
        }
        // CROWN's step, with the default slopes and with random ones in the free range.
        double[] lambda = gaussians(random, ROWS * size);
        NDArray lambdaArray = m.create(lambda, new Shape(1, ROWS, size));
        List<Step> steps = new ArrayList<>();
        steps.add(relaxation.backward(lambdaArray, null));
        FreeSlopes free = relaxation.freeSlopes(ROWS);
        if (free != null) {
            NDArray alpha = m.randomUniform((float) free.floor(), 1f, free.value().getShape())
                    .toType(free.value().getDataType(), false);
            steps.add(relaxation.backward(lambdaArray, free.with(alpha)));
        }
        for (Step step : steps) {
            double[] constant = step.constant() == null ? new double[ROWS] : step.constant().toDoubleArray();
            double[][] coefficients = new double[k][];
            for (int j = 0; j < k; j++) {
                coefficients[j] = step.coefficients()[j].toDoubleArray();
            }
            for (int p = 0; p < POINTS; p++) {
                for (int r = 0; r < ROWS; r++) {
                    double exact = 0;
                    for (int i = 0; i < size; i++) {
                        exact += lambda[r * size + i] * y[p * size + i];
                    }
                    double linear = constant[r];
                    for (int j = 0; j < k; j++) {
                        int n = c.inputSizes()[j];
                        for (int i = 0; i < n; i++) {
                            linear += coefficients[j][r * n + i] * x[j][p * n + i];
                        }
                    }
                    assertTrue(exact <= linear + TOLERANCE * (1 + Math.abs(linear)), where + ": CROWN row " + r + " "
                            + exact + " > " + linear);
                }
            }
        }
        // The Jacobian edge: output gradients in a box, the gradient sent back at each point.
        GradientEdge edge = relaxation.gradientEdge(1, margin);
        double[] gl = gaussians(random, size);
        double[] gh = new double[size];
        for (int i = 0; i < size; i++) {
            gh[i] = gl[i] + random.nextDouble();
        }
        NDArray gLo = m.create(gl, new Shape(1, size));
        NDArray gHi = m.create(gh, new Shape(1, size));
        Interval output = new Interval(gLo, gHi, gLo.abs().maximum(gHi.abs()));
        Interval sent = edge.backward(output);
        if (edge.relaxesOutputGradient()) {
            edge.outputBounds(output, true);
        }
        int n0 = c.inputSizes()[0];
        double[] lambdaIn = gaussians(random, ROWS * n0);
        Step across = edge.forward(m.create(lambdaIn, new Shape(1, ROWS, n0)), false);
        double[] sentLo = sent.lower().toDoubleArray();
        double[] sentHi = sent.upper().toDoubleArray();
        double[] acrossConstant = across.constant() == null ? new double[ROWS] : across.constant().toDoubleArray();
        double[] acrossCoefficients = across.coefficients()[0] == null ? null : across.coefficients()[0].toDoubleArray();
        double[] g = new double[POINTS * size];
        for (int p = 0; p < POINTS; p++) {
            for (int i = 0; i < size; i++) {
                double u = p < POINTS / 3 ? (random.nextBoolean() ? 0 : 1) : random.nextDouble();
                g[p * size + i] = gl[i] + u * (gh[i] - gl[i]);
            }
        }
        double[] back = node.backward(xs, m.create(g, new Shape(POINTS, size)))[0].toDoubleArray();
        for (int p = 0; p < POINTS; p++) {
            for (int i = 0; i < n0; i++) {
                double v = back[p * n0 + i];
                assertTrue(v >= sentLo[i] - TOLERANCE && v <= sentHi[i] + TOLERANCE, where + ": gradient sent " + v
                        + " outside [" + sentLo[i] + ", " + sentHi[i] + "]");
            }
            for (int r = 0; r < ROWS; r++) {
                double exact = 0;
                for (int i = 0; i < n0; i++) {
                    exact += lambdaIn[r * n0 + i] * back[p * n0 + i];
                }
                double linear = acrossConstant[r];
                if (acrossCoefficients != null) {
                    for (int i = 0; i < size; i++) {
                        linear += acrossCoefficients[r * size + i] * g[p * size + i];
                    }
                }
                assertTrue(exact <= linear + TOLERANCE * (1 + Math.abs(linear)), where + ": edge row " + r + " "
                        + exact + " > " + linear);
            }
        }
    }

    private static NDArray gaussian(NDManager m, Random random, Shape shape) {
        return m.create(gaussians(random, (int) shape.size()), shape);
    }

    private static double[] gaussians(Random random, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = random.nextGaussian();
        }
        return v;
    }
}
