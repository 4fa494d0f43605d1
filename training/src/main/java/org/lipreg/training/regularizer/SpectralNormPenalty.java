package org.lipreg.training.regularizer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;

import org.lipreg.normalization.internal.Ownership;
import org.lipreg.normalization.engine.Scalars;
import org.lipreg.normalization.hook.StepContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The spectral-norm penalty of Yoshida &amp; Miyato (2017): {@code (λ/2) Σ_l σ(W_l)²} over the
 * model's weight layers — DJL {@code Linear} and {@code Conv2d} and their weight-standardized
 * forms — σ by power iteration with persistent vectors ({@link PowerIteration}).
 *
 * <p>Convolutions use the {@link OperatorModel} chosen: the reshaped weight matrix, or the true
 * operator norm of the convolution at the layer's input shape. A weight-standardized layer is
 * penalized through its standardized weight, the one it applies; the gradient reaches its
 * parameter through the standardization. {@link #layers()} lists what is penalized; a weight
 * layer without a known operator (e.g. a {@code Conv1d}) is listed by {@link #uncoveredLayers()}
 * and named in a warning, or is an error with {@link Builder#optRequireEveryWeightLayer}.
 *
 * <p>Add it to a run with {@code TrainingRunner.Builder.addHook}; its vectors are saved in
 * checkpoints. Layers are found on first use, after the model has been initialized.
 */
public final class SpectralNormPenalty implements Regularizer, AutoCloseable {

    private static final Logger logger = LoggerFactory.getLogger(SpectralNormPenalty.class);

    private final Block model;
    private final float lambda;
    private final OperatorModel operatorModel;
    private final int iterations;
    private final long seed;
    private final boolean requireEveryWeightLayer;
    private final NDManager manager = NDManager.newBaseManager();
    private List<Layer> layers;
    private List<String> uncovered;
    private double[] lastSigmas = new double[0];

    /** A penalized layer. */
    private record Layer(String path, Block block, Parameter weight, PowerIteration iteration) {}

    private SpectralNormPenalty(Builder b) {
        model = Objects.requireNonNull(b.model, "model");
        lambda = b.lambda;
        operatorModel = b.operatorModel;
        iterations = b.iterations;
        seed = b.seed;
        requireEveryWeightLayer = b.requireEveryWeightLayer;
    }

    /**
     * Creates a builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String name() {
        return "spectral-penalty";
    }

    /**
     * Returns the paths of the penalized layers, in order.
     *
     * @return the layer paths
     */
    public List<String> layers() {
        return resolve().stream().map(Layer::path).toList();
    }

    /**
     * Returns the weight layers that are not penalized because no operator is known for them,
     * each as its path and class, e.g. {@code /01Conv1d (Conv1d)}.
     *
     * @return the uncovered layers, in model order (empty when every weight layer is penalized)
     */
    public List<String> uncoveredLayers() {
        resolve();
        return uncovered;
    }

    /**
     * Returns the power-iteration state of the i-th penalized layer.
     *
     * @param i the layer index
     * @return its vectors
     */
    public PowerIteration iteration(int i) {
        return resolve().get(i).iteration();
    }

    /**
     * Returns each layer's σ as estimated at the last {@link #auxiliaryLoss} call.
     *
     * @return the σ values, in layer order
     */
    public double[] lastSigmas() {
        return lastSigmas.clone();
    }

    @Override
    public NDArray auxiliaryLoss(StepContext step) {
        List<Layer> all = resolve();
        if (all.isEmpty()) {
            return null;
        }
        return Ownership.computeInto(step.manager(), () -> {
            NDList each = new NDList(all.size());
            for (Layer layer : all) {
                NDArray weight = WeightLayers.effective(layer.block(), layer.weight().getArray());
                each.add(layer.iteration().iterateWithSigma(weight, iterations));
            }
            // All layers' σ in one array: one Σσ² and one read-back, not one per layer.
            NDArray stacked = NDArrays.stack(each);
            lastSigmas = readBack(stacked);
            return Scalars.mul(stacked.dot(stacked), lambda / 2f);
        });
    }

    /** The values as doubles; a float32 array is read as it is, without a conversion call. */
    private static double[] readBack(NDArray values) {
        if (values.getDataType() != DataType.FLOAT32) {
            return values.toType(DataType.FLOAT64, false).toDoubleArray();
        }
        float[] floats = values.toFloatArray();
        double[] doubles = new double[floats.length];
        for (int i = 0; i < floats.length; i++) {
            doubles[i] = floats[i];
        }
        return doubles;
    }

    private List<Layer> resolve() {
        if (layers == null) {
            List<Layer> found = new ArrayList<>();
            walk("", model, found);
            Set<Block> covered = Collections.newSetFromMap(new IdentityHashMap<>());
            found.forEach(layer -> covered.add(layer.block()));
            List<String> missing = new ArrayList<>();
            WeightLayers.collectUncovered("", model, covered, missing);
            String message = "the spectral penalty has no operator for the weight layer(s) " + missing
                    + " (it knows Linear and Conv2d, plain or weight-standardized)";
            if (!missing.isEmpty() && requireEveryWeightLayer) {
                throw new IllegalStateException(message);
            }
            if (!missing.isEmpty()) {
                logger.warn("{}: they are not penalized", message);
            }
            uncovered = Collections.unmodifiableList(missing);
            layers = Collections.unmodifiableList(found);
        }
        return layers;
    }

    private void walk(String path, Block block, List<Layer> found) {
        if (WeightLayers.hasOperator(block)) {
            Parameter weight = weightOf(block); // checks that the model is initialized
            LayerOperator operator = LayerOperator.of(block, block.getInputShapes()[0], operatorModel);
            found.add(new Layer(path.isEmpty() ? "/" : path, block, weight,
                    new PowerIteration(operator, manager, seed + found.size())));
        }
        for (Pair<String, Block> child : block.getChildren()) {
            walk(path + "/" + child.getKey(), child.getValue(), found);
        }
    }

    private static Parameter weightOf(Block block) {
        Parameter weight = block.getParameters().get("weight");
        if (weight == null || !weight.isInitialized()) {
            throw new IllegalStateException("the model must be initialized before the spectral penalty is used");
        }
        return weight;
    }

    @Override
    public void saveState(DataOutputStream out) throws IOException {
        List<Layer> all = resolve();
        out.writeInt(all.size());
        for (Layer layer : all) {
            out.writeUTF(layer.path());
            layer.iteration().save(out);
        }
    }

    @Override
    public void loadState(DataInputStream in) throws IOException {
        List<Layer> all = resolve();
        int count = in.readInt();
        if (count != all.size()) {
            throw new IOException("spectral penalty state has " + count + " layers, the model has " + all.size());
        }
        for (Layer layer : all) {
            String path = in.readUTF();
            if (!path.equals(layer.path())) {
                throw new IOException("spectral penalty state for layer " + path + " where the model has " + layer.path());
            }
            layer.iteration().load(in);
        }
    }

    @Override
    public void close() {
        manager.close();
    }

    /** Builds a {@link SpectralNormPenalty}. */
    public static final class Builder {
        private Block model;
        private float lambda = 0.01f;
        private OperatorModel operatorModel = OperatorModel.RESHAPED;
        private int iterations = 1;
        private long seed = 1234;
        private boolean requireEveryWeightLayer;

        Builder() {}

        /**
         * Sets the model whose layers are penalized.
         *
         * @param model the root block
         * @return this builder
         */
        public Builder setModel(Block model) {
            this.model = model;
            return this;
        }

        /**
         * Sets λ (default 0.01).
         *
         * @param lambda at least 0
         * @return this builder
         */
        public Builder optLambda(float lambda) {
            if (!(lambda >= 0) || !Float.isFinite(lambda)) {
                throw new IllegalArgumentException("lambda must be a finite number at least 0, got " + lambda);
            }
            this.lambda = lambda;
            return this;
        }

        /**
         * Sets the operator model of convolutions (default {@link OperatorModel#RESHAPED}).
         *
         * @param operatorModel the model
         * @return this builder
         */
        public Builder optOperatorModel(OperatorModel operatorModel) {
            this.operatorModel = Objects.requireNonNull(operatorModel, "operatorModel");
            return this;
        }

        /**
         * Sets the power iterations per step (default 1).
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
         * Makes a weight layer without a known operator an error (an {@code
         * IllegalStateException} naming every such layer, on first use) instead of a warning:
         * for callers that promise a penalty on all of the model's layers. Default false.
         *
         * @param require whether every weight layer must be penalized
         * @return this builder
         */
        public Builder optRequireEveryWeightLayer(boolean require) {
            this.requireEveryWeightLayer = require;
            return this;
        }

        /**
         * Sets the seed of the starting vectors (default 1234).
         *
         * @param seed the seed
         * @return this builder
         */
        public Builder optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * Builds the penalty.
         *
         * @return the penalty
         */
        public SpectralNormPenalty build() {
            return new SpectralNormPenalty(this);
        }
    }
}
