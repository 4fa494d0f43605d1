package org.lipreg.normalization.transformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

import java.util.Objects;

/**
 * A causal transformer block on {@code (B, T, C)}: multi-head causal self-attention and a
 * feed-forward network ({@code C → F → C}, GELU), each with a residual connection, dropout on the
 * branch output, and a pluggable {@link TransformerNorm}.
 *
 * <ul>
 *   <li>pre-norm: {@code x ← x + drop(attn(norm1(x)))}, {@code x ← x + drop(ffn(norm2(x)))};
 *   <li>post-norm (the original transformer, and the PowerNorm paper's setting):
 *       {@code x ← norm1(x + drop(attn(x)))}, {@code x ← norm2(x + drop(ffn(x)))}.
 * </ul>
 *
 * <p>The block is built from lipreg's {@link CausalSelfAttention} and DJL's {@code Linear},
 * {@code Dropout} and normalization pieces rather than DJL's {@code TransformerEncoderBlock}: the
 * latter's normalization is fixed to layer norm and its mask is an input, while here the norm is
 * the point of the exercise and the causal mask is built in. PowerNorm blocks inside are {@link
 * org.lipreg.normalization.hook.StepHook}s that the training runner finds and drives.
 */
public final class TransformerBlock extends AbstractBlock {

    private static final byte VERSION = 1;

    private final int width;
    private final float dropout;
    private final boolean preNorm;
    private final TransformerNorm normKind;
    private final CausalSelfAttention attention;
    private final Linear expand;
    private final Linear contract;
    private final Block norm1;
    private final Block norm2;

    private TransformerBlock(Builder b) {
        super(VERSION);
        width = b.width;
        dropout = b.dropout;
        preNorm = b.preNorm;
        normKind = b.norm;
        attention = addChildBlock("attention", new CausalSelfAttention(b.width, b.heads, b.dropout));
        expand = addChildBlock("expand", Linear.builder().setUnits(b.ffWidth).build());
        contract = addChildBlock("contract", Linear.builder().setUnits(b.width).build());
        norm1 = addChildBlock("norm1", b.norm.create(b.normGroups, b.powerWarmup));
        norm2 = addChildBlock("norm2", b.norm.create(b.normGroups, b.powerWarmup));
    }

    /**
     * Creates a builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns the normalization.
     *
     * @return the norm
     */
    public TransformerNorm getNorm() {
        return normKind;
    }

    /**
     * Returns whether the block normalizes before each branch (else after each residual sum).
     *
     * @return true for pre-norm
     */
    public boolean isPreNorm() {
        return preNorm;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        if (preNorm) {
            NDArray h = x.add(drop(attention.forward(store, norm(norm1, store, x, training, params), training, params),
                    training));
            return new NDList(h.add(drop(feedForward(store, norm(norm2, store, h, training, params), training, params),
                    training)));
        }
        NDArray h = norm(norm1, store,
                x.add(drop(attention.forward(store, new NDList(x), training, params), training)), training, params)
                .singletonOrThrow();
        return norm(norm2, store,
                h.add(drop(feedForward(store, new NDList(h), training, params), training)), training, params);
    }

    private NDList feedForward(ParameterStore store, NDList x, boolean training, PairList<String, Object> params) {
        NDArray hidden = Activation.gelu(expand.forward(store, x, training, params).singletonOrThrow());
        if (training && dropout > 0) {
            hidden = Dropout.dropout(hidden, dropout, true).singletonOrThrow();
        }
        return contract.forward(store, new NDList(hidden), training, params);
    }

    private static NDList norm(Block norm, ParameterStore store, NDArray x, boolean training,
            PairList<String, Object> params) {
        return norm.forward(store, new NDList(x), training, params);
    }

    private NDArray drop(NDList branch, boolean training) {
        NDArray y = branch.singletonOrThrow();
        return training && dropout > 0 ? Dropout.dropout(y, dropout, true).singletonOrThrow() : y;
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape in = inputShapes[0];
        if (in.dimension() != 3 || in.get(2) != width) {
            throw new IllegalArgumentException("TransformerBlock input must be (B, T, " + width + "), got " + in);
        }
        attention.initialize(manager, dataType, in);
        expand.initialize(manager, dataType, in);
        contract.initialize(manager, dataType, expand.getOutputShapes(new Shape[] {in}));
        norm1.initialize(manager, dataType, in);
        norm2.initialize(manager, dataType, in);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    /** Builds a {@link TransformerBlock}. */
    public static final class Builder {
        private int width = 64;
        private int heads = 4;
        private int ffWidth = 256;
        private float dropout = 0.1f;
        private TransformerNorm norm = TransformerNorm.LN;
        private boolean preNorm = true;
        private int normGroups = 1;
        private long powerWarmup = 1000;

        Builder() {}

        /**
         * Sets the model width C (default 64).
         *
         * @param width at least 1
         * @return this builder
         */
        public Builder setWidth(int width) {
            this.width = positive("width", width);
            return this;
        }

        /**
         * Sets the number of attention heads (default 4); it must divide the width.
         *
         * @param heads at least 1
         * @return this builder
         */
        public Builder setHeads(int heads) {
            this.heads = positive("heads", heads);
            return this;
        }

        /**
         * Sets the feed-forward width F (default 256).
         *
         * @param ffWidth at least 1
         * @return this builder
         */
        public Builder setFeedForwardWidth(int ffWidth) {
            this.ffWidth = positive("ffWidth", ffWidth);
            return this;
        }

        /**
         * Sets the dropout rate of branch outputs, attention weights and the feed-forward hidden
         * layer (default 0.1).
         *
         * @param rate in [0, 1)
         * @return this builder
         */
        public Builder optDropout(float rate) {
            if (!(rate >= 0 && rate < 1)) {
                throw new IllegalArgumentException("dropout must be in [0, 1), got " + rate);
            }
            this.dropout = rate;
            return this;
        }

        /**
         * Sets the normalization (default {@link TransformerNorm#LN}).
         *
         * @param norm the norm
         * @return this builder
         */
        public Builder optNorm(TransformerNorm norm) {
            this.norm = Objects.requireNonNull(norm, "norm");
            return this;
        }

        /**
         * Chooses pre-norm (default) or post-norm.
         *
         * @param preNorm true for pre-norm
         * @return this builder
         */
        public Builder optPreNorm(boolean preNorm) {
            this.preNorm = preNorm;
            return this;
        }

        /**
         * Sets PowerNorm's group-scaling groups (default 1).
         *
         * @param groups at least 1, dividing the width
         * @return this builder
         */
        public Builder optNormGroups(int groups) {
            this.normGroups = positive("normGroups", groups);
            return this;
        }

        /**
         * Sets PowerNorm's warm-up K (default 1000).
         *
         * @param steps at least 0
         * @return this builder
         */
        public Builder optPowerWarmup(long steps) {
            if (steps < 0) {
                throw new IllegalArgumentException("powerWarmup must be at least 0, got " + steps);
            }
            this.powerWarmup = steps;
            return this;
        }

        /**
         * Builds the block.
         *
         * @return the block
         */
        public TransformerBlock build() {
            if (width % heads != 0) {
                throw new IllegalArgumentException("heads (" + heads + ") must divide the width (" + width + ")");
            }
            if (width % normGroups != 0) {
                throw new IllegalArgumentException("normGroups (" + normGroups + ") must divide the width (" + width + ")");
            }
            return new TransformerBlock(this);
        }

        int width() {
            return width;
        }

        private static int positive(String name, int value) {
            if (value < 1) {
                throw new IllegalArgumentException(name + " must be at least 1, got " + value);
            }
            return value;
        }
    }
}
