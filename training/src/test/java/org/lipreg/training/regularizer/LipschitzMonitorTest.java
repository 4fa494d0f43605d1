package org.lipreg.training.regularizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;

import org.junit.jupiter.api.Test;

import java.util.Map;

class LipschitzMonitorTest {

    @Test
    void logsEachLayersSigmaAndTheirProduct() {
        try (Model model = Model.newInstance("mlp")) {
            SequentialBlock net = new SequentialBlock()
                    .add(Blocks.batchFlattenBlock())
                    .add(Linear.builder().setUnits(7).build())
                    .add(Activation.reluBlock())
                    .add(Linear.builder().setUnits(3).build());
            model.setBlock(net);
            net.initialize(model.getNDManager(), DataType.FLOAT32, new Shape(1, 2, 5));
            Map<String, Double> metrics = new LipschitzMonitor().epochMetrics(model);
            double[] w1 = net.getChildren().get(1).getValue().getParameters().get("weight").getArray().toType(DataType.FLOAT64, false).toDoubleArray();
            double[] w2 = net.getChildren().get(3).getValue().getParameters().get("weight").getArray().toType(DataType.FLOAT64, false).toDoubleArray();
            double s1 = SpectralNormPenaltyTest.exactSigma(w1, 7, 10);
            double s2 = SpectralNormPenaltyTest.exactSigma(w2, 3, 7);
            assertEquals(s1, metrics.get("sigma_1"), 1e-4 * s1);
            assertEquals(s2, metrics.get("sigma_2"), 1e-4 * s2);
            assertEquals(s1 * s2, metrics.get("lipschitz_product"), 1e-3 * s1 * s2);
        }
    }

    @Test
    void productIsNaNThroughABlockWithoutAKnownConstant() {
        try (Model model = Model.newInstance("cnn"); NDManager m = NDManager.newBaseManager()) {
            SequentialBlock net = new SequentialBlock()
                    .add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(1, 1)))
                    .add(Blocks.batchFlattenBlock())
                    .add(Linear.builder().setUnits(3).build());
            model.setBlock(net);
            net.initialize(model.getNDManager(), DataType.FLOAT32, new Shape(1, 1, 4, 4));
            LipschitzMonitor monitor = new LipschitzMonitor();
            Map<String, Double> metrics = monitor.epochMetrics(model);
            assertTrue(Double.isNaN(metrics.get("lipschitz_product")));
            assertTrue(metrics.get("sigma_1") > 0, "per-layer σ is still logged");
            assertEquals(java.util.List.of("/01LambdaBlock (LambdaBlock maxPool2d)"), monitor.unboundedBlocks());
        }
    }
}
