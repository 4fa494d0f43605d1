package org.lipreg.normalization.groupnorm;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

import org.lipreg.normalization.internal.ConstantArrays;
import org.lipreg.normalization.internal.Ownership;

import java.io.DataInputStream;
import java.io.IOException;

/**
 * Group Normalization (Wu &amp; He): channels split into groups, each (sample, group) normalized
 * by its own mean and variance, then a per-channel affine.
 *
 * <p>Input {@code (N, C, *)}: view as {@code (N, G, C/G·∏*)}, {@code x̂ = (x − μ)/√(σ² + ε)} with
 * the biased variance (divide by the group size), then {@code y = γ_c x̂ + β_c}. The same in
 * training and inference: no running statistics. G = 32 and ε = 1e-5 by default; G must
 * divide C.
 */
public final class GroupNorm extends AbstractBlock {

    private static final byte VERSION = 1;

    /** The default number of groups. */
    public static final int DEFAULT_GROUPS = 32;

    private final int groups;
    private final float epsilon;
    private final Parameter gamma;
    private final Parameter beta;
    private final ConstantArrays constants = new ConstantArrays();

    private GroupNorm(Builder b) {
        super(VERSION);
        groups = b.groups;
        epsilon = b.epsilon;
        gamma = b.affine ? addParameter(Parameter.builder().setName("gamma").setType(Parameter.Type.GAMMA).build()) : null;
        beta = b.affine ? addParameter(Parameter.builder().setName("beta").setType(Parameter.Type.BETA).build()) : null;
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
     * Returns the number of groups.
     *
     * @return G
     */
    public int getGroups() {
        return groups;
    }

    /**
     * Returns ε, added to each group's variance.
     *
     * @return ε
     */
    public float getEpsilon() {
        return epsilon;
    }

    /**
     * Normalizes each (sample, group) of {@code x} to zero mean and unit variance, no affine.
     *
     * @param x input {@code (N, C, *)}
     * @param groups G, dividing C
     * @param epsilon ε
     * @return the normalized input, same shape
     */
    public static NDArray normalize(NDArray x, int groups, float epsilon) {
        return normalize(x, groups, epsilon, null, x.getManager());
    }

    private static NDArray normalize(NDArray x, int groups, float epsilon, ConstantArrays constants, NDManager owner) {
        Shape shape = x.getShape();
        long perGroup = shape.size() / (shape.get(0) * groups);
        // One fused kernel: layer normalization of each (sample, group) row, identity affine.
        NDArray ones = constants == null ? owner.ones(new Shape(perGroup), x.getDataType())
                : constants.ones(owner, perGroup, x.getDataType());
        NDArray zeros = constants == null ? owner.zeros(new Shape(perGroup), x.getDataType())
                : constants.zeros(owner, perGroup, x.getDataType());
        return LayerNorm.layerNorm(x.reshape(shape.get(0), groups, perGroup), new Shape(perGroup), ones, zeros, epsilon)
                .singletonOrThrow()
                .reshape(shape);
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        checkChannels(x.getShape().get(1));
        NDArray g = gamma == null ? null : store.getValue(gamma, x.getDevice(), training);
        NDArray b = beta == null ? null : store.getValue(beta, x.getDevice(), training);
        if (g == null) {
            return new NDList(Ownership.computeInto(x.getManager(), () -> normalize(x, groups, epsilon)));
        }
        NDManager owner = g.getManager();
        return new NDList(Ownership.computeInto(x.getManager(),
                () -> affine(normalize(x, groups, epsilon, constants, owner), g, b, epsilon, constants)));
    }

    /**
     * Computes {@code γ_c y + β_c} per channel as one fused kernel (forward and backward): batch
     * normalization in inference form with running mean 0 and running variance 1 − ε divides by
     * √(1 − ε + ε) = 1.
     *
     * @param y input {@code (N, C, *)}
     * @param gamma per-channel scale
     * @param beta per-channel shift
     * @param epsilon the ε handed to the kernel (any positive value below 1)
     * @param constants where the constant arrays come from
     * @return the affine transform of {@code y}
     */
    private static NDArray affine(NDArray y, NDArray gamma, NDArray beta, float epsilon, ConstantArrays constants) {
        long channels = y.getShape().get(1);
        NDManager owner = gamma.getManager();
        NDArray zeroMean = constants.zeros(owner, channels, y.getDataType());
        // 1 − ε in the array's own precision, so that the kernel's (1 − ε) + ε is 1 to the last bit.
        NDArray unitVariance = constants.get("unit-variance/" + channels + "/" + y.getDataType() + "/" + epsilon, owner,
                m -> m.ones(new Shape(channels), y.getDataType()).sub(epsilon));
        return BatchNorm.batchNorm(y, zeroMean, unitVariance, gamma, beta, 1, 0.9f, epsilon, false).singletonOrThrow();
    }

    /** Reshapes a per-channel vector to broadcast over (N, C, *). */
    static NDArray channelView(NDArray perChannel, NDArray like) {
        long[] shape = new long[like.getShape().dimension()];
        java.util.Arrays.fill(shape, 1);
        shape[1] = perChannel.getShape().get(0);
        return perChannel.reshape(shape);
    }

    private void checkChannels(long channels) {
        if (channels % groups != 0) {
            throw new IllegalArgumentException("groups (" + groups + ") must divide the number of channels (" + channels + ")");
        }
    }

    @Override
    public void prepare(Shape[] inputShapes) {
        long channels = inputShapes[0].get(1);
        checkChannels(channels);
        if (gamma != null) {
            gamma.setShape(new Shape(channels));
            beta.setShape(new Shape(channels));
        }
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    @Override
    public void loadMetadata(byte loadVersion, DataInputStream is) throws IOException, MalformedModelException {
        if (loadVersion != VERSION) {
            throw new MalformedModelException("GroupNorm: parameters saved with format version " + loadVersion
                    + "; this lipreg reads version " + VERSION);
        }
        readInputShapes(is);
    }

    /** Builds a {@link GroupNorm}. */
    public static final class Builder {
        private int groups = DEFAULT_GROUPS;
        private float epsilon = 1e-5f;
        private boolean affine = true;

        Builder() {}

        /**
         * Sets the number of groups (default 32); it must divide the channels.
         *
         * @param groups at least 1
         * @return this builder
         */
        public Builder optGroups(int groups) {
            if (groups < 1) {
                throw new IllegalArgumentException("groups must be at least 1, got " + groups);
            }
            this.groups = groups;
            return this;
        }

        /**
         * Sets ε (default 1e-5).
         *
         * @param epsilon positive
         * @return this builder
         */
        public Builder optEpsilon(float epsilon) {
            if (!(epsilon > 0)) {
                throw new IllegalArgumentException("epsilon must be positive, got " + epsilon);
            }
            this.epsilon = epsilon;
            return this;
        }

        /**
         * Sets whether there is a per-channel affine γ, β (default true).
         *
         * @param affine whether to learn γ and β
         * @return this builder
         */
        public Builder optAffine(boolean affine) {
            this.affine = affine;
            return this;
        }

        /**
         * Builds the layer.
         *
         * @return the layer
         */
        public GroupNorm build() {
            return new GroupNorm(this);
        }
    }
}
