package org.lipreg.normalization.transformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;

import org.lipreg.normalization.internal.Ownership;
import org.lipreg.normalization.engine.Scalars;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A causal (decoder-only) transformer language model: token ids {@code (B, T)} → next-token
 * logits {@code (B, T, V)}.
 *
 * <ol>
 *   <li>Token embedding E {@code (V, C)}, initialized N(0, 1/C) and scaled by √C, plus the fixed
 *       sinusoidal positional encoding ({@code PE[t, 2i] = sin(t/10000^{2i/C})},
 *       {@code PE[t, 2i+1] = cos(…)}; no parameters, any length), then dropout.
 *   <li>n {@link TransformerBlock}s with the chosen {@link TransformerNorm}, pre- or post-norm.
 *   <li>A final norm of the same kind for pre-norm models (post-norm blocks already end in one).
 *   <li>The output projection tied to the embedding: {@code logits = h Eᵀ + b} with a free bias
 *       b {@code (V)}.
 * </ol>
 *
 * <p>Input ids may be any numeric type; they are rounded to int64. The output at position t depends
 * only on ids at positions ≤ t (see {@link TransformerNorm} for the statistics of BN/PN in
 * training and PN-V).
 */
public final class CausalLanguageModel extends AbstractBlock {

    private static final byte VERSION = 1;

    private final int vocabularySize;
    private final int width;
    private final float dropout;
    private final boolean preNorm;
    private final Parameter embedding;
    private final Parameter outputBias;
    private final List<TransformerBlock> blocks;
    private final Block finalNorm;
    private float[] positionCache = new float[0];
    private int cachedLength;

