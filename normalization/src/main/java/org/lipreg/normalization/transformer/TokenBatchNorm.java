package org.lipreg.normalization.transformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Batch normalization of token activations {@code (..., C)}: every leading position is one
 * example, so the statistics are per channel (the last axis) over all B·T tokens. The tokens
 * are flattened to {@code (B·T, C)} and handed to DJL's {@code BatchNorm} (channel axis 1), whose
 * running mean and variance serve inference. There is no padding mask: the language model's
 * windows are contiguous token streams without padding.
 */
public final class TokenBatchNorm extends AbstractBlock {

    private static final byte VERSION = 1;

    private final BatchNorm norm;

    /** Creates the block with DJL's default momentum (0.9) and ε (1e-5). */
    public TokenBatchNorm() {
        super(VERSION);
        norm = addChildBlock("batchNorm", BatchNorm.builder().optAxis(1).build());
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        Shape shape = x.getShape();
        NDArray flat = x.reshape(-1, shape.get(shape.dimension() - 1));
        NDArray y = norm.forward(store, new NDList(flat), training, params).singletonOrThrow();
        return new NDList(y.reshape(shape));
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape in = inputShapes[0];
        norm.initialize(manager, dataType, new Shape(in.size() / in.get(in.dimension() - 1), in.get(in.dimension() - 1)));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }
}
