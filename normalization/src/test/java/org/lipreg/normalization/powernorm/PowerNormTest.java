package org.lipreg.normalization.powernorm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.lipreg.normalization.Reference.assertClose;

import ai.djl.MalformedModelException;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;

import org.junit.jupiter.api.Test;
import org.lipreg.normalization.Reference;
import org.lipreg.normalization.hook.StepContext;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Random;

/**
 * PowerNorm against an independent double-precision model of DESIGN §2.4 (and of the authors'
 * {@code mask_powernorm.py}), written out loop by loop below.
 */
class PowerNormTest {

    private static final int B = 3;
    private static final int T = 4;
    private static final int C = 6;
    private static final int G = 2;
    private static final int N = B * T;
    private static final Shape IN = new Shape(B, T, C);
    private static final double EPS = 1e-5f;
    private static final double ALPHA_F = 0.8f;
    private static final double ALPHA_B = 0.7f;

    // ---- the reference model, plain Java doubles -------------------------------------------

    /** Group scaling of each token's channels; padded tokens (valid false) are zero. */
    static double[] groupScale(double[] x, boolean[] valid, int groups) {
        int n = x.length / C;
        int size = C / groups;
        double[] y = new double[x.length];
        for (int i = 0; i < n; i++) {
            if (valid != null && !valid[i]) {
                continue;
            }
            for (int g = 0; g < groups; g++) {
                double ms = 0;
                for (int j = 0; j < size; j++) {
                    double v = x[i * C + g * size + j];
                    ms += v * v / size;
                }
                double r = Math.sqrt(ms + EPS);
                for (int j = 0; j < size; j++) {
                    y[i * C + g * size + j] = x[i * C + g * size + j] / r;
                }
            }
        }
        return y;
    }

    /** Backward of group scaling: u ↦ u/r, r = √(mean u² + ε); ∂L/∂u_j = G_j/r − u_j Σ G_i u_i/(m r³). */
    static double[] groupScaleBackward(double[] x, boolean[] valid, double[] gradOut, int groups) {
        int n = x.length / C;
        int size = C / groups;
        double[] dx = new double[x.length];
        for (int i = 0; i < n; i++) {
            if (valid != null && !valid[i]) {
                continue;
            }
            for (int g = 0; g < groups; g++) {
                int o = i * C + g * size;
                double ms = 0;
                double dot = 0;
                for (int j = 0; j < size; j++) {
                    ms += x[o + j] * x[o + j] / size;
                    dot += gradOut[o + j] * x[o + j];
                }
                double r = Math.sqrt(ms + EPS);
                for (int j = 0; j < size; j++) {
                    dx[o + j] = gradOut[o + j] / r - x[o + j] * dot / (size * r * r * r);
                }
            }
        }
        return dx;
    }

    /** ψ, ν, k and one training step of PowerNorm with L = Σ w ⊙ y, all in double. */
    static final class Model {
        final long warmup;
        final boolean runningBackward;
        final double[] gamma;
        final double[] beta;
        final double[] psi = new double[C];
        final double[] nu = new double[C];
        long k;
        double[] y;
        double[] dx;
        double[] dGamma;

        Model(long warmup, boolean runningBackward, double[] gamma, double[] beta) {
            this.warmup = warmup;
            this.runningBackward = runningBackward;
            this.gamma = gamma;
            this.beta = beta;
            Arrays.fill(psi, 1);
        }

