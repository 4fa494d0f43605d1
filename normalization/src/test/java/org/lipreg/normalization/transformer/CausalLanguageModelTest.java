package org.lipreg.normalization.transformer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.lipreg.normalization.hook.StepHooks;
import org.lipreg.normalization.powernorm.PowerNorm;

import java.util.Random;

/** The transformer block and the causal language model on small generated inputs. */
class CausalLanguageModelTest {

    private static final int B = 3;
    private static final int T = 6;
    private static final int V = 11;
    private static final int C = 8;

    private static CausalLanguageModel model(TransformerNorm norm, boolean preNorm) {
        return CausalLanguageModel.builder().setVocabularySize(V).setLayers(2).setWidth(C).setHeads(2)
                .setFeedForwardWidth(16).optDropout(0).optNorm(norm).optPreNorm(preNorm).optNormGroups(2).build();
    }

    private static float[] randomIds(Random r) {
        float[] ids = new float[B * T];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = r.nextInt(V);
        }
        return ids;
    }

    /**
     * Changing the tokens after position t never changes the logits at positions ≤ t. Inference for
     * every norm; training mode too for LN (BN and PN pool training statistics over the batch's
     * tokens by design; PN-V does so in inference as well, so it is not strictly causal and is left
     * out here — see {@link TransformerNorm}).
     */
    @ParameterizedTest
    @EnumSource(value = TransformerNorm.class, names = "PNV", mode = EnumSource.Mode.EXCLUDE)
    void laterTokensDoNotChangeEarlierOutputs(TransformerNorm norm) {
        for (boolean preNorm : new boolean[] {true, false}) {
            try (NDManager m = NDManager.newBaseManager()) {
                Engine.getInstance().setRandomSeed(3);
                CausalLanguageModel lm = model(norm, preNorm);
                lm.initialize(m, DataType.FLOAT32, new Shape(B, T));
                ParameterStore store = new ParameterStore(m, false);
                Random r = new Random(5);
                float[] ids = randomIds(r);
                boolean[] modes = norm == TransformerNorm.LN ? new boolean[] {false, true} : new boolean[] {false};
                for (boolean training : modes) {
                    float[] logits = logits(lm, store, m, ids, training);
                    for (int t = 0; t < T - 1; t++) {
                        float[] changed = ids.clone();
                        for (int b = 0; b < B; b++) {
                            for (int s = t + 1; s < T; s++) {
                                changed[b * T + s] = (changed[b * T + s] + 1 + r.nextInt(V - 1)) % V;
                            }
                        }
                        float[] other = logits(lm, store, m, changed, training);
                        boolean laterDiffers = false;
                        for (int b = 0; b < B; b++) {
                            for (int s = 0; s < T; s++) {
                                for (int v = 0; v < V; v++) {
                                    int i = (b * T + s) * V + v;
                                    if (s <= t) {
                                        assertEquals(logits[i], other[i], 1e-6,
                                                norm + " pre=" + preNorm + " training=" + training + " t=" + t + " s=" + s);
                                    } else if (Math.abs(logits[i] - other[i]) > 1e-4) {
                                        laterDiffers = true;
                                    }
                                }
                            }
                        }
                        assertTrue(laterDiffers, "the change must show at later positions");
                    }
                }
            }
        }
    }

    private static float[] logits(CausalLanguageModel lm, ParameterStore store, NDManager m, float[] ids, boolean training) {
        try (NDManager sub = m.newSubManager()) {
            NDArray out = lm.forward(store, new NDList(sub.create(ids, new Shape(B, T))), training).head();
            assertEquals(new Shape(B, T, V), out.getShape());
            return out.toFloatArray();
        }
    }

    /** Every norm, pre and post: a training forward and backward give finite, non-zero gradients. */
    @ParameterizedTest
    @EnumSource(TransformerNorm.class)
    void everyNormTrainsForwardAndBackward(TransformerNorm norm) {
        for (boolean preNorm : new boolean[] {true, false}) {
            try (NDManager m = NDManager.newBaseManager()) {
                Engine.getInstance().setRandomSeed(4);
                CausalLanguageModel lm = CausalLanguageModel.builder().setVocabularySize(V).setLayers(2).setWidth(C)
                        .setHeads(2).setFeedForwardWidth(16).optDropout(0.1f).optNorm(norm).optPreNorm(preNorm).build();
                lm.initialize(m, DataType.FLOAT32, new Shape(B, T));
                ParameterStore store = new ParameterStore(m, false);
                NDArray ids = m.create(randomIds(new Random(6)), new Shape(B, T));
                NDArray targets = m.create(randomIds(new Random(7)), new Shape(B, T));
                try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                    NDArray logits = lm.forward(store, new NDList(ids), true).head();
                    NDArray nll = logits.logSoftmax(-1).mul(targets.toType(DataType.INT64, false).oneHot(V)).sum().neg();
                    assertTrue(Float.isFinite(nll.getFloat()));
                    collector.backward(nll);
                }
                for (Pair<String, Parameter> p : lm.getParameters()) {
                    if (!p.getValue().requiresGradient()) {
                        continue;
                    }
                    float[] g = p.getValue().getArray().getGradient().toFloatArray();
                    double norm2 = 0;
                    for (float v : g) {
                        assertTrue(Float.isFinite(v), p.getKey());
                        norm2 += v * v;
                    }
                    assertTrue(norm2 > 0, norm + " pre=" + preNorm + ": zero gradient for " + p.getKey());
                }
                long hooks = StepHooks.collect(lm).size();
                int norms = 2 * 2 + (preNorm ? 1 : 0);
                assertEquals(norm == TransformerNorm.PN || norm == TransformerNorm.PNV ? norms : 0, hooks);
            }
        }
    }

    /** BN normalizes each channel (last axis) over all B·T tokens, as a direct computation says. */
    @Test
    void tokenBatchNormNormalizesEachChannelOverAllTokens() {
        try (NDManager m = NDManager.newBaseManager()) {
            TokenBatchNorm bn = new TokenBatchNorm();
            Shape in = new Shape(B, T, C);
            bn.initialize(m, DataType.FLOAT64, in);
            Random r = new Random(8);
            double[] x = new double[B * T * C];
            for (int i = 0; i < x.length; i++) {
                int c = i % C;
                x[i] = 3 * c + (c + 1) * r.nextGaussian();
            }
            double[] y = bn.forward(new ParameterStore(m, false), new NDList(m.create(x, in)), true).head().toDoubleArray();
            int n = B * T;
            for (int c = 0; c < C; c++) {
                double mean = 0;
                for (int i = 0; i < n; i++) {
                    mean += x[i * C + c] / n;
                }
                double var = 0;
                for (int i = 0; i < n; i++) {
                    var += (x[i * C + c] - mean) * (x[i * C + c] - mean) / n;
                }
                for (int i = 0; i < n; i++) {
                    assertEquals((x[i * C + c] - mean) / Math.sqrt(var + 1e-5), y[i * C + c], 1e-6, "channel " + c);
                }
            }
        }
    }

    @Test
    void normNamesParseAndPowerNormVariantsAreChosen() {
        assertEquals(TransformerNorm.PNV, TransformerNorm.parse("PNV"));
        assertEquals("bn", TransformerNorm.BN.configName());
        assertThrows(IllegalArgumentException.class, () -> TransformerNorm.parse("gn"));
        assertEquals(PowerNorm.Variant.POWER, ((PowerNorm) TransformerNorm.PN.create(2, 10)).getVariant());
        assertEquals(PowerNorm.Variant.VANILLA, ((PowerNorm) TransformerNorm.PNV.create(1, 10)).getVariant());
        assertThrows(IllegalArgumentException.class,
                () -> TransformerBlock.builder().setWidth(10).setHeads(4).build());
    }

    @Test
    void sinusoidalEncodingHasTheStandardValues() {
        float[] pe = CausalLanguageModel.sinusoidal(3, 4);
        assertEquals(0f, pe[0]);
        assertEquals(1f, pe[1]);
        assertEquals((float) Math.sin(2), pe[2 * 4]);
        assertEquals((float) Math.cos(2 / 100.0), pe[2 * 4 + 3], 1e-7);
        assertNotEquals(pe[4], pe[8]);
    }
}
