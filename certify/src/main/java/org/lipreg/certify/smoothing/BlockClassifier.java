package org.lipreg.certify.smoothing;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;

/**
 * A DJL model as a {@link BaseClassifier}: noise is drawn by the engine, added to a broadcast
 * copy of the input in place, and pushed through the model in batches, so the only extra work
 * over a plain forward pass is one random tensor per batch.
 */
public final class BlockClassifier implements BaseClassifier {

    private final Block block;
    private final Shape exampleShape;
    private final int numClasses;
    private final int batchSize;
    private final NDManager manager;

    /**
     * The engine has one random generator per process, shared by every thread. Classifiers used
     * side by side (Spark tasks in one executor) would interleave their draws, so each batch's
     * noise is drawn under this lock right after seeding the generator for that batch: a point's
     * noise then depends on its seed only, not on what other threads draw.
     */
    private static final Object ENGINE_GENERATOR = new Object();

    /** The seed of the current input's noise, and how many batches of it were drawn since. */
    private long seed;
    private long batchesDrawn;

    private BlockClassifier(Builder builder) {
        this.block = builder.block;
        this.exampleShape = builder.exampleShape;
        this.numClasses = builder.numClasses;
        this.batchSize = builder.batchSize;
        this.manager = builder.manager;
    }

    /**
     * Starts a builder.
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public int numClasses() {
        return numClasses;
    }

    @Override
    public int inputSize() {
        return Math.toIntExact(exampleShape.size());
    }

    @Override
    public void seed(long seed) {
        this.seed = seed;
        this.batchesDrawn = 0;
    }

    /**
     * The generator's seed for one batch: the input's seed and the batch's number, mixed so that
     * nearby seeds and batches are far apart. Batches count on across {@link #sample} calls, so
     * the selection and estimation draws of one input never repeat each other.
     */
    private static int batchSeed(long seed, long batch) {
        long mixed = seed * 0x9E3779B97F4A7C15L ^ batch * 0xBF58476D1CE4E5B9L;
        return (int) (mixed ^ (mixed >>> 32)) & Integer.MAX_VALUE;
    }

    private NDArray noise(NDManager step, double sigma, int rows) {
        synchronized (ENGINE_GENERATOR) {
            Engine.getInstance().setRandomSeed(batchSeed(seed, batchesDrawn++));
            return step.randomNormal(0, (float) sigma, new Shape(rows).addAll(exampleShape), DataType.FLOAT32);
        }
    }

    @Override
    public void sample(float[] x, double sigma, int count, LogitsSink sink) {
        if (x.length != inputSize()) {
            throw new IllegalArgumentException("input has " + x.length + " values, the model takes "
                    + exampleShape + " = " + inputSize());
        }
        try (NDManager m = manager.newSubManager()) {
            NDArray clean = m.create(x, new Shape(1).addAll(exampleShape));
            ParameterStore store = new ParameterStore(m, false);
            for (int done = 0; done < count; done += batchSize) {
                int rows = Math.min(batchSize, count - done);
                try (NDManager step = m.newSubManager()) {
                    NDArray noisy = noise(step, sigma, rows);
                    noisy.addi(clean);
                    NDArray logits = block.forward(store, new NDList(noisy), false).singletonOrThrow();
                    if (logits.getShape().get(logits.getShape().dimension() - 1) != numClasses) {
                        throw new IllegalStateException("the model gives " + logits.getShape()
                                + ", expected " + numClasses + " logits per example");
                    }
                    sink.accept(logits.toType(DataType.FLOAT32, false).toFloatArray(), rows);
                }
            }
        }
    }

    /** Builds a {@link BlockClassifier}. */
    public static final class Builder {

        private Block block;
        private Shape exampleShape;
        private int numClasses;
        private int batchSize = 1000;
        private NDManager manager;

        private Builder() {}

        /**
         * Sets the initialized model, which maps a batch of inputs to logits.
         *
         * @param block the model
         * @return this builder
         */
        public Builder setBlock(Block block) {
            this.block = block;
            return this;
        }

        /**
         * Sets one example's shape, e.g. (1, 28, 28).
         *
         * @param exampleShape the shape without the batch axis
         * @return this builder
         */
        public Builder setExampleShape(Shape exampleShape) {
            this.exampleShape = exampleShape;
            return this;
        }

        /**
         * Sets the number of classes.
         *
         * @param numClasses K ≥ 2
         * @return this builder
         */
        public Builder setNumClasses(int numClasses) {
            this.numClasses = numClasses;
            return this;
        }

        /**
         * Sets the parent of the scratch managers.
         *
         * @param manager a manager on the model's device
         * @return this builder
         */
        public Builder setManager(NDManager manager) {
            this.manager = manager;
            return this;
        }

        /**
         * Sets how many noisy copies go through the model at once (default 1000).
         *
         * @param batchSize the batch size
         * @return this builder
         */
        public Builder optBatchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        /**
         * Builds the classifier.
         *
         * @return the classifier
         */
        public BlockClassifier build() {
            if (block == null || exampleShape == null || manager == null) {
                throw new IllegalArgumentException("block, exampleShape and manager are required");
            }
            if (numClasses < 2) {
                throw new IllegalArgumentException("numClasses must be at least 2, got " + numClasses);
            }
            if (batchSize < 1) {
                throw new IllegalArgumentException("batchSize must be positive, got " + batchSize);
            }
            return new BlockClassifier(this);
        }
    }
}