        void step(double[] x, boolean[] valid, double[] w) {
            int n = x.length / C;
            double[] xs = groupScale(x, valid, G);
            int count = 0;
            double[] var = new double[C];
            for (int i = 0; i < n; i++) {
                if (valid == null || valid[i]) {
                    count++;
                }
            }
            for (int i = 0; i < n; i++) {
                for (int c = 0; c < C; c++) {
                    var[c] += xs[i * C + c] * xs[i * C + c];
                }
            }
            k++;
            boolean warm = k <= warmup;
            double[] forwardRoot = new double[C];
            double[] backwardRoot = new double[C];
            for (int c = 0; c < C; c++) {
                var[c] /= count;
                double batch = Math.sqrt(var[c] + EPS);
                double running = Math.sqrt(psi[c] + EPS);
                forwardRoot[c] = warm ? batch : running;
                backwardRoot[c] = warm || !runningBackward ? batch : running;
            }
            double[] z = new double[x.length];
            y = new double[x.length];
            dGamma = new double[C];
            double[] dxs = new double[x.length];
            double[] nuNext = nu.clone();
            for (int i = 0; i < n; i++) {
                if (valid != null && !valid[i]) {
                    continue; // y = 0, no gradient
                }
                for (int c = 0; c < C; c++) {
                    int at = i * C + c;
                    z[at] = xs[at] / forwardRoot[c];
                    y[at] = gamma[c] * z[at] + beta[c];
                    dGamma[c] += w[at] * z[at];
                    double g = gamma[c] * w[at];
                    double ghat = g - (1 - ALPHA_B) * nu[c] * z[at];
                    dxs[at] = ghat / backwardRoot[c];
                    nuNext[c] += ghat * z[at] / count;
                }
            }
            System.arraycopy(nuNext, 0, nu, 0, C);
            for (int c = 0; c < C; c++) {
                if (k < warmup) {
                    psi[c] = psi[c] * (k - 1) / k + var[c] / k;
                }
                psi[c] = ALPHA_F * psi[c] + (1 - ALPHA_F) * var[c];
            }
            dx = groupScaleBackward(x, valid, dxs, G);
        }

        double[] eval(double[] x, boolean[] valid) {
            double[] xs = groupScale(x, valid, G);
            double[] out = new double[x.length];
            for (int i = 0; i < x.length / C; i++) {
                if (valid != null && !valid[i]) {
                    continue;
                }
                for (int c = 0; c < C; c++) {
                    out[i * C + c] = gamma[c] * xs[i * C + c] / Math.sqrt(psi[c] + EPS) + beta[c];
                }
            }
            return out;
        }
    }

    // ---- DJL side ---------------------------------------------------------------------------

    private static PowerNorm build(long warmup, PowerNorm.BackwardStatistic statistic) {
        return PowerNorm.builder().optGroups(G).optWarmup(warmup).optAlphaForward((float) ALPHA_F)
                .optAlphaBackward((float) ALPHA_B).optBackwardStatistic(statistic).build();
    }

    private static double[] param(PowerNorm block, String name) {
        return block.getParameters().get(name).getArray().toDoubleArray();
    }

    /** What one hook-driven step gives back. */
    record StepResult(double[] y, double[] dx, double[] dGamma, double loss, double total) {}

