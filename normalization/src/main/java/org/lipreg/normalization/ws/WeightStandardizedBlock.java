package org.lipreg.normalization.ws;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

import org.lipreg.normalization.internal.ConstantArrays;
import org.lipreg.normalization.internal.Ownership;

import java.io.DataInputStream;
import java.io.IOException;

/**
 * The shared part of the weight-standardized layers: a weight and optional bias, the
 * standardized weight computed in the graph during training, and a cached standardized weight
 * for inference.
 *
 * <p>The inference cache is dropped by every training forward (an optimizer step may follow)
 * and by {@link #loadParameters}; call {@link #invalidateCache} after changing the weight any
 * other way. In inference the cached weight carries no gradient to the raw weight (input
 * gradients are unaffected).
 */
public abstract class WeightStandardizedBlock extends AbstractBlock {

    private static final byte VERSION = 1;

    /** The raw (unstandardized) weight that training updates. */
    protected final Parameter weight;
    /** The bias, or null without one. */
    protected final Parameter bias;
    /** Added to the weight's variance before the square root. */
    protected final float epsilon;
    private NDArray inferenceWeight;
    private final ConstantArrays constants = new ConstantArrays();

    /**
     * Creates the block's weight standardization settings and bias from its builder.
     *
     * @param builder the concrete layer's builder
     */
    protected WeightStandardizedBlock(BaseBuilder<?> builder) {
        this(builder.includeBias, builder.epsilon);
    }

    private WeightStandardizedBlock(boolean includeBias, float epsilon) {
        super(VERSION);
        if (!(epsilon > 0)) {
            throw new IllegalArgumentException("epsilon must be positive, got " + epsilon);
        }
        this.epsilon = epsilon;
        weight = addParameter(Parameter.builder().setName("weight").setType(Parameter.Type.WEIGHT).build());
        bias = includeBias
                ? addParameter(Parameter.builder().setName("bias").setType(Parameter.Type.BIAS).build())
                : null;
    }

    /**
     * Applies the layer's operation with the standardized weight.
     *
     * @param input the input
     * @param standardizedWeight the standardized weight
     * @param bias the bias, or {@code null}
     * @return the output
     */
    protected abstract NDArray apply(NDArray input, NDArray standardizedWeight, NDArray bias);

    @Override
    protected NDList forwardInternal(
            ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray input = inputs.singletonOrThrow();
        NDArray w = store.getValue(weight, input.getDevice(), training);
        NDArray b = bias == null ? null : store.getValue(bias, input.getDevice(), training);
        NDArray standardized;
        if (training) {
            invalidateCache();
            standardized = Ownership.computeInto(input.getManager(),
                    () -> WeightStandardization.standardize(w, epsilon, constants));
        } else {
            if (inferenceWeight == null || inferenceWeight.isReleased()) {
                NDManager owner = w.getManager();
                inferenceWeight = Ownership.computeInto(owner, () -> WeightStandardization.standardize(w, epsilon).stopGradient());
            }
            standardized = inferenceWeight;
        }
        return new NDList(apply(input, standardized, b));
    }

    /**
     * Standardizes a weight as this layer does, differentiably: gradients flow through the mean
     * and variance back to {@code weight} (how a penalty on the standardized weight reaches the
     * raw parameter).
     *
     * @param weight a weight of this layer's shape, e.g. its parameter's array
     * @return the standardized weight, in {@code weight}'s manager
     */
    public NDArray standardize(NDArray weight) {
        return WeightStandardization.standardize(weight, epsilon);
    }

    /**
     * Returns the standardized weight as the layer uses it in inference (for folding into
     * certificates and for inspection).
     *
     * @param manager the manager of the returned copy
     * @return a copy of the standardized weight
     */
    public NDArray standardizedWeight(NDManager manager) {
        NDArray w = weight.getArray();
        NDArray s = Ownership.computeInto(manager, () -> WeightStandardization.standardize(w, epsilon).stopGradient());
        return s;
    }

    /** Drops the cached inference weight; the next inference forward recomputes it. */
    public void invalidateCache() {
        if (inferenceWeight != null) {
            inferenceWeight.close();
            inferenceWeight = null;
        }
    }

    @Override
    public void loadParameters(NDManager manager, DataInputStream is) throws IOException, MalformedModelException {
        invalidateCache();
        super.loadParameters(manager, is);
    }

    @Override
    public void loadMetadata(byte loadVersion, DataInputStream is) throws IOException, MalformedModelException {
        if (loadVersion != VERSION) {
            throw new MalformedModelException(getClass().getSimpleName() + ": parameters saved with format version "
                    + loadVersion + "; this lipreg reads version " + VERSION);
        }
        readInputShapes(is);
    }

    /** Checks a positive setting. */
    static int positive(String name, long value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be at least 1, got " + value);
        }
        return Math.toIntExact(value);
    }

    /** Returns the last {@code dims} entries of a shape as an array, validated as positive. */
    static long[] dims(String name, Shape shape, int dims, long minimum) {
        if (shape == null || shape.dimension() != dims) {
            throw new IllegalArgumentException(name + " must have " + dims + " dimension(s), got " + shape);
        }
        for (long d : shape.getShape()) {
            if (d < minimum) {
                throw new IllegalArgumentException(name + " entries must be at least " + minimum + ", got " + shape);
            }
        }
        return shape.getShape();
    }

    /**
     * The settings every weight-standardized layer has.
     *
     * @param <T> the concrete builder
     */
    public abstract static class BaseBuilder<T extends BaseBuilder<T>> {
        private boolean includeBias = true;
        private float epsilon = WeightStandardization.DEFAULT_EPSILON;

        /**
         * Returns this builder as its concrete type, for chained setters.
         *
         * @return this builder
         */
        protected abstract T self();

        /**
         * Sets whether the layer has a bias (default true).
         *
         * @param includeBias whether to add a bias
         * @return this builder
         */
        public T optBias(boolean includeBias) {
            this.includeBias = includeBias;
            return self();
        }

        /**
         * Sets ε (default 1e-5).
         *
         * @param epsilon positive
         * @return this builder
         */
        public T optEpsilon(float epsilon) {
            this.epsilon = epsilon;
            return self();
        }
    }
}
