package org.lipreg.training.regularizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv1d;
import ai.djl.nn.core.Linear;
import ai.djl.training.GradientCollector;

import org.junit.jupiter.api.Test;
import org.lipreg.normalization.groupnorm.BatchChannelNorm;
import org.lipreg.normalization.hook.StepContext;
import org.lipreg.normalization.ws.WeightStandardizedConv2d;
import org.lipreg.normalization.ws.WeightStandardizedLinear;

import java.util.List;
import java.util.Map;

/**
 * The spectral penalty and the Lipschitz monitor on weight-standardized layers: they see the
 * standardized weight (the one the layer applies), checked against plain float64 loops, and they
 * name every weight layer they cannot treat.
 */
class WeightStandardizedCoverageTest {

    private static final float EPS = 1e-5f;

    /** WS conv (2→4, 3×3, padding 1) → BCN → ReLU → flatten → Linear(3), on (1, 2, 5, 5) inputs. */
    private static SequentialBlock wsConvBcnReluLinear(NDManager m, DataType type) {
        SequentialBlock net = new SequentialBlock()
                .add(WeightStandardizedConv2d.builder().setFilters(4).setKernelShape(new Shape(3, 3))
                        .optPadding(new Shape(1, 1)).build())
                .add(BatchChannelNorm.builder().optGroups(2).build())
                .add(Activation.reluBlock())
                .add(Blocks.batchFlattenBlock())
                .add(Linear.builder().setUnits(3).build());
        Engine.getInstance().setRandomSeed(7);
        net.initialize(m, type, new Shape(1, 2, 5, 5));
        return net;
    }

    private static double[] weight(SequentialBlock net, int child) {
        return net.getChildren().get(child).getValue().getParameters().get("weight").getArray()
                .toType(DataType.FLOAT64, false).toDoubleArray();
    }

    @Test
    void referenceSingularValueAgreesWithNumpy() {
        // python3 -c "import numpy as np; print(np.linalg.svd(np.array([[1.5,-2,0.25,3],[0.5,4,-1,2],
        //     [-3,1,2,0.75]]), compute_uv=False)[0])"  →  4.770388727036125
        double[] m = {1.5, -2, 0.25, 3, 0.5, 4, -1, 2, -3, 1, 2, 0.75};
        assertEquals(4.770388727036125, Float64Reference.largestSingularValue(m, 3, 4), 1e-12);
    }

    @Test
    void penaltyCoversTheStandardizedWeightOfEveryLayer() {
        try (NDManager m = NDManager.newBaseManager()) {
            SequentialBlock net = wsConvBcnReluLinear(m, DataType.FLOAT32);
            double[] conv = Float64Reference.standardize(weight(net, 0), 4, EPS);
            double[] head = weight(net, 4);
            for (OperatorModel model : OperatorModel.values()) {
                try (SpectralNormPenalty penalty = SpectralNormPenalty.builder().setModel(net)
                        .optOperatorModel(model).optIterations(300).build();
                        NDManager step = m.newSubManager()) {
                    assertEquals(List.of("/01WeightStandardizedConv2d", "/05Linear"), penalty.layers());
                    assertEquals(List.of(), penalty.uncoveredLayers());
                    penalty.auxiliaryLoss(new StepContext(step, 0, 0, 0));
                    double convSigma = model == OperatorModel.RESHAPED
                            ? Float64Reference.largestSingularValue(conv, 4, 18)
                            : Float64Reference.largestSingularValue(
                                    Float64Reference.convolutionMatrix(conv, 4, 2, 3, 5, 5, 1, 1), 100, 50);
                    double headSigma = Float64Reference.largestSingularValue(head, 3, 100);
                    assertEquals(convSigma, penalty.lastSigmas()[0], 1e-5 * convSigma, model.name());
                    assertEquals(headSigma, penalty.lastSigmas()[1], 1e-5 * headSigma, model.name());
                }
            }
        }
    }

