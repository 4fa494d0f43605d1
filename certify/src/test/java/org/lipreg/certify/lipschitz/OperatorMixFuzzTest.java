package org.lipreg.certify.lipschitz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import org.lipreg.certify.RandomNetworks;
import org.lipreg.certify.ReferenceNetwork;
import org.lipreg.certify.ir.Network;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The soundness fuzz at scale: tiny random networks mixing every operator ({@link
 * RandomNetworks#tiny}), many boxes each, every method. Each box's attained lower bound comes
 * from a search (sampling and ascent) on the plain float64 reference of the network ({@link
 * ReferenceNetwork}, independent of the engine), and for some boxes from the region walk; every
 * method's bound must be at least it, exactly (bounds are rounded outward, {@link
 * org.lipreg.certify.graph.RoundingMargin}), branch-and-bound must not exceed CROWN, and every
 * robustness radius must be strict: the margin stays positive at the radius's worst corner. The
 * batch of boxes goes through the engine in one pass per method ({@link
 * LipschitzCertifier#boundEach}). A failure names the network's seed and the box; {@link
 * #replay} runs one network again.
 */
class OperatorMixFuzzTest {

    /** Networks and boxes per network; a longer hunt sets them (and the first seed) by system property. */
    private static final int NETWORKS = Integer.getInteger("fuzz.networks", 48);
    private static final int BOXES = Integer.getInteger("fuzz.boxes", 220);
    private static final long FIRST_SEED = Long.getLong("fuzz.seed", 1000);
    /** Boxes per network that branch-and-bound and the region walk also run on (one engine call per box each). */
    private static final int SLOW_BOXES = 1;
    private static final double[] RADII = {0, 1e-3, 0.02, 0.1, 0.3, 1};

    @Test
    void everyMethodIsAboveTheAttainedGradientNorm() {
        Map<Method, Integer> pairs = new EnumMap<>(Method.class);
        long begin = System.nanoTime();
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        long cpu = threads.getCurrentThreadCpuTime();
        int[] radii = new int[1];
        for (int k = 0; k < NETWORKS; k++) {
            fuzz(FIRST_SEED + k, pairs, radii);
        }
        int total = pairs.values().stream().mapToInt(Integer::intValue).max().orElse(0);
        System.out.printf("operator-mix fuzz: %d networks, %d (network, box) pairs, per method %s; %d positive radii"
                + " checked strict; %.1f s wall, %.1f s CPU of this thread%n", NETWORKS, total, pairs, radii[0],
                (System.nanoTime() - begin) / 1e9,
                (threads.getCurrentThreadCpuTime() - cpu) / 1e9);
        assertEquals(NETWORKS * BOXES, total);
        boolean hunt = System.getProperty("fuzz.networks") != null || System.getProperty("fuzz.boxes") != null;
        assertTrue(hunt || total >= 10_000, "pairs " + total);
    }

    /** Runs one network's boxes; a failure message starts with the seed that rebuilds them. */
    static void replay(long seed) {
        fuzz(seed, new EnumMap<>(Method.class), new int[1]);
    }

    private static void fuzz(long seed, Map<Method, Integer> pairs, int[] radii) {
        Random random = new Random(seed);
        Network network = RandomNetworks.tiny(random);
        ReferenceNetwork reference = new ReferenceNetwork(network);
        int n = network.inputSize();
        int outputs = reference.outputSize();
        boolean margins = random.nextBoolean();
        double[] x0First = uniform(random, n);
        int label = argmax(reference.forward(x0First));
        double[][] specs = margins ? LipschitzCertifier.marginSpecs(outputs, label) : LipschitzCertifier.outputSpecs(outputs);
        List<InputBox> boxes = new ArrayList<>();
        for (int b = 0; b < BOXES; b++) {
            // Every tenth box is centred at 0: on the kinks of a network without biases.
            double[] x0 = b == 0 ? x0First : b % 10 == 1 ? new double[n] : uniform(random, n);
            double eps = RADII[random.nextInt(RADII.length)];
            boxes.add(random.nextBoolean() ? InputBox.around(x0, eps, 0, 1) : InputBox.around(x0, eps, -1, 2));
        }
        String network0 = "seed " + seed + " (OperatorMixFuzzTest.replay), network " + network.layers();
        try (LipschitzCertifier certifier = LipschitzCertifier.of(network)) {
            engineMatchesReference(certifier, reference, boxes, specs, network0);
            LowerBoundSearch search = new LowerBoundSearch(16, 1, 10, seed);
            double[][] lower = new double[BOXES][];
            for (int b = 0; b < BOXES; b++) {
                LowerBound found = search.search(reference, boxes.get(b), specs);
                lower[b] = found.perSpec().clone();
                if (b < SLOW_BOXES) {
                    LowerBound walked = new RegionWalk(certifier.graph(), 20, 4).walk(boxes.get(b), specs, found.points());
                    for (int s = 0; s < specs.length; s++) {
                        lower[b][s] = Math.max(lower[b][s], walked.perSpec()[s]);
                        for (int i = 0; i < n; i++) { // an attained value: at a point of the box
                            double v = walked.points()[s][i];
                            assertTrue(v >= boxes.get(b).lower()[i] && v <= boxes.get(b).upper()[i],
                                    network0 + ": the walk's point leaves the box at " + i);
                        }
                    }
                }
            }
            Map<Method, double[][]> upper = new EnumMap<>(Method.class);
            for (Method method : new Method[] {Method.NAIVE, Method.IBP, Method.RECURJAC, Method.CROWN, Method.ALPHA_CROWN}) {
                upper.put(method, certifier.boundEach(boxes, specs, method));
                pairs.merge(method, BOXES, Integer::sum);
            }
            double[][] bab = new double[SLOW_BOXES][];
            double[][] crownAlone = new double[SLOW_BOXES][];
            BabSettings settings = new BabSettings(30, 24, 8);
            for (int b = 0; b < SLOW_BOXES; b++) {
                // A batch of one box is the box alone (but for the order of sums); in a larger
                // batch a box may get tighter bounds (an entry is tightened by CROWN when any box
                // needs it), so there the bound alone is checked for soundness too.
                for (Method method : new Method[] {Method.IBP, Method.RECURJAC, Method.CROWN}) {
                    double[] alone = certifier.bound(boxes.get(b), specs, method).perSpec();
                    if (method == Method.CROWN) {
                        crownAlone[b] = alone;
                    }
                    double[] single = certifier.boundEach(List.of(boxes.get(b)), specs, method)[0];
                    for (int s = 0; s < specs.length; s++) {
                        if (!(Math.abs(single[s] - alone[s]) <= 1e-12 * Math.abs(alone[s]))) {
                            fail(network0 + ", box " + b + " " + method + " spec " + s + ": batch of one " + single[s]
                                    + ", alone " + alone[s]);
                        }
                        if (!(alone[s] >= lower[b][s])) {
                            fail(network0 + ", box " + b + " " + method + " alone, spec " + s + ": upper " + alone[s]
                                    + " < attained " + lower[b][s]);
                        }
                    }
                }
                bab[b] = certifier.bound(boxes.get(b), specs, Method.BAB, settings, lower[b]).perSpec();
                pairs.merge(Method.BAB, 1, Integer::sum);
            }
            upper.put(Method.BAB, bab);
            List<double[]> centers = new ArrayList<>();
            for (InputBox box : boxes) {
                centers.add(box.center());
            }
            double[][] marginLower = margins ? certifier.marginLowerBounds(centers, label) : null;
            for (Map.Entry<Method, double[][]> e : upper.entrySet()) {
                for (int b = 0; b < e.getValue().length; b++) {
                    String where = network0 + ", box " + b + " " + describe(boxes.get(b)) + ", " + e.getKey();
                    for (int s = 0; s < specs.length; s++) {
                        double u = e.getValue()[b][s];
                        if (!(u >= lower[b][s])) {
                            fail(where + " spec " + s + ": upper " + u + " < attained " + lower[b][s]);
                        }
                        // Branch-and-bound starts from CROWN on the box alone.
                        if (e.getKey() == Method.BAB && u > crownAlone[b][s]) {
                            fail(where + " spec " + s + ": bab " + u + " > crown " + crownAlone[b][s]);
                        }
                    }
                    if (margins && radiusIsStrict(marginLower[b], reference, boxes.get(b), label, e.getValue()[b], where)) {
                        radii[0]++;
                    }
                }
            }
        }
    }

    /**
     * The radius r that the margins and constants certify: at x0 − r·sign(∇m_j) (clipped to the
     * box), the corner where the margin's linear part drops fastest, and at random corners of the
     * r-ball, every margin stays positive. Returns whether r was positive (a radius to check).
     */
    private static boolean radiusIsStrict(double[] marginLower, ReferenceNetwork reference, InputBox box,
            int label, double[] constants, String where) {
        double[] x0 = box.center();
        double[] y0 = reference.forward(x0);
        double[] m = marginLower;
        for (int j = 0, row = 0; j < y0.length; j++) {
            if (j != label) { // lower bounds of the margins the reference computes, and close to them
                // (group norm's interval bounds are up to a few 1e-6 wide even on a single point)
                double plain = y0[label] - y0[j];
                if (!(m[row] <= plain) || m[row] < plain - 1e-5 * (Math.abs(y0[label]) + Math.abs(y0[j]) + 1)) {
                    fail(where + ": margin lower bound " + m[row] + " against the reference's " + plain);
                }
                row++;
            }
        }
        double eps = 0;
        for (int i = 0; i < x0.length; i++) {
            eps = Math.max(eps, Math.max(x0[i] - box.lower()[i], box.upper()[i] - x0[i]));
        }
        double r = RobustnessRadius.of(m, constants, eps);
        if (r == 0) {
            return false;
        }
        double[][] specs = LipschitzCertifier.marginSpecs(y0.length, label);
        List<double[]> corners = new ArrayList<>();
        for (double[] spec : specs) {
            double[] g = reference.gradient(x0, spec);
            double[] x = x0.clone();
            for (int i = 0; i < x.length; i++) {
                x[i] = clip(x0[i] - r * Math.signum(g[i]), box, i);
            }
            corners.add(x);
        }
        Random random = new Random(7);
        for (int c = 0; c < 8; c++) {
            double[] x = x0.clone();
            for (int i = 0; i < x.length; i++) {
                x[i] = clip(x0[i] + (random.nextBoolean() ? r : -r), box, i);
            }
            corners.add(x);
        }
        for (double[] x : corners) {
            double[] y = reference.forward(x);
            for (int j = 0; j < y.length; j++) {
                if (j != label && !(y[label] - y[j] > 0)) {
                    fail(where + ": radius " + r + " is not strict, margin " + (y[label] - y[j]) + " at "
                            + Arrays.toString(x));
                }
            }
        }
        return true;
    }

    /**
     * The engine's values and gradients equal the reference's at a few points of the boxes (to
     * 1e-9 of their size): both compute the same network.
     */
    private static void engineMatchesReference(LipschitzCertifier certifier, ReferenceNetwork reference,
            List<InputBox> boxes, double[][] specs, String where) {
        GraphOracle engine = new GraphOracle(certifier.graph());
        double[][] x = new double[specs.length * 3][];
        double[][] c = new double[x.length][];
        for (int p = 0; p < x.length; p++) {
            x[p] = boxes.get((2 + p) % boxes.size()).center(); // not box 1's: on the kinks, where choices differ
            c[p] = specs[p % specs.length];
        }
        double[][] got = engine.gradients(x, c);
        double[][] want = reference.gradients(x, c);
        double[][] values = engine.outputs(x);
        for (int p = 0; p < x.length; p++) {
            close(values[p], reference.forward(x[p]), where + ": value at " + Arrays.toString(x[p]));
            close(got[p], want[p], where + ": gradient of spec " + Arrays.toString(c[p]) + " at " + Arrays.toString(x[p]));
        }
    }

    private static void close(double[] got, double[] want, String where) {
        for (int i = 0; i < want.length; i++) {
            if (!(Math.abs(got[i] - want[i]) <= 1e-9 * (1 + Math.abs(want[i])))) {
                fail(where + ": engine " + Arrays.toString(got) + ", reference " + Arrays.toString(want));
            }
        }
    }

    private static double clip(double v, InputBox box, int i) {
        return Math.max(box.lower()[i], Math.min(box.upper()[i], v));
    }

    private static String describe(InputBox box) {
        return "[" + Arrays.toString(box.lower()) + ", " + Arrays.toString(box.upper()) + "] around "
                + Arrays.toString(box.center());
    }

    private static double[] uniform(Random random, int n) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = random.nextDouble();
        }
        return x;
    }

    private static int argmax(double[] y) {
        int best = 0;
        for (int i = 1; i < y.length; i++) {
            if (y[i] > y[best]) {
                best = i;
            }
        }
        return best;
    }
}