    /**
     * One training step driven exactly as {@code TrainingStep} drives hooks: beforeForward →
     * forward → loss + auxiliaryLoss → backward → afterBackward.
     */
    static StepResult hookStep(PowerNorm block, NDManager m, ParameterStore store, double[] x, boolean[] padded,
            double[] w, int step) {
        try (NDManager stepManager = m.newSubManager()) {
            StepContext context = new StepContext(stepManager, 0, step, step);
            block.beforeForward(context);
            NDArray gammaArray = block.getParameters().get("gamma").getArray();
            DataType type = gammaArray.getDataType();
            if (gammaArray.hasGradient()) {
                NDArray old = gammaArray.getGradient();
                old.subi(old); // a fresh gradient each step, as an optimizer step would leave it
                old.close();
            }
            NDArray input = stepManager.create(x, IN).toType(type, false);
            input.setRequiresGradient(true);
            NDList inputs = padded == null ? new NDList(input) : new NDList(input, stepManager.create(padded, new Shape(B, T)));
            double[] y;
            double loss;
            double total;
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray out = block.forward(store, inputs, true).head();
                y = doubles(out);
                NDArray dataLoss = out.mul(stepManager.create(w, IN).toType(type, false)).sum();
                NDArray sum = dataLoss;
                NDArray aux = block.auxiliaryLoss(context);
                if (aux != null) {
                    sum = sum.add(aux);
                }
                loss = doubles(dataLoss)[0];
                total = doubles(sum)[0];
                collector.backward(sum);
            }
            block.afterBackward(context);
            double[] dx = doubles(input.getGradient());
            double[] dGamma = doubles(gammaArray.getGradient());
            return new StepResult(y, dx, dGamma, loss, total);
        }
    }

    private static double[] doubles(NDArray a) {
        return a.toType(DataType.FLOAT64, false).toDoubleArray();
    }

    private static boolean[] validOf(boolean[] padded) {
        if (padded == null) {
            return null;
        }
        boolean[] valid = new boolean[padded.length];
        for (int i = 0; i < padded.length; i++) {
            valid[i] = !padded[i];
        }
        return valid;
    }

    /** Random data on a scale that changes from step to step, so that ψ and σ²_B differ. */
    private static double[] data(Random r, int step) {
        double[] x = Reference.random(r, N * C);
        double scale = 0.5 + (step % 3);
        for (int i = 0; i < x.length; i++) {
            x[i] = scale * x[i] + 0.3;
        }
        return x;
    }

    private static void randomAffine(PowerNorm block, Random r, double[] gamma, double[] beta) {
        for (int c = 0; c < C; c++) {
            gamma[c] = 1 + 0.5 * r.nextGaussian();
            beta[c] = 0.5 * r.nextGaussian();
        }
        block.getParameters().get("gamma").getArray().set(gamma);
        block.getParameters().get("beta").getArray().set(beta);
    }

    // ---- tests ------------------------------------------------------------------------------

    @Test
    void trainingStepsFollowTheReferenceBeforeAndAfterWarmup() {
        for (PowerNorm.BackwardStatistic statistic : PowerNorm.BackwardStatistic.values()) {
            for (boolean masked : new boolean[] {false, true}) {
                trainingSteps(statistic, masked);
            }
        }
    }

    private void trainingSteps(PowerNorm.BackwardStatistic statistic, boolean masked) {
        String what = statistic + (masked ? ", masked" : "");
        long warmup = 3;
        Random r = new Random(masked ? 11 : 7);
        try (NDManager m = NDManager.newBaseManager()) {
            PowerNorm block = build(warmup, statistic);
            block.initialize(m, DataType.FLOAT64, IN, new Shape(B, T));
            double[] gamma = new double[C];
            double[] beta = new double[C];
            randomAffine(block, r, gamma, beta);
            Model model = new Model(warmup, statistic == PowerNorm.BackwardStatistic.RUNNING, gamma, beta);
            ParameterStore store = new ParameterStore(m, false);
            for (int step = 1; step <= 7; step++) {
                double[] x = data(r, step);
                double[] w = Reference.random(r, N * C);
                boolean[] padded = null;
                if (masked) {
                    padded = new boolean[N];
                    for (int i = 0; i < N; i++) {
                        padded[i] = (i % T) >= T - 1 - (i / T) % 2; // 1–2 padded tokens at each sequence's end
                    }
                }
                model.step(x, validOf(padded), w);
                StepResult got = hookStep(block, m, store, x, padded, w, step);
                String at = what + ", step " + step;
                assertClose(model.y, got.y(), 1e-10, "output, " + at);
                assertEquals(got.loss(), got.total(), 0.0, "the auxiliary term is exactly zero, " + at);
                assertClose(model.dx, got.dx(), 1e-9, "∂L/∂x = ĝ/√(s+ε) through group scaling, " + at);
                assertClose(model.dGamma, got.dGamma(), 1e-10, "∂L/∂γ, " + at);
                assertClose(model.psi, param(block, "psi"), 1e-12, "ψ, " + at);
                assertClose(model.nu, param(block, "nu"), 1e-10, "ν, " + at);
                assertEquals(step, block.getSteps(), "k, " + at);
            }
            // The correction was in play: ν moved away from 0 and so did the gradient.
            assertTrue(Arrays.stream(model.nu).anyMatch(v -> Math.abs(v) > 1e-3), "ν moved, " + what);
        }
    }

    @Test
    void theTwoBackwardStatisticsAgreeInWarmupAndDifferAfter() {
        Random r = new Random(5);
        double[][] x = new double[5][];
        double[][] w = new double[5][];
        for (int s = 0; s < 5; s++) {
            x[s] = data(r, s);
            w[s] = Reference.random(r, N * C);
        }
        double[][][] grads = new double[2][5][];
        try (NDManager m = NDManager.newBaseManager()) {
            for (PowerNorm.BackwardStatistic statistic : PowerNorm.BackwardStatistic.values()) {
                PowerNorm block = build(2, statistic);
                block.initialize(m, DataType.FLOAT64, IN);
                ParameterStore store = new ParameterStore(m, false);
                for (int s = 0; s < 5; s++) {
                    grads[statistic.ordinal()][s] = hookStep(block, m, store, x[s], null, w[s], s).dx();
                }
            }
        }
        for (int s = 0; s < 2; s++) {
            assertArrayEquals(grads[0][s], grads[1][s], 1e-12, "warm-up step " + (s + 1));
        }
        for (int s = 2; s < 5; s++) {
            double diff = 0;
            for (int i = 0; i < N * C; i++) {
                diff = Math.max(diff, Math.abs(grads[0][s][i] - grads[1][s][i]));
            }
            assertTrue(diff > 1e-3, "after warm-up the divisors differ, step " + (s + 1));
        }
    }

    @Test
    void evalUsesPsiAndChangesNothing() {
        Random r = new Random(3);
        try (NDManager m = NDManager.newBaseManager()) {
            PowerNorm block = build(2, PowerNorm.BackwardStatistic.BATCH);
            block.initialize(m, DataType.FLOAT64, IN);
            double[] gamma = new double[C];
            double[] beta = new double[C];
            randomAffine(block, r, gamma, beta);
            Model model = new Model(2, false, gamma, beta);
            ParameterStore store = new ParameterStore(m, false);
            for (int s = 1; s <= 4; s++) {
                double[] x = data(r, s);
                double[] w = Reference.random(r, N * C);
                model.step(x, null, w);
                hookStep(block, m, store, x, null, w, s);
            }
            double[] psi = param(block, "psi");
            double[] nu = param(block, "nu");
            double[] x = data(r, 9);
            double[] y = block.forward(store, new NDList(m.create(x, IN)), false).head().toDoubleArray();
            assertClose(model.eval(x, null), y, 1e-10, "eval output");
            boolean[] padded = new boolean[N];
            padded[2] = true;
            padded[7] = true;
            double[] ym = block.forward(store, new NDList(m.create(x, IN), m.create(padded, new Shape(B, T))), false)
                    .head().toDoubleArray();
            assertClose(model.eval(x, validOf(padded)), ym, 1e-10, "masked eval output");
            assertArrayEquals(psi, param(block, "psi"), 0.0, "eval leaves ψ");
            assertArrayEquals(nu, param(block, "nu"), 0.0, "eval leaves ν");
            assertEquals(4, block.getSteps(), "eval leaves k");
        }
    }

    @Test
    void paddedValuesChangeNeitherStatisticsNorOtherOutputs() {
        Random r = new Random(13);
        boolean[] padded = new boolean[N];
        padded[3] = true;
        padded[6] = true;
        padded[7] = true;
        try (NDManager m = NDManager.newBaseManager()) {
            PowerNorm first = build(2, PowerNorm.BackwardStatistic.BATCH);
            PowerNorm second = build(2, PowerNorm.BackwardStatistic.BATCH);
            first.initialize(m, DataType.FLOAT64, IN, new Shape(B, T));
            second.initialize(m, DataType.FLOAT64, IN, new Shape(B, T));
            ParameterStore store = new ParameterStore(m, false);
            for (int s = 1; s <= 4; s++) {
                double[] x = data(r, s);
                double[] w = Reference.random(r, N * C);
                double[] other = x.clone();
                for (int i = 0; i < N; i++) {
                    if (padded[i]) {
                        for (int c = 0; c < C; c++) {
                            other[i * C + c] = c == 0 ? Double.NaN : 1e6 * (c + s);
                        }
                    }
                }
                StepResult a = hookStep(first, m, store, x, padded, w, s);
                StepResult b = hookStep(second, m, store, other, padded, w, s);
                assertArrayEquals(a.y(), b.y(), 0.0, "outputs, step " + s);
                assertArrayEquals(a.dx(), b.dx(), 0.0, "input gradients, step " + s);
                assertArrayEquals(param(first, "psi"), param(second, "psi"), 0.0, "ψ, step " + s);
                assertArrayEquals(param(first, "nu"), param(second, "nu"), 0.0, "ν, step " + s);
                for (int i = 0; i < N; i++) {
                    if (padded[i]) {
                        for (int c = 0; c < C; c++) {
                            assertEquals(0.0, b.y()[i * C + c], "padded output is 0");
                            assertEquals(0.0, b.dx()[i * C + c], "padded gradient is 0");
                        }
                    }
                }
            }
        }
    }

    @Test
    void saveLoadRestoresStateAndEvalOutputs() throws IOException, MalformedModelException {
        Random r = new Random(17);
        try (NDManager m = NDManager.newBaseManager()) {
            PowerNorm block = build(2, PowerNorm.BackwardStatistic.BATCH);
            block.initialize(m, DataType.FLOAT32, IN);
            ParameterStore store = new ParameterStore(m, false);
            for (int s = 1; s <= 5; s++) {
                hookStep(block, m, store, data(r, s), null, Reference.random(r, N * C), s);
            }
            NDArray x = m.randomNormal(IN);
            float[] before = block.forward(store, new NDList(x), false).head().toFloatArray();
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            block.saveParameters(new DataOutputStream(bytes));

            PowerNorm copy = build(2, PowerNorm.BackwardStatistic.BATCH);
            copy.initialize(m, DataType.FLOAT32, IN);
            copy.loadParameters(m, new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
            assertArrayEquals(before, copy.forward(new ParameterStore(m, false), new NDList(x), false).head().toFloatArray(), 0f);
            for (String name : new String[] {"gamma", "beta", "psi", "nu", "steps"}) {
                assertArrayEquals(block.getParameters().get(name).getArray().toFloatArray(),
                        copy.getParameters().get(name).getArray().toFloatArray(), 0f, name);
            }
            assertEquals(5, copy.getSteps());

            PowerNorm vanilla = PowerNorm.builder().optGroups(G).optVariant(PowerNorm.Variant.VANILLA).build();
            vanilla.initialize(m, DataType.FLOAT32, IN);
            MalformedModelException e = assertThrows(MalformedModelException.class,
                    () -> vanilla.loadParameters(m, new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()))));
            assertEquals("PowerNorm: parameters saved for variant POWER with 2 groups, but this block is VANILLA with 2 groups",
                    e.getMessage());
        }
    }

    @Test
    void statisticsUpdateOncePerHookStepAndEveryForwardWithoutHook() {
        try (NDManager m = NDManager.newBaseManager()) {
            ParameterStore store = new ParameterStore(m, false);
            PowerNorm hooked = build(1, PowerNorm.BackwardStatistic.BATCH);
            hooked.initialize(m, DataType.FLOAT32, IN);
            for (int s = 0; s < 3; s++) {
                try (NDManager stepManager = m.newSubManager()) {
                    StepContext context = new StepContext(stepManager, 0, s, s);
                    hooked.beforeForward(context);
                    for (int f = 0; f < 3; f++) {
                        hooked.forward(store, new NDList(stepManager.randomNormal(IN)), true);
                    }
                    assertEquals(s + 1, hooked.getSteps());
                    hooked.afterBackward(context); // nothing required the probe: ν stays
                }
            }
            assertArrayEquals(new float[C], hooked.getParameters().get("nu").getArray().toFloatArray(), 0f);
            PowerNorm plain = build(1, PowerNorm.BackwardStatistic.BATCH);
            plain.initialize(m, DataType.FLOAT32, IN);
            for (int f = 0; f < 4; f++) {
                plain.forward(store, new NDList(m.randomNormal(IN)), true);
            }
            assertEquals(4, plain.getSteps());
            assertNull(plain.auxiliaryLoss(new StepContext(m, 0, 0, 0)), "no hook step, no auxiliary term");
        }
    }

    /** PN-V in double: group scaling then division by √(batch quadratic mean + ε), affine. */
    private static double[] vanilla(double[] x, boolean[] valid, double[] gamma, double[] beta) {
        double[] xs = groupScale(x, valid, G);
        int n = x.length / C;
        double[] var = new double[C];
        int count = 0;
        for (int i = 0; i < n; i++) {
            if (valid != null && !valid[i]) {
                continue;
            }
            count++;
            for (int c = 0; c < C; c++) {
                var[c] += xs[i * C + c] * xs[i * C + c];
            }
        }
        double[] y = new double[x.length];
        for (int i = 0; i < n; i++) {
            if (valid != null && !valid[i]) {
                continue;
            }
            for (int c = 0; c < C; c++) {
                y[i * C + c] = gamma[c] * xs[i * C + c] / Math.sqrt(var[c] / count + EPS) + beta[c];
            }
        }
        return y;
    }

    @Test
    void vanillaForwardAndGradientsMatchReferenceAndFiniteDifferences() {
        Random r = new Random(23);
        try (NDManager m = NDManager.newBaseManager()) {
            PowerNorm block = PowerNorm.builder().optGroups(G).optVariant(PowerNorm.Variant.VANILLA).build();
            block.initialize(m, DataType.FLOAT64, IN);
            assertEquals(2, block.getParameters().size(), "PN-V holds γ and β only");
            double[] gamma = new double[C];
            double[] beta = new double[C];
            randomAffine(block, r, gamma, beta);
            ParameterStore store = new ParameterStore(m, false);
            double[] x = data(r, 1);
            for (boolean training : new boolean[] {true, false}) {
                double[] y = block.forward(store, new NDList(m.create(x, IN)), training).head().toDoubleArray();
                assertClose(vanilla(x, null, gamma, beta), y, 1e-10, "PN-V output, training " + training);
            }
            boolean[] padded = new boolean[N];
            padded[0] = true;
            padded[5] = true;
            double[] ym = block.forward(store, new NDList(m.create(x, IN), m.create(padded, new Shape(B, T))), true)
                    .head().toDoubleArray();
            assertClose(vanilla(x, validOf(padded), gamma, beta), ym, 1e-10, "masked PN-V output");
            Reference.checkGradients(block, m, m.create(x, IN), true, () -> null);
        }
    }

    @Test
    void invalidSettingsAreNamed() {
        assertEquals("alphaForward must be in [0, 1], got 1.5", assertThrows(IllegalArgumentException.class,
                () -> PowerNorm.builder().optAlphaForward(1.5f)).getMessage());
        assertEquals("warmup must be at least 0, got -1", assertThrows(IllegalArgumentException.class,
                () -> PowerNorm.builder().optWarmup(-1)).getMessage());
        try (NDManager m = NDManager.newBaseManager()) {
            PowerNorm block = PowerNorm.builder().optGroups(4).build();
            assertEquals("groups (4) must divide the number of channels (6)", assertThrows(IllegalArgumentException.class,
                    () -> block.initialize(m, DataType.FLOAT32, IN)).getMessage());
            PowerNorm ok = PowerNorm.builder().build();
            ok.initialize(m, DataType.FLOAT32, IN);
            assertEquals("PowerNorm padding mask must have the input's leading shape (3, 4), got (4, 3)",
                    assertThrows(IllegalArgumentException.class, () -> ok.forward(new ParameterStore(m, false),
                            new NDList(m.randomNormal(IN), m.zeros(new Shape(T, B), DataType.BOOLEAN)), true)).getMessage());
        }
    }
}