    @Test
    void penaltyGradientFlowsThroughTheStandardization() {
        // f(W) = (λ/2) σ(standardize(W))²: autograd against central differences in float64.
        try (NDManager m = NDManager.newBaseManager()) {
            SequentialBlock net = new SequentialBlock().add(WeightStandardizedLinear.builder().setUnits(3).build());
            Engine.getInstance().setRandomSeed(3);
            net.initialize(m, DataType.FLOAT64, new Shape(1, 4));
            NDArray w = net.getChildren().get(0).getValue().getParameters().get("weight").getArray();
            double[] raw = w.toDoubleArray();
            float lambda = 0.3f;
            try (SpectralNormPenalty penalty = SpectralNormPenalty.builder().setModel(net).optLambda(lambda)
                    .optIterations(500).build();
                    NDManager step = m.newSubManager()) {
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    gc.backward(penalty.auxiliaryLoss(new StepContext(step, 0, 0, 0)));
                }
                double[] gradient = w.getGradient().toDoubleArray();
                double h = 1e-6;
                for (int i = 0; i < raw.length; i++) {
                    double[] plus = raw.clone();
                    double[] minus = raw.clone();
                    plus[i] += h;
                    minus[i] -= h;
                    double expected = (penaltyValue(plus, lambda) - penaltyValue(minus, lambda)) / (2 * h);
                    assertEquals(expected, gradient[i], 1e-5 * Math.max(1, Math.abs(expected)), "entry " + i);
                }
            }
        }
    }

    private static double penaltyValue(double[] raw, double lambda) {
        double sigma = Float64Reference.largestSingularValue(Float64Reference.standardize(raw, 3, EPS), 3, 4);
        return lambda / 2 * sigma * sigma;
    }

    @Test
    void monitorLogsEveryWeightLayerAndNamesWhatBreaksTheProduct() {
        try (NDManager m = NDManager.newBaseManager()) {
            SequentialBlock net = wsConvBcnReluLinear(m, DataType.FLOAT32);
            double convSigma = Float64Reference.largestSingularValue(Float64Reference.convolutionMatrix(
                    Float64Reference.standardize(weight(net, 0), 4, EPS), 4, 2, 3, 5, 5, 1, 1), 100, 50);
            double headSigma = Float64Reference.largestSingularValue(weight(net, 4), 3, 100);
            LipschitzMonitor monitor = new LipschitzMonitor();
            Map<String, Double> metrics = monitor.of(net);
            assertEquals(convSigma, metrics.get("sigma_1"), 1e-4 * convSigma);
            assertEquals(headSigma, metrics.get("sigma_2"), 1e-4 * headSigma);
            // BCN divides by per-sample statistics: no constant, so no product, and it says why.
            assertTrue(Double.isNaN(metrics.get("lipschitz_product")));
            assertEquals(List.of("/02BatchChannelNorm (BatchChannelNorm)"), monitor.unboundedBlocks());
            assertEquals(List.of(), monitor.uncoveredLayers());
        }
    }

    @Test
    void monitorProductThroughStandardizedLayersIsTheProductOfTheirNorms() {
        try (NDManager m = NDManager.newBaseManager()) {
            SequentialBlock net = new SequentialBlock()
                    .add(WeightStandardizedConv2d.builder().setFilters(4).setKernelShape(new Shape(3, 3))
                            .optPadding(new Shape(1, 1)).optStride(new Shape(2, 2)).build())
                    .add(Activation.reluBlock())
                    .add(Blocks.batchFlattenBlock())
                    .add(WeightStandardizedLinear.builder().setUnits(3).build());
            Engine.getInstance().setRandomSeed(5);
            net.initialize(m, DataType.FLOAT32, new Shape(1, 2, 5, 5));
            double conv = Float64Reference.largestSingularValue(Float64Reference.convolutionMatrix(
                    Float64Reference.standardize(weight(net, 0), 4, EPS), 4, 2, 3, 5, 5, 2, 1), 36, 50);
            double head = Float64Reference.largestSingularValue(Float64Reference.standardize(weight(net, 3), 3, EPS), 3, 36);
            LipschitzMonitor monitor = new LipschitzMonitor();
            Map<String, Double> metrics = monitor.of(net);
            assertEquals(conv, metrics.get("sigma_1"), 1e-4 * conv);
            assertEquals(head, metrics.get("sigma_2"), 1e-4 * head);
            assertEquals(conv * head, metrics.get("lipschitz_product"), 1e-4 * conv * head);
            assertEquals(List.of(), monitor.unboundedBlocks());
        }
    }

    @Test
    void weightLayersWithoutAnOperatorAreNamed() {
        try (NDManager m = NDManager.newBaseManager()) {
            SequentialBlock net = new SequentialBlock()
                    .add(Conv1d.builder().setFilters(3).setKernelShape(new Shape(2)).build())
                    .add(Blocks.batchFlattenBlock())
                    .add(Linear.builder().setUnits(2).build());
            net.initialize(m, DataType.FLOAT32, new Shape(1, 2, 6));
            try (SpectralNormPenalty penalty = SpectralNormPenalty.builder().setModel(net).build()) {
                assertEquals(List.of("/03Linear"), penalty.layers());
                assertEquals(List.of("/01Conv1d (Conv1d)"), penalty.uncoveredLayers());
            }
            try (SpectralNormPenalty strict = SpectralNormPenalty.builder().setModel(net)
                    .optRequireEveryWeightLayer(true).build()) {
                IllegalStateException e = assertThrows(IllegalStateException.class, strict::layers);
                assertTrue(e.getMessage().contains("/01Conv1d (Conv1d)"), e.getMessage());
            }
            LipschitzMonitor monitor = new LipschitzMonitor();
            assertTrue(Double.isNaN(monitor.of(net).get("lipschitz_product")));
            assertEquals(List.of("/01Conv1d (Conv1d)"), monitor.uncoveredLayers());
        }
    }
}
