package org.lipreg.certify.ir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;

import org.lipreg.certify.graph.Graph;
import org.lipreg.normalization.activation.GroupSort;
import org.lipreg.normalization.groupnorm.BatchChannelNorm;
import org.lipreg.normalization.groupnorm.GroupNorm;
import org.lipreg.normalization.residual.Residual;
import org.lipreg.normalization.ws.WeightStandardizedConv2d;
import org.lipreg.normalization.ws.WeightStandardizedLinear;
import org.lipreg.training.regularizer.OperatorModel;
import org.lipreg.training.regularizer.SpectrallyNormalized;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

/**
 * The IR read from a DJL block tree must compute what the model computes at inference: for
 * each supported layer, a small model's inference outputs are compared with the lowered graph's
 * outputs on the same inputs (float64, flat), up to the model's float32 rounding. Blocks the IR
 * cannot represent must be rejected with their path and the reason.
 */
class IrReaderTest {

    private static final int BATCH = 6;
    /** Relative to the largest output magnitude: float32 rounding through a few layers. */
    private static final double TOLERANCE = 1e-5;

    private NDManager manager;

    @BeforeEach
    void setUp() {
        Engine.getInstance().setRandomSeed(1234);
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void tearDown() {
        manager.close();
    }

    // ---------------------------------------------------------------- affine layers

    @Test
    void linearAfterFlatten() {
        SequentialBlock model = new SequentialBlock()
                .add(Blocks.batchFlattenBlock())
                .add(Linear.builder().setUnits(5).build());
        Network network = check(model, 2, 6, 6);
        assertLayers(network, Layer.Flatten.class, Layer.Dense.class);
    }

    @Test
    void linearOnFlatInput() {
        SequentialBlock model = new SequentialBlock()
                .add(Linear.builder().setUnits(4).build())
                .add(Linear.builder().setUnits(3).optBias(false).build());
        Network network = check(model, 5);
        assertLayers(network, Layer.Dense.class, Layer.Dense.class);
    }

    @Test
    void conv2dStrideTwoPaddingOne() {
        SequentialBlock model = new SequentialBlock()
                .add(Conv2d.builder().setKernelShape(new Shape(3, 3)).setFilters(3)
                        .optStride(new Shape(2, 2)).optPadding(new Shape(1, 1)).build());
        Network network = check(model, 2, 6, 6);
        assertLayers(network, Layer.Conv2d.class);
    }

    @Test
    void conv2dGroupsAndDilation() {
        SequentialBlock model = new SequentialBlock()
                .add(Conv2d.builder().setKernelShape(new Shape(3, 3)).setFilters(4)
                        .optGroups(2).optDilation(new Shape(2, 2)).optPadding(new Shape(1, 1)).build());
        Network network = check(model, 2, 6, 6);
        Layer.Conv2d conv = (Layer.Conv2d) network.layers().get(0);
        assertEquals(2, conv.groups());
        assertEquals(2, conv.dilation()[0]);
    }

    @Test
    void weightStandardizedConv2d() {
        SequentialBlock model = new SequentialBlock()
                .add(WeightStandardizedConv2d.builder().setKernelShape(new Shape(3, 3)).setFilters(4)
                        .optStride(new Shape(2, 2)).optPadding(new Shape(1, 1)).build());
        Network network = check(model, 2, 6, 6);
        assertLayers(network, Layer.Conv2d.class);
        // The folded weight is the standardized one: each filter has mean 0 and variance ~1.
        double[] w = ((Layer.Conv2d) network.layers().get(0)).weight().data();
        int per = w.length / 4;
        for (int f = 0; f < 4; f++) {
            double mean = 0;
            double square = 0;
            for (int i = 0; i < per; i++) {
                mean += w[f * per + i] / per;
                square += w[f * per + i] * w[f * per + i] / per;
            }
            assertEquals(0, mean, 1e-5);
            assertEquals(1, square - mean * mean, 1e-2);
        }
    }

    @Test
    void weightStandardizedLinear() {
        SequentialBlock model = new SequentialBlock()
                .add(WeightStandardizedLinear.builder().setUnits(4).build())
                .add(Activation.reluBlock())
                .add(WeightStandardizedLinear.builder().setUnits(3).optBias(false).build());
        Network network = check(model, 5);
        assertLayers(network, Layer.Dense.class, Layer.Relu.class, Layer.Dense.class);
    }

    @Test
    void spectrallyNormalizedLinearAfterTrainingForwards() {
        SpectrallyNormalized sn = SpectrallyNormalized.builder()
                .setLayer(Linear.builder().setUnits(4).build()).build();
        SequentialBlock model = new SequentialBlock().add(sn).add(Activation.reluBlock())
                .add(Linear.builder().setUnits(2).build());
        init(model, 5);
        ParameterStore store = new ParameterStore(manager, false);
        for (int i = 0; i < 10; i++) {
            model.forward(store, new NDList(input(5)), true);
        }
        // σ has converged to the top singular value: the normalized weight has norm ~1.
        assertEquals(1.0, spectralNorm(sn.normalizedWeight(manager)), 1e-2);
        Network network = compare(model, 5);
        assertLayers(network, Layer.Dense.class, Layer.Relu.class, Layer.Dense.class);
    }

    @Test
    void spectrallyNormalizedConv2dRefined() {
        SpectrallyNormalized sn = SpectrallyNormalized.builder()
                .setLayer(Conv2d.builder().setKernelShape(new Shape(3, 3)).setFilters(4)
                        .optStride(new Shape(2, 2)).optPadding(new Shape(1, 1)).build())
                .build();
        SequentialBlock model = new SequentialBlock().add(sn);
        init(model, 2, 6, 6);
        sn.refine(30);
        double sigma = sn.sigma();
        assertTrue(sigma > 0.1, "σ " + sigma);
        Network network = compare(model, 2, 6, 6);
        assertLayers(network, Layer.Conv2d.class);
        // Folded weight = W / σ.
        double[] folded = ((Layer.Conv2d) network.layers().get(0)).weight().data();
        double[] raw = Tensor.of(sn.getLayer().getParameters().get("weight").getArray()).data();
        for (int i = 0; i < raw.length; i++) {
            assertEquals(raw[i] / sigma, folded[i], 1e-5 * Math.abs(raw[i] / sigma) + 1e-7);
        }
    }

    @Test
    void spectrallyNormalizedConvOperatorOnlyShrink() {
        SpectrallyNormalized sn = SpectrallyNormalized.builder()
                .setLayer(Conv2d.builder().setKernelShape(new Shape(3, 3)).setFilters(4)
                        .optPadding(new Shape(1, 1)).optGroups(2).build())
                .optOperatorModel(OperatorModel.CONV_OPERATOR).optOnlyShrink(true).optTarget(0.5f).build();
        SequentialBlock model = new SequentialBlock().add(sn).add(Activation.reluBlock());
        init(model, 2, 6, 6);
        ParameterStore store = new ParameterStore(manager, false);
        for (int i = 0; i < 10; i++) {
            model.forward(store, new NDList(input(2, 6, 6)), true);
        }
        assertTrue(sn.sigma() > 0.5, "the budget must be active: σ " + sn.sigma());
        compare(model, 2, 6, 6);
    }

    // ---------------------------------------------------------------- batch norm

    @Test
    void batchNormAfterConvIsFolded() {
        SequentialBlock model = new SequentialBlock()
                .add(Conv2d.builder().setKernelShape(new Shape(3, 3)).setFilters(4)
                        .optPadding(new Shape(1, 1)).build())
                .add(BatchNorm.builder().build());
        Network network = check(model, 2, 6, 6);
        assertLayers(network, Layer.Conv2d.class);
    }

    @Test
    void batchNormAfterBiaslessConvIsFolded() {
        SequentialBlock model = new SequentialBlock()
                .add(Conv2d.builder().setKernelShape(new Shape(3, 3)).setFilters(4).optBias(false)
                        .optStride(new Shape(2, 2)).build())
                .add(BatchNorm.builder().optEpsilon(1e-3f).build())
                .add(Activation.reluBlock());
        Network network = check(model, 2, 6, 6);
        assertLayers(network, Layer.Conv2d.class, Layer.Relu.class);
    }

    @Test
    void batchNormAfterGroupedConvIsFolded() {
        SequentialBlock model = new SequentialBlock()
                .add(Conv2d.builder().setKernelShape(new Shape(3, 3)).setFilters(4).optGroups(2)
                        .optPadding(new Shape(1, 1)).build())
                .add(BatchNorm.builder().build());
        Network network = check(model, 2, 6, 6);
        assertLayers(network, Layer.Conv2d.class);
    }

    @Test
    void batchNormAfterLinearIsFolded() {
        SequentialBlock model = new SequentialBlock()
                .add(Linear.builder().setUnits(4).build())
                .add(BatchNorm.builder().build())
                .add(Activation.reluBlock())
                .add(Linear.builder().setUnits(3).build());
        Network network = check(model, 5);
        assertLayers(network, Layer.Dense.class, Layer.Relu.class, Layer.Dense.class);
    }

    @Test
    void batchNormAfterWeightStandardizedAndSpectrallyNormalizedLayersIsFolded() {
        SequentialBlock model = new SequentialBlock()
                .add(WeightStandardizedConv2d.builder().setKernelShape(new Shape(3, 3)).setFilters(4)
                        .optPadding(new Shape(1, 1)).build())
                .add(BatchNorm.builder().build())
                .add(Blocks.batchFlattenBlock())
                .add(SpectrallyNormalized.builder().setLayer(Linear.builder().setUnits(4).build()).build())
                .add(BatchNorm.builder().build());
        init(model, 2, 6, 6);
        for (Pair<String, Block> child : model.getChildren()) {
            if (child.getValue() instanceof SpectrallyNormalized sn) {
                sn.refine(20);
            }
        }
        Network network = compare(model, 2, 6, 6);
        assertLayers(network, Layer.Conv2d.class, Layer.Flatten.class, Layer.Dense.class);
    }

    @Test
    void batchNormAtTheStartIsAChannelAffine() {
        SequentialBlock image = new SequentialBlock()
                .add(BatchNorm.builder().build())
                .add(Conv2d.builder().setKernelShape(new Shape(3, 3)).setFilters(3).build());
        Network network = check(image, 2, 6, 6);
        assertLayers(network, Layer.ChannelAffine.class, Layer.Conv2d.class);

        SequentialBlock flat = new SequentialBlock()
                .add(BatchNorm.builder().build())
                .add(Linear.builder().setUnits(3).build());
        assertLayers(check(flat, 5), Layer.ChannelAffine.class, Layer.Dense.class);
    }

    @Test
    void batchNormAfterAnActivationIsAChannelAffine() {
        SequentialBlock model = new SequentialBlock()
                .add(Conv2d.builder().setKernelShape(new Shape(3, 3)).setFilters(4).build())
                .add(Activation.reluBlock())
                .add(BatchNorm.builder().build());
        Network network = check(model, 2, 6, 6);
        assertLayers(network, Layer.Conv2d.class, Layer.Relu.class, Layer.ChannelAffine.class);
    }

    @Test
    void batchNormWithStatisticsFromTrainingForwards() {
        SequentialBlock model = new SequentialBlock()
                .add(Conv2d.builder().setKernelShape(new Shape(3, 3)).setFilters(4).build())
                .add(BatchNorm.builder().optMomentum(0.5f).build());
        init(model, 2, 6, 6);
        ParameterStore store = new ParameterStore(manager, false);
        for (int i = 0; i < 5; i++) {
            model.forward(store, new NDList(input(2, 6, 6).mul(3).add(1)), true);
        }
        BatchNorm bn = (BatchNorm) model.getChildren().get(1).getValue();
        double[] var = Tensor.of(bn.getParameters().get("runningVar").getArray()).data();
        double[] mean = Tensor.of(bn.getParameters().get("runningMean").getArray()).data();
        assertTrue(Math.abs(var[0] - 1) > 0.05 && Math.abs(mean[0]) > 1e-3, "statistics did not move");
        compare(model, 2, 6, 6);
    }

    // ---------------------------------------------------------------- activations and pooling

    @Test
    void relu() {
        SequentialBlock model = new SequentialBlock()
                .add(Conv2d.builder().setKernelShape(new Shape(3, 3)).setFilters(3).build())
                .add(Activation.reluBlock());
        Network network = check(model, 2, 6, 6);
        assertEquals(0.0, ((Layer.Relu) network.layers().get(1)).negativeSlope());
    }

    @Test
    void leakyRelu() {
        SequentialBlock model = new SequentialBlock()
                .add(Linear.builder().setUnits(6).build())
                .add(Activation.leakyReluBlock(0.2f))
                .add(Linear.builder().setUnits(2).build());
        Network network = check(model, 5);
        assertEquals(0.2, ((Layer.Relu) network.layers().get(1)).negativeSlope(), 1e-7);
    }

    @Test
    void maxMinOnConvChannels() {
        SequentialBlock model = new SequentialBlock()
                .add(Conv2d.builder().setKernelShape(new Shape(3, 3)).setFilters(4).build())
                .add(GroupSort.maxMin());
        Network network = check(model, 2, 6, 6);
        assertEquals(2, ((Layer.GroupSort) network.layers().get(1)).size());
    }

    @Test
    void theHouseholderActivationIsReadWithItsAngleAndTheGraphRefusesIt() {
        SequentialBlock model = new SequentialBlock()
                .add(Linear.builder().setUnits(6).build())
                .add(new org.lipreg.normalization.activation.HouseholderActivation())
                .add(Linear.builder().setUnits(2).build());
        init(model, 4);
        Parameter theta = model.getChildren().get(1).getValue().getParameters().get("theta");
        theta.getArray().set(new float[] {0.7f});
        Network network = IrReader.read(model, new Shape(4));
        assertEquals(0.7f, ((Layer.Householder) network.layers().get(1)).angle(), 0);
        org.lipreg.certify.ir.UnsupportedLayerException e = assertThrows(
                org.lipreg.certify.ir.UnsupportedLayerException.class,
                () -> org.lipreg.certify.graph.Graph.checkSupported(network));
        assertTrue(e.getMessage().contains("layers[1]") && e.getMessage().contains("Householder"), e.getMessage());
    }

    @Test
    void groupSortOfFourOnConvChannels() {
        SequentialBlock model = new SequentialBlock()
                .add(Conv2d.builder().setKernelShape(new Shape(3, 3)).setFilters(8).build())
                .add(GroupSort.of(4));
        Network network = check(model, 2, 6, 6);
        assertEquals(4, ((Layer.GroupSort) network.layers().get(1)).size());
    }

    @Test
    void groupSortOnFlatFeatures() {
        SequentialBlock model = new SequentialBlock()
                .add(Linear.builder().setUnits(8).build())
                .add(GroupSort.maxMin())
                .add(Linear.builder().setUnits(8).build())
                .add(GroupSort.of(4))
                .add(Linear.builder().setUnits(2).build());
        check(model, 5);
    }

    @Test
    void groupSortAfterFlatten() {
        SequentialBlock model = new SequentialBlock()
                .add(Conv2d.builder().setKernelShape(new Shape(3, 3)).setFilters(2).build())
                .add(Blocks.batchFlattenBlock())
                .add(GroupSort.of(4));
        check(model, 2, 6, 6);
    }

    @Test
    void averagePooling() {
        SequentialBlock model = new SequentialBlock()
                .add(Conv2d.builder().setKernelShape(new Shape(3, 3)).setFilters(3)
                        .optPadding(new Shape(1, 1)).build())
                .add(Pool.avgPool2dBlock(new Shape(2, 2), new Shape(2, 2)));
        Network network = check(model, 2, 6, 6);
        Layer.AvgPool2d pool = (Layer.AvgPool2d) network.layers().get(1);
        assertEquals(List.of(2, 2, 0), List.of(pool.kernel()[0], pool.stride()[0], pool.padding()[0]));
    }

    @Test
    void averagePoolingWithOtherWindows() {
        for (int[] kernelStridePad : new int[][] {{3, 1, 1}, {3, 2, 0}, {3, 2, 1}, {2, 1, 0}, {4, 2, 1}, {1, 1, 0}}) {
            int k = kernelStridePad[0];
            int s = kernelStridePad[1];
            int p = kernelStridePad[2];
            SequentialBlock model = new SequentialBlock()
                    .add(Pool.avgPool2dBlock(new Shape(k, k), new Shape(s, s), new Shape(p, p)));
            Network network = check(model, 2, 7, 7);
            Layer.AvgPool2d pool = (Layer.AvgPool2d) network.layers().get(0);
            assertEquals(List.of(k, s, p), List.of(pool.kernel()[0], pool.stride()[0], pool.padding()[0]),
                    "window for " + k + "/" + s + "/" + p);
        }
    }

    @Test
    void averagePoolingOnTheInput() {
        SequentialBlock model = new SequentialBlock()
                .add(Pool.avgPool2dBlock(new Shape(2, 2), new Shape(2, 2)))
                .add(Blocks.batchFlattenBlock())
                .add(Linear.builder().setUnits(3).build());
        check(model, 2, 6, 6);
    }

    @Test
    void dropoutIsTheIdentityAtInference() {
        SequentialBlock model = new SequentialBlock()
                .add(Linear.builder().setUnits(6).build())
                .add(Dropout.builder().optRate(0.5f).build())
                .add(Activation.reluBlock())
                .add(Linear.builder().setUnits(2).build());
        Network network = check(model, 5);
        assertLayers(network, Layer.Dense.class, Layer.Relu.class, Layer.Dense.class);
    }

    // ---------------------------------------------------------------- residuals

    @Test
    void residualWithIdentityShortcut() {
        SequentialBlock body = new SequentialBlock()
                .add(Conv2d.builder().setKernelShape(new Shape(3, 3)).setFilters(2)
                        .optPadding(new Shape(1, 1)).build())
                .add(Activation.reluBlock())
                .add(Conv2d.builder().setKernelShape(new Shape(3, 3)).setFilters(2)
                        .optPadding(new Shape(1, 1)).build());
        SequentialBlock model = new SequentialBlock().add(Residual.of(body)).add(Activation.reluBlock());
        Network network = check(model, 2, 6, 6);
        Layer.Residual residual = (Layer.Residual) network.layers().get(0);
        assertEquals(3, residual.body().size());
        assertTrue(residual.shortcut().isEmpty());
    }

    @Test
    void residualWithProjectionShortcut() {
        SequentialBlock body = new SequentialBlock()
                .add(Conv2d.builder().setKernelShape(new Shape(3, 3)).setFilters(4)
                        .optStride(new Shape(2, 2)).optPadding(new Shape(1, 1)).build())
                .add(BatchNorm.builder().build())
                .add(GroupSort.maxMin());
        SequentialBlock shortcut = new SequentialBlock()
                .add(Conv2d.builder().setKernelShape(new Shape(1, 1)).setFilters(4)
                        .optStride(new Shape(2, 2)).build())
                .add(BatchNorm.builder().build());
        SequentialBlock model = new SequentialBlock()
                .add(Residual.of(body, shortcut))
                .add(Blocks.batchFlattenBlock())
                .add(Linear.builder().setUnits(3).build());
        Network network = check(model, 2, 6, 6);
        Layer.Residual residual = (Layer.Residual) network.layers().get(0);
        assertEquals(2, residual.body().size());
        assertEquals(1, residual.shortcut().size());
    }

    @Test
    void residualOnFlatFeaturesWithLeafBody() {
        SequentialBlock model = new SequentialBlock()
                .add(Residual.of(Linear.builder().setUnits(5).build()))
                .add(Activation.leakyReluBlock(0.2f))
                .add(Residual.of(Linear.builder().setUnits(3).build(), Linear.builder().setUnits(3).build()));
        check(model, 5);
    }

    // ---------------------------------------------------------------- a preset-style model

    @Test
    void presetStyleModel() {
        SequentialBlock model = new SequentialBlock()
                .add(Conv2d.builder().setKernelShape(new Shape(3, 3)).setFilters(4)
                        .optPadding(new Shape(1, 1)).build())
                .add(BatchNorm.builder().build())
                .add(Activation.reluBlock())
                .add(Pool.avgPool2dBlock(new Shape(2, 2), new Shape(2, 2)))
                .add(Blocks.batchFlattenBlock())
                .add(Linear.builder().setUnits(8).build())
                .add(Activation.reluBlock())
                .add(Dropout.builder().optRate(0.3f).build())
                .add(Linear.builder().setUnits(3).build());
        init(model, 2, 6, 6);
        ParameterStore store = new ParameterStore(manager, false);
        for (int i = 0; i < 3; i++) {
            model.forward(store, new NDList(input(2, 6, 6).mul(2).add(0.5)), true);
        }
        randomizeNormalization(model);
        Network network = compare(model, 2, 6, 6);
        assertLayers(network, Layer.Conv2d.class, Layer.Relu.class, Layer.AvgPool2d.class, Layer.Flatten.class,
                Layer.Dense.class, Layer.Relu.class, Layer.Dense.class);
    }

    // ---------------------------------------------------------------- rejected blocks

    @Test
    void groupNormAfterConv() {
        SequentialBlock model = new SequentialBlock()
                .add(Conv2d.builder().setKernelShape(new Shape(3, 3)).setFilters(4).optPadding(new Shape(1, 1)).build())
                .add(GroupNorm.builder().optGroups(2).build())
                .add(Activation.reluBlock())
                .add(Blocks.batchFlattenBlock())
                .add(Linear.builder().setUnits(3).build());
        Network network = check(model, 2, 6, 6);
        assertLayers(network, Layer.Conv2d.class, Layer.GroupNorm.class, Layer.Relu.class, Layer.Flatten.class,
                Layer.Dense.class);
    }

    @Test
    void batchChannelNormIsFoldedBatchNormThenGroupNorm() {
        SequentialBlock model = new SequentialBlock()
                .add(Conv2d.builder().setKernelShape(new Shape(3, 3)).setFilters(4).optPadding(new Shape(1, 1)).build())
                .add(BatchChannelNorm.builder().optGroups(2).build())
                .add(Activation.reluBlock())
                .add(Blocks.batchFlattenBlock())
                .add(Linear.builder().setUnits(3).build());
        Network network = check(model, 2, 6, 6);
        // The running-statistics step folds into the convolution before it.
        assertLayers(network, Layer.Conv2d.class, Layer.GroupNorm.class, Layer.Relu.class, Layer.Flatten.class,
                Layer.Dense.class);
    }

    @Test
    void maxPooling() {
        SequentialBlock model = new SequentialBlock()
                .add(Conv2d.builder().setKernelShape(new Shape(3, 3)).setFilters(2).optPadding(new Shape(1, 1)).build())
                .add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)))
                .add(Activation.reluBlock())
                .add(Blocks.batchFlattenBlock())
                .add(Linear.builder().setUnits(3).build());
        Network network = check(model, 1, 6, 6);
        assertLayers(network, Layer.Conv2d.class, Layer.MaxPool2d.class, Layer.Relu.class, Layer.Flatten.class,
                Layer.Dense.class);
    }

    @Test
    void layerNormIsRejectedWithItsPath() {
        UnsupportedLayerException e = rejected(LayerNorm.builder().build());
        assertTrue(e.getMessage().contains("per-sample statistics"), e.getMessage());
    }

    @Test
    void sigmoidIsRejectedWithItsPath() {
        UnsupportedLayerException e = rejected(Activation.sigmoidBlock());
        assertTrue(e.getMessage().contains("sigmoid"), e.getMessage());
        assertTrue(e.getMessage().contains("not piecewise linear"), e.getMessage());
    }

    @Test
    void aRejectedBlockInsideAResidualIsNamedByItsFullPath() {
        SequentialBlock body = new SequentialBlock()
                .add(Conv2d.builder().setKernelShape(new Shape(3, 3)).setFilters(4)
                        .optPadding(new Shape(1, 1)).build())
                .add(LayerNorm.builder().build());
        Residual residual = Residual.of(body, Conv2d.builder().setKernelShape(new Shape(1, 1)).setFilters(4).build());
        SequentialBlock model = new SequentialBlock()
                .add(Activation.reluBlock())
                .add(residual);
        init(model, 2, 6, 6);
        UnsupportedLayerException e = assertThrows(UnsupportedLayerException.class,
                () -> IrReader.read(model, new Shape(2, 6, 6)));
        // Every segment is a child key of the DJL tree, so the path leads to the block.
        String expected = "SequentialBlock/" + model.getChildren().get(1).getKey() + "/"
                + residual.getChildren().get(0).getKey() + "/" + body.getChildren().get(1).getKey();
        assertEquals(expected, e.getPath());
        assertTrue(e.getMessage().contains(expected) && e.getMessage().contains("per-sample statistics"),
                e.getMessage());
    }

    /** A NaN or infinite parameter, even one that folding would hide in a neighbour, is named. */
    @Test
    void nonFiniteParametersAreNamedWithTheirBlockAndIndex() {
        for (float bad : new float[] {Float.NaN, Float.NEGATIVE_INFINITY}) {
            SequentialBlock model = new SequentialBlock()
                    .add(Conv2d.builder().setKernelShape(new Shape(3, 3)).setFilters(4).build())
                    .add(BatchNorm.builder().build())
                    .add(Activation.reluBlock());
            init(model, 2, 6, 6);
            NDArray runningVar = model.getChildren().get(1).getValue().getParameters().get("runningVar").getArray();
            float[] values = runningVar.toFloatArray();
            values[3] = bad;
            runningVar.set(values);
            UnsupportedLayerException e = assertThrows(UnsupportedLayerException.class,
                    () -> IrReader.read(model, new Shape(2, 6, 6)));
            assertEquals("SequentialBlock/" + model.getChildren().get(1).getKey(), e.getPath());
            for (String part : List.of("parameter 'runningVar'", String.valueOf((double) bad), "[3]", "(shape [4])")) {
                assertTrue(e.getMessage().contains(part), part + " not in: " + e.getMessage());
            }
        }
    }

    // ---------------------------------------------------------------- helpers

    /** Puts the block second in a small image model and checks the exception's path. */
    private UnsupportedLayerException rejected(Block block) {
        SequentialBlock model = new SequentialBlock()
                .add(Conv2d.builder().setKernelShape(new Shape(3, 3)).setFilters(4)
                        .optPadding(new Shape(1, 1)).build())
                .add(block)
                .add(Activation.reluBlock());
        init(model, 2, 6, 6);
        UnsupportedLayerException e = assertThrows(UnsupportedLayerException.class,
                () -> IrReader.read(model, new Shape(2, 6, 6)));
        String key = model.getChildren().get(1).getKey();
        assertTrue(key.startsWith("02"), key);
        assertEquals("SequentialBlock/" + key, e.getPath());
        assertTrue(e.getMessage().contains(e.getPath()), e.getMessage());
        return e;
    }

    /** Initializes, randomizes every weight, bias and normalization statistic, and compares. */
    private Network check(Block model, long... example) {
        init(model, example);
        return compare(model, example);
    }

    private void init(Block model, long... example) {
        model.initialize(manager, DataType.FLOAT32, new Shape(1).addAll(new Shape(example)));
        for (Pair<String, Parameter> p : model.getParameters()) {
            String name = p.getKey();
            NDArray array = p.getValue().getArray();
            Shape shape = array.getShape();
            if (name.endsWith("weight")) {
                long fanIn = shape.size() / shape.get(0);
                set(array, manager.randomNormal(0, (float) (1.2 / Math.sqrt(fanIn)), shape, DataType.FLOAT32));
            } else if (name.endsWith("bias")) {
                set(array, manager.randomNormal(0, 0.5f, shape, DataType.FLOAT32));
            }
        }
        randomizeNormalization(model);
    }

    /** Sets every batch norm's γ, β and running statistics to random non-trivial values. */
    private void randomizeNormalization(Block model) {
        for (Pair<String, Parameter> p : model.getParameters()) {
            String name = p.getKey();
            NDArray array = p.getValue().getArray();
            Shape shape = array.getShape();
            if (name.endsWith("gamma")) {
                set(array, manager.randomUniform(0.3f, 2f, shape, DataType.FLOAT32)
                        .mul(manager.randomUniform(0, 1, shape).gt(0.2).toType(DataType.FLOAT32, false).mul(2).sub(1)));
            } else if (name.endsWith("beta")) {
                set(array, manager.randomNormal(0, 0.7f, shape, DataType.FLOAT32));
            } else if (name.endsWith("runningMean")) {
                set(array, manager.randomNormal(0, 0.8f, shape, DataType.FLOAT32));
            } else if (name.endsWith("runningVar")) {
                set(array, manager.randomUniform(0.05f, 3f, shape, DataType.FLOAT32));
            }
        }
    }

    private static void set(NDArray target, NDArray value) {
        target.set(value.toFloatArray());
    }

    private NDArray input(long... example) {
        return manager.randomNormal(0, 1, new Shape(BATCH).addAll(new Shape(example)), DataType.FLOAT32);
    }

    /** Compares the model's inference outputs with the lowered IR's on random inputs. */
    private Network compare(Block model, long... example) {
        NDArray x = input(example);
        NDArray y = model.forward(new ParameterStore(manager, false), new NDList(x), false).singletonOrThrow();
        double[] expected = y.toType(DataType.FLOAT64, false).toDoubleArray();
        Network network = IrReader.read(model, new Shape(example));
        try (Graph graph = Graph.of(network, manager)) {
            NDArray flat = x.toType(DataType.FLOAT64, false).reshape(BATCH, -1);
            NDArray z = graph.evaluate(flat);
            assertEquals(new Shape(BATCH, y.size() / BATCH), z.getShape(), "output shape");
            assertEquals(DataType.FLOAT64, z.getDataType());
            double[] actual = z.toDoubleArray();
            double scale = 0;
            for (double v : expected) {
                scale = Math.max(scale, Math.abs(v));
            }
            assertTrue(scale > 1e-2, "trivial outputs, scale " + scale);
            assertNotConstantAcrossBatch(expected);
            double worst = 0;
            int at = -1;
            for (int i = 0; i < expected.length; i++) {
                double d = Math.abs(expected[i] - actual[i]);
                if (d > worst) {
                    worst = d;
                    at = i;
                }
            }
            assertTrue(worst <= TOLERANCE * scale, "IR differs from the model by " + worst + " at " + at
                    + " (model " + (at < 0 ? 0 : expected[at]) + ", IR " + (at < 0 ? 0 : actual[at])
                    + ", output scale " + scale + ")");
        }
        return network;
    }

    private static void assertNotConstantAcrossBatch(double[] values) {
        int per = values.length / BATCH;
        double spread = 0;
        for (int i = 0; i < per; i++) {
            spread = Math.max(spread, Math.abs(values[i] - values[per + i]));
        }
        assertTrue(spread > 1e-3, "outputs do not depend on the input");
    }

    @SafeVarargs
    private static void assertLayers(Network network, Class<? extends Layer>... kinds) {
        List<Layer> layers = network.layers();
        assertEquals(kinds.length, layers.size(), "layers " + layers);
        for (int i = 0; i < kinds.length; i++) {
            assertInstanceOf(kinds[i], layers.get(i), "layer " + i);
        }
    }

    /** The largest singular value of a 2-d array, by power iteration in double. */
    private static double spectralNorm(NDArray w) {
        Tensor t = Tensor.of(w);
        int rows = t.dim(0);
        int cols = t.size() / rows;
        double[] a = t.data();
        double[] v = new double[cols];
        java.util.Arrays.fill(v, 1.0);
        double sigma = 0;
        for (int it = 0; it < 500; it++) {
            double[] u = new double[rows];
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < cols; c++) {
                    u[r] += a[r * cols + c] * v[c];
                }
            }
            double[] next = new double[cols];
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < cols; c++) {
                    next[c] += a[r * cols + c] * u[r];
                }
            }
            double norm = 0;
            for (double x : next) {
                norm += x * x;
            }
            norm = Math.sqrt(norm);
            sigma = Math.sqrt(norm);
            for (int c = 0; c < cols; c++) {
                v[c] = next[c] / norm;
            }
        }
        return sigma;
    }
}
