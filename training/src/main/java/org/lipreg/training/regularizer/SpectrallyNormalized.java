package org.lipreg.training.regularizer;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;

import org.lipreg.normalization.internal.Ownership;
import org.lipreg.normalization.engine.Scalars;
import org.lipreg.normalization.hook.StepContext;
import org.lipreg.normalization.hook.StepHook;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Objects;

/**
 * Spectral normalization (Miyato et al. 2018) of a DJL {@code Linear} or {@code Conv2d}: the
 * wrapped layer computes with {@code W·c/σ(W)} (σ exactly c), or, with {@code onlyShrink},
 * {@code W / max(1, σ(W)/c)} (σ at most c: a Lipschitz budget per layer).
 *
 * <p>σ comes from power iteration with vectors u and v stored as non-trainable parameters, so
 * they are saved and restored with the model. In training one iteration runs on the detached
 * weight in the forward pass (once per step under lipreg's runner, every training forward
 * otherwise); σ = ⟨u, A(W) v⟩ with u and v held fixed is then differentiable in W, as in the
 * paper. Inference uses the stored vectors without changing them. A graph never holds the
 * stored vectors while they can still change, so their in-place update cannot corrupt a
 * backward pass.
 *
 * <p>Convolutions use an {@link OperatorModel}: the reshaped weight matrix, or the convolution
 * operator at the layer's input shape (its true norm).
 */
public final class SpectrallyNormalized extends AbstractBlock implements StepHook {

    private static final byte VERSION = 1;

    private final Block layer;
    private final OperatorModel operatorModel;
    private final float target;
    private final boolean onlyShrink;
    private final int iterations;
    private final Parameter u;
    private final Parameter v;
    private LayerOperator operator;
    private boolean hookDriven;
    private boolean updatePending;

    private SpectrallyNormalized(Builder b) {
        super(VERSION);
        if (!(b.layer instanceof Linear) && !(b.layer instanceof Conv2d)) {
            throw new IllegalArgumentException("spectral normalization wraps a Linear or Conv2d block, got "
                    + (b.layer == null ? "null" : b.layer.getClass().getSimpleName()));
        }
        layer = addChildBlock("layer", b.layer);
        operatorModel = b.operatorModel;
        target = b.target;
        onlyShrink = b.onlyShrink;
        iterations = b.iterations;
        u = addParameter(Parameter.builder().setName("u").setType(Parameter.Type.OTHER)
                .optInitializer(new NormalInitializer(1f)).optRequiresGrad(false).build());
        v = addParameter(Parameter.builder().setName("v").setType(Parameter.Type.OTHER)
                .optInitializer(new NormalInitializer(1f)).optRequiresGrad(false).build());
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
     * Returns the wrapped layer.
     *
     * @return the Linear or Conv2d block
     */
    public Block getLayer() {
        return layer;
    }

    /**
     * Returns σ(W) as estimated from the stored vectors (no update), for monitoring.
     *
     * @return the estimate
     */
    public double sigma() {
        NDArray w = layer.getParameters().get("weight").getArray();
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            return sigmaOf(w.stopGradient(), u.getArray(), v.getArray()).toType(DataType.FLOAT64, false).getDouble();
        }
    }

    /**
     * Returns the factor the weight is multiplied by for a given σ.
     *
     * @param sigma σ(W)
     * @return {@code c/σ}, or {@code 1/max(1, σ/c)} when only shrinking
     */
    public double scaleFor(double sigma) {
        return onlyShrink ? 1.0 / Math.max(1.0, sigma / target) : target / sigma;
    }

    /**
     * Returns the weight exactly as an inference forward uses it: {@code W · scale(σ)} with σ
     * from the stored vectors (no update), for folding into certificates.
     *
     * @param manager the manager of the returned array
     * @return the normalized weight, same shape as the wrapped layer's
     */
    public NDArray normalizedWeight(NDManager manager) {
        NDArray w = layer.getParameters().get("weight").getArray();
        return Ownership.computeInto(manager, () -> {
            return normalize(w.stopGradient(), sigmaOf(w.stopGradient(), u.getArray(), v.getArray()));
        });
    }

    @Override
    public void beforeForward(StepContext step) {
        hookDriven = true;
        updatePending = true;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        NDArray w = store.getValue(layer.getParameters().get("weight"), x.getDevice(), training);
        Parameter biasParameter = layer.getParameters().get("bias");
        NDArray b = biasParameter == null ? null : store.getValue(biasParameter, x.getDevice(), training);
        NDArray uArr = store.getValue(u, x.getDevice(), training);
        NDArray vArr = store.getValue(v, x.getDevice(), training);
        boolean update = training && (!hookDriven || updatePending);
        updatePending &= !update;
        return new NDList(Ownership.computeInto(x.getManager(), () -> {
            // An updating forward takes σ from the power iteration's last product (the same
            // value and gradient as ⟨u, Wv⟩, one product fewer); the graph holds the fresh
            // vectors, so writing them into the stored ones cannot disturb it. Other forwards
            // use the stored vectors, which change only at a later updating forward: under the
            // runner's hook, the next step's first forward, after this step's backward.
            NDArray sigma;
            if (update) {
                NDArray[] uvs = operator.powerIterateWithSigma(w, uArr, iterations);
                uArr.set(new NDIndex("..."), uvs[0]);
                vArr.set(new NDIndex("..."), uvs[1]);
                sigma = uvs[2];
            } else {
                sigma = sigmaOf(w, uArr, vArr);
            }
            NDArray normalized = normalize(w, sigma);
            if (layer instanceof Conv2d conv) {
                return Conv2d.conv2d(x, normalized, b, conv.getStride(), conv.getPadding(), conv.getDilation(),
                        conv.getGroups()).singletonOrThrow();
            }
            return Linear.linear(x, normalized, b).singletonOrThrow();
        }));
    }

