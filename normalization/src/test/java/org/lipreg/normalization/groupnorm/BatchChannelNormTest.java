package org.lipreg.normalization.groupnorm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
import java.util.Random;

class BatchChannelNormTest {

    private static final int C = 4;
    private static final int G = 2;
    private static final int HW = 6;

    private static BatchChannelNorm build(BatchChannelNorm.Mode mode) {
        return BatchChannelNorm.builder().optMode(mode).optGroups(G).optMovingSpeed(0.1f).build();
    }

    /** The whole micro-batch recurrence and forward, in double, step by step. */
    @Test
    void microBatchEstimatesFollowTheRecurrenceAndNormalizeWithTheUpdatedValues() {
        Random r = new Random(5);
        for (int batch : new int[] {1, 2, 16}) {
            try (NDManager m = NDManager.newBaseManager()) {
                BatchChannelNorm block = build(BatchChannelNorm.Mode.MICRO_BATCH);
                Shape in = new Shape(batch, C, 2, 3);
                block.initialize(m, DataType.FLOAT64, in);
                ParameterStore store = new ParameterStore(m, false);
                double[] mu = new double[C];
                double[] var = {1, 1, 1, 1};
                for (int t = 1; t <= 15; t++) {
                    double[] x = Reference.random(r, (int) in.size());
                    for (int i = 0; i < x.length; i++) {
                        x[i] = 3 * x[i] + 2; // data far from the initial estimates
                    }
                    double speed = Math.max(0.1f, 1f / t); // the layer's schedule, in float as it computes it
                    for (int ch = 0; ch < C; ch++) {
                        double sum = 0;
                        double spread = 0;
                        for (int b = 0; b < batch; b++) {
                            for (int k = 0; k < HW; k++) {
                                double v = x[(b * C + ch) * HW + k];
                                sum += v;
                                spread += (v - mu[ch]) * (v - mu[ch]);
                            }
                        }
                        mu[ch] = (1 - speed) * mu[ch] + speed * sum / (batch * HW);
                        var[ch] = (1 - speed) * var[ch] + speed * spread / (batch * HW);
                    }
                    double[] first = new double[x.length];
                    for (int b = 0; b < batch; b++) {
                        for (int ch = 0; ch < C; ch++) {
                            for (int k = 0; k < HW; k++) {
                                int i = (b * C + ch) * HW + k;
                                first[i] = (x[i] - mu[ch]) / Math.sqrt(var[ch] + 1e-5);
                            }
                        }
                    }
                    double[] expected = Reference.groupNorm(first, batch, C, HW, G, 1e-5);
                    NDArray y = block.forward(store, new NDList(m.create(x, in)), true).head();
                    assertClose(mu, block.getParameters().get("runningMean").getArray().toDoubleArray(), 1e-10, "μ̂ at step " + t);
                    assertClose(var, block.getParameters().get("runningVar").getArray().toDoubleArray(), 1e-10, "σ̂² at step " + t);
                    assertClose(expected, y.toDoubleArray(), 1e-7, "output at step " + t + ", batch " + batch);
                }
                assertEquals(15.0, block.getParameters().get("updates").getArray().getDouble(0));
            }
        }
    }

    /** One value per channel (batch 1, 1×1 maps): the explicit path instead of the fused one. */
    @Test
    void singleValuePerChannelFollowsTheRecurrenceToo() {
        try (NDManager m = NDManager.newBaseManager()) {
            BatchChannelNorm block = build(BatchChannelNorm.Mode.MICRO_BATCH);
            Shape in = new Shape(1, C, 1, 1);
            block.initialize(m, DataType.FLOAT64, in);
            ParameterStore store = new ParameterStore(m, false);
            double[] mu = new double[C];
            double[] var = {1, 1, 1, 1};
            Random r = new Random(9);
            for (int t = 1; t <= 4; t++) {
                double[] x = Reference.random(r, C);
                double speed = Math.max(0.1f, 1f / t);
                for (int ch = 0; ch < C; ch++) {
                    double spread = (x[ch] - mu[ch]) * (x[ch] - mu[ch]);
                    mu[ch] = (1 - speed) * mu[ch] + speed * x[ch];
                    var[ch] = (1 - speed) * var[ch] + speed * spread;
                }
                block.forward(store, new NDList(m.create(x, in)), true);
                assertClose(mu, block.getParameters().get("runningMean").getArray().toDoubleArray(), 1e-12, "μ̂ step " + t);
                assertClose(var, block.getParameters().get("runningVar").getArray().toDoubleArray(), 1e-12, "σ̂² step " + t);
            }
        }
    }

