package org.lipreg.normalization.transformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import org.lipreg.normalization.engine.Scalars;

/**
 * Multi-head causal self-attention on {@code (B, T, C)}: one linear layer gives queries, keys and
 * values ({@code C → 3C}), each head (width {@code D = C/H}) attends with scores
 * {@code q·kᵀ/√D}, and an output linear layer mixes the heads.
 *
 * <p>The causal mask adds {@code −10⁹} to every score of a key after the query; in float32 that
 * sum rounds to −10⁹ whatever the score, so after the softmax the weight of every later token is
 * exactly 0 and outputs at position t do not depend on tokens after t (the tests check it). The
 * diagonal is never masked, so every row has a finite maximum. Attention dropout (on the
 * weights) only acts in training.
 */
public final class CausalSelfAttention extends AbstractBlock {

    private static final byte VERSION = 1;

    /** The value added to masked scores. */
    static final float MASKED = -1e9f;

    private final int width;
    private final int heads;
    private final float dropout;
    private final Linear qkv;
    private final Linear output;

    /**
     * Creates the block.
     *
     * @param width the model width C
     * @param heads the number of heads H, dividing C
     * @param dropout the dropout rate of the attention weights
     */
    public CausalSelfAttention(int width, int heads, float dropout) {
        super(VERSION);
        if (heads < 1 || width % heads != 0) {
            throw new IllegalArgumentException("heads (" + heads + ") must divide the width (" + width + ")");
        }
        this.width = width;
        this.heads = heads;
        this.dropout = dropout;
        qkv = addChildBlock("qkv", Linear.builder().setUnits(3L * width).build());
        output = addChildBlock("output", Linear.builder().setUnits(width).build());
    }

    /**
     * Returns the additive causal mask {@code (T, T)}: 0 where key ≤ query, {@code −10⁹} above the
     * diagonal.
     *
     * @param manager the manager of the result
     * @param length T
     * @param type the data type
     * @return the mask
     */
    public static NDArray causalMask(NDManager manager, int length, DataType type) {
        float[] mask = new float[length * length];
        for (int q = 0; q < length; q++) {
            for (int k = q + 1; k < length; k++) {
                mask[q * length + k] = MASKED;
            }
        }
        return manager.create(mask, new Shape(length, length)).toType(type, false);
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        Shape shape = x.getShape();
        long b = shape.get(0);
        int t = Math.toIntExact(shape.get(1));
        long d = width / heads;
        NDArray projected = qkv.forward(store, new NDList(x), training, params).singletonOrThrow();
        // (B, T, 3C) → (3, B, H, T, D)
        NDArray split = projected.reshape(b, t, 3, heads, d).transpose(2, 0, 3, 1, 4);
        NDArray q = split.get(0);
        NDArray k = split.get(1);
        NDArray v = split.get(2);
        NDArray scores = Scalars.div(q.matMul(k.transpose(0, 1, 3, 2)), Math.sqrt(d));
        NDArray mask = causalMask(x.getManager(), t, scores.getDataType());
        NDArray weights = scores.add(mask).softmax(-1);
        if (training && dropout > 0) {
            weights = Dropout.dropout(weights, dropout, true).singletonOrThrow();
        }
        NDArray mixed = weights.matMul(v).transpose(0, 2, 1, 3).reshape(b, t, width);
        return output.forward(store, new NDList(mixed), training, params);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape in = inputShapes[0];
        qkv.initialize(manager, dataType, in);
        output.initialize(manager, dataType, new Shape(in.get(0), in.get(1), width));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape in = inputShapes[0];
        return new Shape[] {new Shape(in.get(0), in.get(1), width)};
    }
}