    /**
     * {@code W/(σ/c)}, or {@code W/max(1, σ/c)} when only shrinking (differentiable in W and σ).
     * One division by σ itself for the default c = 1: at small batch sizes each engine call (and
     * its backward) is a visible part of a step.
     */
    private NDArray normalize(NDArray w, NDArray sigma) {
        NDArray divisor = target == 1f ? sigma : Scalars.div(sigma, target);
        return w.div(onlyShrink ? Scalars.maximum(divisor, 1) : divisor);
    }

    private NDArray sigmaOf(NDArray w, NDArray uArr, NDArray vArr) {
        return operator.bilinear(w, uArr, vArr);
    }

    /**
     * Runs power iterations on the current weight until the stored vectors have converged, e.g.
     * before exporting or certifying a model: during training, σ is under-estimated (so the
     * effective σ slightly exceeds the target) until the vectors catch up with the weights.
     *
     * @param count how many iterations
     */
    public void refine(int count) {
        NDArray w = layer.getParameters().get("weight").getArray();
        for (int i = 0; i < count; i += iterations) {
            iterate(w, u.getArray(), v.getArray());
        }
    }

    /** Power iterations on the detached weight, written into the stored vectors. */
    private void iterate(NDArray w, NDArray uArr, NDArray vArr) {
        try (NDScope scope = new NDScope()) {
            NDArray[] uv = operator.powerIterate(w.stopGradient(), uArr, iterations);
            uArr.set(new NDIndex("..."), uv[0]);
            vArr.set(new NDIndex("..."), uv[1]);
            scope.suppressNotUsedWarning();
        }
    }

    /**
     * Initializes the layer and then runs one power iteration: with random u and v the estimate
     * {@code ⟨u, Wv⟩} has either sign, and an inference forward before the first training step
     * would scale by it; after one iteration σ = ‖Wv‖ &gt; 0.
     */
    @Override
    public void initialize(NDManager manager, DataType dataType, Shape... inputShapes) {
        super.initialize(manager, dataType, inputShapes);
        refine(1);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        layer.initialize(manager, dataType, inputShapes[0]);
    }

    @Override
    public void prepare(Shape[] inputShapes) {
        operator = operatorFor(inputShapes[0]);
        u.setShape(operator.outputShape());
        v.setShape(operator.inputShape());
    }

    private LayerOperator operatorFor(Shape input) {
        return LayerOperator.of(layer, input, operatorModel);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return layer.getOutputShapes(inputShapes);
    }

    @Override
    protected void saveMetadata(DataOutputStream os) throws IOException {
        saveInputShapes(os);
        os.writeUTF(operatorModel.name());
    }

    @Override
    public void loadMetadata(byte loadVersion, DataInputStream is) throws IOException, MalformedModelException {
        if (loadVersion != VERSION) {
            throw new MalformedModelException("SpectrallyNormalized: saved with format version " + loadVersion
                    + "; this lipreg reads version " + VERSION);
        }
        readInputShapes(is);
        String saved = is.readUTF();
        if (!saved.equals(operatorModel.name())) {
            throw new MalformedModelException("SpectrallyNormalized: saved with operator model " + saved
                    + " but this block uses " + operatorModel);
        }
        if (operator == null && inputShapes != null) {
            operator = operatorFor(inputShapes[0]);
        }
    }

    /** Builds a {@link SpectrallyNormalized}. */
    public static final class Builder {
        private Block layer;
        private OperatorModel operatorModel = OperatorModel.RESHAPED;
        private float target = 1f;
        private boolean onlyShrink;
        private int iterations = 1;

        Builder() {}

        /**
         * Sets the power iterations per training step (default 1, as in the paper). σ is
         * estimated from below until the vectors converge, so the effective σ can exceed the
         * target early in training; more iterations converge sooner.
         *
         * @param iterations at least 1
         * @return this builder
         */
        public Builder optIterations(int iterations) {
            if (iterations < 1) {
                throw new IllegalArgumentException("iterations must be at least 1, got " + iterations);
            }
            this.iterations = iterations;
            return this;
        }

        /**
         * Sets the layer to normalize: a DJL {@code Linear} or {@code Conv2d}.
         *
         * @param layer the layer
         * @return this builder
         */
        public Builder setLayer(Block layer) {
            this.layer = Objects.requireNonNull(layer, "layer");
            return this;
        }

        /**
         * Sets the operator model of a convolution (default {@link OperatorModel#RESHAPED}).
         *
         * @param operatorModel the model
         * @return this builder
         */
        public Builder optOperatorModel(OperatorModel operatorModel) {
            this.operatorModel = Objects.requireNonNull(operatorModel, "operatorModel");
            return this;
        }

        /**
         * Sets the target (or budget) c for σ (default 1).
         *
         * @param target positive
         * @return this builder
         */
        public Builder optTarget(float target) {
            if (!(target > 0) || !Float.isFinite(target)) {
                throw new IllegalArgumentException("target must be a positive number, got " + target);
            }
            this.target = target;
            return this;
        }

        /**
         * Only shrink: divide by {@code max(1, σ/c)} instead of {@code σ/c}, so layers already
         * within the budget are left alone (default false).
         *
         * @param onlyShrink whether to leave σ ≤ c unchanged
         * @return this builder
         */
        public Builder optOnlyShrink(boolean onlyShrink) {
            this.onlyShrink = onlyShrink;
            return this;
        }

        /**
         * Builds the wrapper.
         *
         * @return the block
         */
        public SpectrallyNormalized build() {
            return new SpectrallyNormalized(this);
        }
    }
}