    @Test
    void microBatchEvalUsesEstimatesAndChangesNothing() {
        try (NDManager m = NDManager.newBaseManager()) {
            BatchChannelNorm block = build(BatchChannelNorm.Mode.MICRO_BATCH);
            Shape in = new Shape(2, C, 2, 3);
            block.initialize(m, DataType.FLOAT32, in);
            ParameterStore store = new ParameterStore(m, false);
            block.forward(store, new NDList(m.randomNormal(in)), true);
            float[] mean = block.getParameters().get("runningMean").getArray().toFloatArray();
            NDArray x = m.randomNormal(in).add(1);
            float[] train = block.forward(store, new NDList(x), true).head().toFloatArray();
            float[] mean2 = block.getParameters().get("runningMean").getArray().toFloatArray();
            float[] eval = block.forward(store, new NDList(x), false).head().toFloatArray();
            assertArrayEquals(mean2, block.getParameters().get("runningMean").getArray().toFloatArray(), "eval changes nothing");
            assertTrue(!java.util.Arrays.equals(mean, mean2), "training updates the estimates");
            assertArrayEquals(train, eval, 1e-5f, "same estimates, same output in training and eval");
        }
    }

    @Test
    void largeBatchUsesBatchStatisticsInTrainingAndRunningInEval() {
        for (int batch : new int[] {2, 16}) {
            largeBatch(batch);
        }
    }

    private void largeBatch(int batch) {
        Random r = new Random(6);
        try (NDManager m = NDManager.newBaseManager()) {
            BatchChannelNorm block = build(BatchChannelNorm.Mode.LARGE_BATCH);
            Shape in = new Shape(batch, C, 2, 3);
            block.initialize(m, DataType.FLOAT64, in);
            ParameterStore store = new ParameterStore(m, false);
            double[] x = Reference.random(r, (int) in.size());
            double[] batchMean = new double[C];
            double[] batchVar = new double[C];
            int count = batch * HW;
            for (int ch = 0; ch < C; ch++) {
                for (int b = 0; b < batch; b++) {
                    for (int k = 0; k < HW; k++) {
                        batchMean[ch] += x[(b * C + ch) * HW + k] / count;
                    }
                }
                for (int b = 0; b < batch; b++) {
                    for (int k = 0; k < HW; k++) {
                        double d = x[(b * C + ch) * HW + k] - batchMean[ch];
                        batchVar[ch] += d * d / count;
                    }
                }
            }
            double[] first = new double[x.length];
            for (int i = 0; i < x.length; i++) {
                int ch = (i / HW) % C;
                first[i] = (x[i] - batchMean[ch]) / Math.sqrt(batchVar[ch] + 1e-5);
            }
            NDArray y = block.forward(store, new NDList(m.create(x, in)), true).head();
            assertClose(Reference.groupNorm(first, batch, C, HW, G, 1e-5), y.toDoubleArray(), 1e-7, "training output");
            // Running statistics, PyTorch convention: momentum 0.1, unbiased variance. DJL hands
            // the engine 1 − 0.9f, which is 0.1 to float precision only.
            double momentum = 1 - (double) (1f - 0.1f);
            double[] expectedMean = new double[C];
            double[] expectedVar = new double[C];
            for (int ch = 0; ch < C; ch++) {
                expectedMean[ch] = momentum * batchMean[ch];
                expectedVar[ch] = (1 - momentum) + momentum * batchVar[ch] * count / (count - 1);
            }
            assertClose(expectedMean, block.getParameters().get("runningMean").getArray().toDoubleArray(), 1e-10, "running mean");
            assertClose(expectedVar, block.getParameters().get("runningVar").getArray().toDoubleArray(), 1e-10, "running var");
            for (int i = 0; i < x.length; i++) {
                int ch = (i / HW) % C;
                first[i] = (x[i] - expectedMean[ch]) / Math.sqrt(expectedVar[ch] + 1e-5);
            }
            NDArray eval = block.forward(store, new NDList(m.create(x, in)), false).head();
            assertClose(Reference.groupNorm(first, batch, C, HW, G, 1e-5), eval.toDoubleArray(), 1e-7, "eval output");
        }
    }

    @Test
    void gradientsMatchFiniteDifferencesInBothModes() {
        try (NDManager m = NDManager.newBaseManager()) {
            Shape in = new Shape(3, C, 2, 3);
            BatchChannelNorm large = build(BatchChannelNorm.Mode.LARGE_BATCH);
            large.initialize(m, DataType.FLOAT64, in);
            // Under the runner's hook, only the first forward of a step updates the statistics,
            // so the finite-difference forwards see the same function.
            large.beforeForward(new StepContext(m, 0, 0, 0));
            Reference.checkGradients(large, m, m.randomNormal(in, DataType.FLOAT64), true, () -> null);

            BatchChannelNorm micro = build(BatchChannelNorm.Mode.MICRO_BATCH);
            micro.initialize(m, DataType.FLOAT64, in);
            micro.beforeForward(new StepContext(m, 0, 0, 0));
            micro.forward(new ParameterStore(m, false), new NDList(m.randomNormal(in, DataType.FLOAT64).add(1)), true);
            Reference.checkGradients(micro, m, m.randomNormal(in, DataType.FLOAT64), true, () -> null);
        }
    }

