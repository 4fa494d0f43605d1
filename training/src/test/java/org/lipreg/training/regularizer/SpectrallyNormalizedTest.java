package org.lipreg.training.regularizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.MalformedModelException;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

class SpectrallyNormalizedTest {

    private static void train(SpectrallyNormalized block, NDManager m, Shape in, int forwards) {
        ParameterStore store = new ParameterStore(m, false);
        for (int i = 0; i < forwards; i++) {
            try (NDManager step = m.newSubManager()) {
                block.forward(store, new NDList(step.randomNormal(in, block.getLayer().getParameters().get("weight")
                        .getArray().getDataType())), true);
            }
        }
    }

    /** The effective weight W·scale, as the layer uses it. */
    private static double[] effectiveWeight(SpectrallyNormalized block) {
        NDArray w = block.getLayer().getParameters().get("weight").getArray();
        return w.toType(DataType.FLOAT64, false).mul(block.scaleFor(block.sigma())).toDoubleArray();
    }

    /** Before any training step, inference scales by a positive σ estimate, at most the true σ. */
    @Test
    void aFreshLayerEstimatesAPositiveSigma() {
        for (int seed = 0; seed < 20; seed++) {
            try (NDManager m = NDManager.newBaseManager()) {
                Engine.getInstance().setRandomSeed(seed);
                Linear linear = Linear.builder().setUnits(5).build();
                SpectrallyNormalized block = SpectrallyNormalized.builder().setLayer(linear).build();
                block.initialize(m, DataType.FLOAT64, new Shape(1, 4));
                double exact = SpectralNormPenaltyTest.exactSigma(
                        linear.getParameters().get("weight").getArray().toDoubleArray(), 5, 4);
                assertTrue(block.sigma() > 0 && block.sigma() <= exact * (1 + 1e-9),
                        "seed " + seed + ": estimate " + block.sigma() + ", exact " + exact);
            }
        }
    }

    @Test
    void denseLayerEndsWithSigmaEqualToTheTarget() {
        try (NDManager m = NDManager.newBaseManager()) {
            SpectrallyNormalized block = SpectrallyNormalized.builder().setLayer(Linear.builder().setUnits(6).build())
                    .optTarget(0.5f).build();
            Shape in = new Shape(3, 9);
            block.initialize(m, DataType.FLOAT64, in);
            train(block, m, in, 60);
            double exact = SpectralNormPenaltyTest.exactSigma(effectiveWeight(block), 6, 9);
            assertEquals(0.5, exact, 1e-3);
        }
    }

