package org.lipreg.training.regularizer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.util.Pair;

import org.lipreg.normalization.Ownership;
import org.lipreg.normalization.Scalars;
import org.lipreg.normalization.hook.StepContext;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * The spectral-norm penalty of Yoshida &amp; Miyato (2017): {@code (λ/2) Σ_l σ(W_l)²} over the
 * model's DJL {@code Linear} and {@code Conv2d} layers, σ by power iteration with persistent
 * vectors ({@link PowerIteration}).
 *
 * <p>Convolutions use the {@link OperatorModel} chosen: the reshaped weight matrix, or the true
 * operator norm of the convolution at the layer's input shape. Other blocks (including
 * weight-standardized layers, whose effective weight is not their raw parameter) are not
 * penalized; {@link #layers()} lists what is.
 *
 * <p>Add it to a run with {@code TrainingRunner.Builder.addHook}; its vectors are saved in
 * checkpoints. Layers are found on first use, after the model has been initialized.
 */
public final class SpectralNormPenalty implements Regularizer, AutoCloseable {

    private final Block model;
    private final float lambda;
    private final OperatorModel operatorModel;
    private final int iterations;
    private final long seed;
    private final NDManager manager = NDManager.newBaseManager();
    private List<Layer> layers;
    private double[] lastSigmas = new double[0];

    /** A penalized layer. */
    private record Layer(String path, Parameter weight, PowerIteration iteration) {}

    private SpectralNormPenalty(Builder b) {
        model = Objects.requireNonNull(b.model, "model");
        lambda = b.lambda;
        operatorModel = b.operatorModel;
        iterations = b.iterations;
        seed = b.seed;
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
                each.add(layer.iteration().iterateWithSigma(layer.weight().getArray(), iterations));
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
            layers = Collections.unmodifiableList(found);
        }
        return layers;
    }

    private void walk(String path, Block block, List<Layer> found) {
        LayerOperator operator = null;
        if (block instanceof Linear || block instanceof Conv2d) {
            weightOf(block); // checks that the model is initialized
            operator = LayerOperator.of(block, block.getInputShapes()[0], operatorModel);
        }
        if (operator != null) {
            found.add(new Layer(path.isEmpty() ? "/" : path, weightOf(block),
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
