package org.lipreg.certify.lipschitz;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;

/**
 * Gradients of a DJL block in inference mode by the engine's autograd (float32, as the model
 * computes): works for any block, e.g. models with group or batch-channel norm that the IR
 * does not represent.
 */
public final class BlockOracle implements GradientOracle {

    private final Block block;
    private final Shape exampleShape;
    private final int outputs;
    private final NDManager manager;

    /**
     * Wraps an initialized block.
     *
     * @param block the model
     * @param exampleShape one example's shape, e.g. (1, 28, 28)
     * @param outputs the number of outputs
     * @param manager the parent of the scratch managers
     */
    public BlockOracle(Block block, Shape exampleShape, int outputs, NDManager manager) {
        this.block = block;
        this.exampleShape = exampleShape;
        this.outputs = outputs;
        this.manager = manager;
    }

    @Override
    public int inputSize() {
        return Math.toIntExact(exampleShape.size());
    }

    @Override
    public int outputSize() {
        return outputs;
    }

    @Override
    public double[][] gradients(double[][] x, double[][] spec) {
        try (NDManager m = manager.newSubManager()) {
            Shape batch = new Shape(x.length).addAll(exampleShape);
            NDArray xs = m.create(GraphOracle.flatten(x), new Shape(x.length, inputSize()))
                    .toType(DataType.FLOAT32, false).reshape(batch);
            NDArray cs = m.create(GraphOracle.flatten(spec), new Shape(spec.length, outputs)).toType(DataType.FLOAT32, false);
            xs.setRequiresGradient(true);
            try (GradientCollector collector = m.getEngine().newGradientCollector()) {
                NDArray y = block.forward(new ParameterStore(m, false), new NDList(xs), false).singletonOrThrow();
                collector.backward(y.mul(cs).sum());
            }
            double[] g = xs.getGradient().toType(DataType.FLOAT64, false).toDoubleArray();
            return GraphOracle.unflatten(g, x.length);
        }
    }

    @Override
    public double[][] outputs(double[][] x) {
        try (NDManager m = manager.newSubManager()) {
            Shape batch = new Shape(x.length).addAll(exampleShape);
            NDArray xs = m.create(GraphOracle.flatten(x), new Shape(x.length, inputSize()))
                    .toType(DataType.FLOAT32, false).reshape(batch);
            NDArray y = block.forward(new ParameterStore(m, false), new NDList(xs), false).singletonOrThrow();
            return GraphOracle.unflatten(y.toType(DataType.FLOAT64, false).toDoubleArray(), x.length);
        }
    }
}