    @Test
    void convolutionOperatorEndsWithinTheBudget() {
        try (NDManager m = NDManager.newBaseManager()) {
            Conv2d conv = Conv2d.builder().setFilters(3).setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1))
                    .optStride(new Shape(2, 2)).build();
            SpectrallyNormalized block = SpectrallyNormalized.builder().setLayer(conv)
                    .optOperatorModel(OperatorModel.CONV_OPERATOR).optTarget(1f).build();
            Shape in = new Shape(1, 2, 6, 6);
            block.initialize(m, DataType.FLOAT64, in);
            conv.getParameters().get("weight").getArray().muli(5); // well above the budget
            train(block, m, in, 200);
            NDArray effective = m.create(effectiveWeight(block), conv.getParameters().get("weight").getArray().getShape());
            // The explicit convolution matrix of the effective weight.
            int inDim = (int) in.size();
            NDArray basis = m.eye(inDim).toType(DataType.FLOAT64, false).reshape(inDim, 2, 6, 6);
            NDArray columns = Conv2d.conv2d(basis, effective, null, new Shape(2, 2), new Shape(1, 1), new Shape(1, 1), 1)
                    .singletonOrThrow().reshape(inDim, -1);
            double exact = SpectralNormPenaltyTest.exactSigma(columns.transpose().toDoubleArray(),
                    (int) columns.getShape().get(1), inDim);
            assertTrue(exact <= 1 + 1e-3, "operator norm " + exact + " above the budget");
            assertEquals(1.0, exact, 1e-3);
        }
    }

    @Test
    void onlyShrinkLeavesALayerWithinBudgetAlone() {
        try (NDManager m = NDManager.newBaseManager()) {
            Linear linear = Linear.builder().setUnits(4).build();
            SpectrallyNormalized block = SpectrallyNormalized.builder().setLayer(linear).optTarget(100f)
                    .optOnlyShrink(true).build();
            Shape in = new Shape(2, 5);
            block.initialize(m, DataType.FLOAT32, in);
            train(block, m, in, 20);
            NDArray x = m.randomNormal(in);
            ParameterStore store = new ParameterStore(m, false);
            float[] wrapped = block.forward(store, new NDList(x), false).head().toFloatArray();
            float[] plain = linear.forward(store, new NDList(x), false).head().toFloatArray();
            assertArrayEquals(plain, wrapped, 1e-6f);
        }
    }

    @Test
    void vectorsAreSavedWithTheModel() throws IOException, MalformedModelException {
        try (NDManager m = NDManager.newBaseManager()) {
            Shape in = new Shape(2, 5);
            SpectrallyNormalized block = SpectrallyNormalized.builder().setLayer(Linear.builder().setUnits(3).build()).build();
            block.initialize(m, DataType.FLOAT32, in);
            train(block, m, in, 5);
            NDArray x = m.randomNormal(in);
            float[] before = block.forward(new ParameterStore(m, false), new NDList(x), false).head().toFloatArray();
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            block.saveParameters(new DataOutputStream(bytes));
            SpectrallyNormalized copy = SpectrallyNormalized.builder().setLayer(Linear.builder().setUnits(3).build()).build();
            copy.initialize(m, DataType.FLOAT32, in);
            copy.loadParameters(m, new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
            assertArrayEquals(before, copy.forward(new ParameterStore(m, false), new NDList(x), false).head().toFloatArray(), 0f);
        }
    }

    @Test
    void gradientMatchesFiniteDifferencesWithFixedVectors() {
        try (NDManager m = NDManager.newBaseManager()) {
            Linear linear = Linear.builder().setUnits(3).build();
            SpectrallyNormalized block = SpectrallyNormalized.builder().setLayer(linear).optTarget(2f).build();
            Shape in = new Shape(2, 4);
            block.initialize(m, DataType.FLOAT64, in);
            train(block, m, in, 3);
            NDArray x = m.randomNormal(in, DataType.FLOAT64);
            NDArray c = m.randomNormal(new Shape(2, 3), DataType.FLOAT64);
            ParameterStore store = new ParameterStore(m, false);
            NDArray w = linear.getParameters().get("weight").getArray();
            // Inference: the vectors stay fixed, so the forward is one differentiable function of W.
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                gc.backward(block.forward(store, new NDList(x), false).head().mul(c).sum());
            }
            double[] analytic = w.getGradient().toDoubleArray();
            double[] values = w.toDoubleArray();
            double h = 1e-6;
            for (int i = 0; i < values.length; i++) {
                double original = values[i];
                values[i] = original + h;
                w.set(values);
                double plus = block.forward(store, new NDList(x), false).head().mul(c).sum().getDouble();
                values[i] = original - h;
                w.set(values);
                double minus = block.forward(store, new NDList(x), false).head().mul(c).sum().getDouble();
                values[i] = original;
                w.set(values);
                assertEquals((plus - minus) / (2 * h), analytic[i], 1e-6, "dL/dW at " + i);
            }
        }
    }

    @Test
    void onlyLinearAndConvolutionLayersCanBeWrapped() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SpectrallyNormalized.builder().setLayer(Activation.reluBlock()).build());
        assertEquals("spectral normalization wraps a Linear or Conv2d block, got LambdaBlock", e.getMessage());
    }
}