    @Test
    void underTheHookStatisticsUpdateOncePerStep() {
        try (NDManager m = NDManager.newBaseManager()) {
            BatchChannelNorm block = build(BatchChannelNorm.Mode.MICRO_BATCH);
            Shape in = new Shape(2, C, 2, 3);
            block.initialize(m, DataType.FLOAT32, in);
            ParameterStore store = new ParameterStore(m, false);
            for (int step = 0; step < 3; step++) {
                block.beforeForward(new StepContext(m, 0, step, step));
                for (int k = 0; k < 4; k++) {
                    block.forward(store, new NDList(m.randomNormal(in)), true);
                }
            }
            assertEquals(3f, block.getParameters().get("updates").getArray().getFloat(0));
        }
    }

    @Test
    void saveLoadRestoresStateAndRefusesAnotherMode() throws IOException, MalformedModelException {
        try (NDManager m = NDManager.newBaseManager()) {
            Shape in = new Shape(2, C, 2, 3);
            BatchChannelNorm block = build(BatchChannelNorm.Mode.MICRO_BATCH);
            block.initialize(m, DataType.FLOAT32, in);
            ParameterStore store = new ParameterStore(m, false);
            for (int i = 0; i < 5; i++) {
                block.forward(store, new NDList(m.randomNormal(in).mul(2).add(1)), true);
            }
            NDArray x = m.randomNormal(in);
            float[] before = block.forward(store, new NDList(x), false).head().toFloatArray();
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            block.saveParameters(new DataOutputStream(bytes));

            BatchChannelNorm copy = build(BatchChannelNorm.Mode.MICRO_BATCH);
            copy.initialize(m, DataType.FLOAT32, in);
            copy.loadParameters(m, new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
            assertArrayEquals(before, copy.forward(new ParameterStore(m, false), new NDList(x), false).head().toFloatArray(), 0f);
            assertEquals(5f, copy.getParameters().get("updates").getArray().getFloat(0));

            BatchChannelNorm other = build(BatchChannelNorm.Mode.LARGE_BATCH);
            other.initialize(m, DataType.FLOAT32, in);
            MalformedModelException e = assertThrows(MalformedModelException.class,
                    () -> other.loadParameters(m, new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()))));
            assertEquals("BatchChannelNorm: parameters saved for mode MICRO_BATCH with 2 groups, but this block is "
                    + "LARGE_BATCH with 2 groups", e.getMessage());
            byte[] future = bytes.toByteArray();
            future[0] = 9;
            MalformedModelException old = assertThrows(MalformedModelException.class,
                    () -> copy.loadParameters(m, new DataInputStream(new ByteArrayInputStream(future))));
            assertEquals("BatchChannelNorm: parameters saved with format version 9; this lipreg reads version 1",
                    old.getMessage());
        }
    }

    @Test
    void batchOfOneTrainsWithoutNaN() {
        try (NDManager m = NDManager.newBaseManager()) {
            BatchChannelNorm block = build(BatchChannelNorm.Mode.MICRO_BATCH);
            Shape in = new Shape(1, C, 2, 3);
            block.initialize(m, DataType.FLOAT32, in);
            ParameterStore store = new ParameterStore(m, false);
            NDArray gamma = block.getParameters().get("gamma").getArray();
            for (int step = 0; step < 20; step++) {
                NDArray x = m.randomNormal(in);
                x.setRequiresGradient(true);
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray y = block.forward(store, new NDList(x), true).head();
                    gc.backward(y.square().sum());
                }
                for (float v : x.getGradient().toFloatArray()) {
                    assertTrue(Float.isFinite(v), "finite input gradient at step " + step);
                }
                for (float v : gamma.getGradient().toFloatArray()) {
                    assertTrue(Float.isFinite(v), "finite gamma gradient at step " + step);
                }
            }
        }
    }

    @Test
    void invalidSettingsAreNamed() {
        assertEquals("movingSpeed must be in (0, 1], got 1.5", assertThrows(IllegalArgumentException.class,
                () -> BatchChannelNorm.builder().optMovingSpeed(1.5f)).getMessage());
        assertEquals("movingSpeed must be in (0, 1], got -0.1", assertThrows(IllegalArgumentException.class,
                () -> BatchChannelNorm.builder().optMovingSpeed(-0.1f)).getMessage());
        assertEquals("momentum must be in [0, 1], got 2.0", assertThrows(IllegalArgumentException.class,
                () -> BatchChannelNorm.builder().optMomentum(2f)).getMessage());
        try (NDManager m = NDManager.newBaseManager()) {
            BatchChannelNorm block = BatchChannelNorm.builder().optGroups(3).build();
            assertEquals("groups (3) must divide the number of channels (4)", assertThrows(IllegalArgumentException.class,
                    () -> block.initialize(m, DataType.FLOAT32, new Shape(1, 4, 2, 2))).getMessage());
            BatchChannelNorm scheduled = BatchChannelNorm.builder().optGroups(2).optMovingSpeedSchedule(t -> 3f).build();
            scheduled.initialize(m, DataType.FLOAT32, new Shape(1, 4, 2, 2));
            assertEquals("movingSpeed must be in [0, 1], got 3.0", assertThrows(IllegalArgumentException.class,
                    () -> scheduled.forward(new ParameterStore(m, false), new NDList(m.ones(new Shape(1, 4, 2, 2))), true))
                    .getMessage());
        }
    }
}