    private CausalLanguageModel(Builder b) {
        super(VERSION);
        vocabularySize = b.vocabularySize;
        width = b.block.width();
        dropout = b.dropout;
        preNorm = b.preNorm;
        embedding = addParameter(Parameter.builder().setName("embedding").setType(Parameter.Type.WEIGHT)
                .optInitializer(new NormalInitializer((float) (1 / Math.sqrt(width)))).build());
        outputBias = addParameter(Parameter.builder().setName("outputBias").setType(Parameter.Type.BIAS).build());
        List<TransformerBlock> list = new ArrayList<>();
        for (int i = 0; i < b.layers; i++) {
            list.add(addChildBlock("block" + i, b.block.optDropout(b.dropout).optPreNorm(b.preNorm).optNorm(b.norm).build()));
        }
        blocks = Collections.unmodifiableList(list);
        finalNorm = preNorm ? addChildBlock("finalNorm", b.norm.create(b.normGroups, b.powerWarmup)) : null;
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
     * Returns the vocabulary size V.
     *
     * @return V
     */
    public int getVocabularySize() {
        return vocabularySize;
    }

    /**
     * Returns the transformer blocks, in order.
     *
     * @return the blocks
     */
    public List<TransformerBlock> getBlocks() {
        return blocks;
    }

    /**
     * The sinusoidal positional encoding, {@code length × width} values, row after row.
     *
     * @param length T
     * @param width C
     * @return the values
     */
    public static float[] sinusoidal(int length, int width) {
        float[] pe = new float[length * width];
        for (int t = 0; t < length; t++) {
            for (int i = 0; i < width; i += 2) {
                double angle = t / Math.pow(10000, (double) i / width);
                pe[t * width + i] = (float) Math.sin(angle);
                if (i + 1 < width) {
                    pe[t * width + i + 1] = (float) Math.cos(angle);
                }
            }
        }
        return pe;
    }

    private synchronized float[] positions(int length) {
        if (length != cachedLength) {
            positionCache = sinusoidal(length, width);
            cachedLength = length;
        }
        return positionCache;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray ids = inputs.singletonOrThrow();
        if (ids.getShape().dimension() != 2) {
            throw new IllegalArgumentException("CausalLanguageModel input must be token ids (B, T), got " + ids.getShape());
        }
        int length = Math.toIntExact(ids.getShape().get(1));
        NDArray weight = store.getValue(embedding, ids.getDevice(), training);
        NDArray bias = store.getValue(outputBias, ids.getDevice(), training);
        NDArray index = ids.getDataType() == DataType.INT64 ? ids : ids.round().toType(DataType.INT64, false);
        NDArray tokens = ids.getNDArrayInternal().embedding(index, weight, SparseFormat.DENSE).singletonOrThrow();
        NDArray pe = ids.getManager().create(positions(length), new Shape(length, width)).toType(tokens.getDataType(), false);
        NDArray h = Scalars.mul(tokens, Math.sqrt(width)).add(pe);
        if (training && dropout > 0) {
            h = Dropout.dropout(h, dropout, true).singletonOrThrow();
        }
        for (TransformerBlock block : blocks) {
            h = block.forward(store, new NDList(h), training, params).singletonOrThrow();
        }
        if (finalNorm != null) {
            h = finalNorm.forward(store, new NDList(h), training, params).singletonOrThrow();
        }
        // The transposed embedding would belong to the parameters' manager and pile up there.
        NDArray hidden = h;
        return new NDList(Ownership.computeInto(h.getManager(), () -> hidden.matMul(weight.transpose()).add(bias)));
    }

    @Override
    public void prepare(Shape[] inputShapes) {
        embedding.setShape(new Shape(vocabularySize, width));
        outputBias.setShape(new Shape(vocabularySize));
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape in = inputShapes[0];
        Shape hidden = new Shape(in.get(0), in.get(1), width);
        for (TransformerBlock block : blocks) {
            block.initialize(manager, dataType, hidden);
        }
        if (finalNorm != null) {
            finalNorm.initialize(manager, dataType, hidden);
        }
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape in = inputShapes[0];
        return new Shape[] {new Shape(in.get(0), in.get(1), vocabularySize)};
    }

    /** Builds a {@link CausalLanguageModel}. */
    public static final class Builder {
        private int vocabularySize;
        private int layers = 2;
        private float dropout = 0.1f;
        private boolean preNorm = true;
        private TransformerNorm norm = TransformerNorm.LN;
        private int normGroups = 1;
        private long powerWarmup = 1000;
        private final TransformerBlock.Builder block = TransformerBlock.builder();

        Builder() {}

        /**
         * Sets the vocabulary size V (required).
         *
         * @param size at least 1
         * @return this builder
         */
        public Builder setVocabularySize(int size) {
            if (size < 1) {
                throw new IllegalArgumentException("vocabulary size must be at least 1, got " + size);
            }
            this.vocabularySize = size;
            return this;
        }

        /**
         * Sets the number of transformer blocks (default 2).
         *
         * @param layers at least 1
         * @return this builder
         */
        public Builder setLayers(int layers) {
            if (layers < 1) {
                throw new IllegalArgumentException("layers must be at least 1, got " + layers);
            }
            this.layers = layers;
            return this;
        }

        /**
         * Sets the model width C (default 64).
         *
         * @param width at least 1
         * @return this builder
         */
        public Builder setWidth(int width) {
            block.setWidth(width);
            return this;
        }

        /**
         * Sets the attention heads (default 4).
         *
         * @param heads dividing the width
         * @return this builder
         */
        public Builder setHeads(int heads) {
            block.setHeads(heads);
            return this;
        }

        /**
         * Sets the feed-forward width (default 256).
         *
         * @param ffWidth at least 1
         * @return this builder
         */
        public Builder setFeedForwardWidth(int ffWidth) {
            block.setFeedForwardWidth(ffWidth);
            return this;
        }

        /**
         * Sets the dropout rate everywhere (default 0.1).
         *
         * @param rate in [0, 1)
         * @return this builder
         */
        public Builder optDropout(float rate) {
            block.optDropout(rate);
            this.dropout = rate;
            return this;
        }

        /**
         * Sets the normalization (default LN).
         *
         * @param norm the norm
         * @return this builder
         */
        public Builder optNorm(TransformerNorm norm) {
            block.optNorm(norm);
            this.norm = norm;
            return this;
        }

        /**
         * Chooses pre-norm (default) or post-norm blocks.
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
         * @param groups dividing the width
         * @return this builder
         */
        public Builder optNormGroups(int groups) {
            block.optNormGroups(groups);
            this.normGroups = groups;
            return this;
        }

        /**
         * Sets PowerNorm's warm-up K (default 1000).
         *
         * @param steps at least 0
         * @return this builder
         */
        public Builder optPowerWarmup(long steps) {
            block.optPowerWarmup(steps);
            this.powerWarmup = steps;
            return this;
        }

        /**
         * Builds the model.
         *
         * @return the model
         */
        public CausalLanguageModel build() {
            if (vocabularySize < 1) {
                throw new IllegalArgumentException("setVocabularySize is required");
            }
            return new CausalLanguageModel(this);
        }
    }
}
