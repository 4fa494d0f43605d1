package org.lipreg.certify.counterfactual;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;

/**
 * The function a counterfactual is about: {@code m(x)}, the softmax probability of a target class
 * under a DJL classifier in inference mode. Points are flat (one example's values in order) and
 * evaluated in batches in float32, as the model computes.
 */
public final class ClassProbability implements ProbabilityFunction {

    private final Block block;
    private final Shape exampleShape;
    private final int classes;
    private final int target;
    private final NDManager manager;

    /**
     * Wraps an initialized classifier.
     *
     * @param block the model, mapping {@code (n, exampleShape…)} to {@code (n, classes)} logits
     * @param exampleShape one example's shape
     * @param classes the number of classes
     * @param target the class whose probability is m
     * @param manager the parent of the scratch managers
     */
    public ClassProbability(Block block, Shape exampleShape, int classes, int target, NDManager manager) {
        if (target < 0 || target >= classes) {
            throw new IllegalArgumentException("target class " + target + " outside [0, " + classes + ")");
        }
        this.block = block;
        this.exampleShape = exampleShape;
        this.classes = classes;
        this.target = target;
        this.manager = manager;
    }

    /** @return the model */
    public Block block() {
        return block;
    }

    /** @return one example's shape */
    public Shape exampleShape() {
        return exampleShape;
    }

    /** @return the number of input values of one example */
    public int inputSize() {
        return Math.toIntExact(exampleShape.size());
    }

    /** @return the number of classes */
    public int classes() {
        return classes;
    }

    /** @return the target class */
    public int target() {
        return target;
    }

    /**
     * Returns the same model with another target class.
     *
     * @param other the class
     * @return the probability of that class
     */
    public ClassProbability withTarget(int other) {
        return new ClassProbability(block, exampleShape, classes, other, manager);
    }

    /** @return the parent manager of scratch arrays */
    NDManager manager() {
        return manager;
    }

    /**
     * The logits of flat points, differentiable (for autograd inside a gradient collector).
     *
     * @param x {@code (n, inputSize)} float32
     * @return {@code (n, classes)}
     */
    public NDArray logits(NDArray x) {
        long n = x.getShape().get(0);
        NDArray y = block.forward(new ParameterStore(x.getManager(), false),
                new NDList(x.reshape(new Shape(n).addAll(exampleShape))), false).singletonOrThrow();
        return y.reshape(n, classes);
    }

    /**
     * m of flat points, differentiable.
     *
     * @param x {@code (n, inputSize)} float32
     * @return {@code (n)}
     */
    public NDArray probability(NDArray x) {
        return logits(x).softmax(1).get(":, " + target);
    }

    /**
     * Evaluates m at points.
     *
     * @param x the points, flat
     * @return m at each
     */
    @Override
    public double[] at(double[][] x) {
        try (NDManager m = manager.newSubManager()) {
            return probability(create(m, x)).toType(DataType.FLOAT64, false).toDoubleArray();
        }
    }

    /**
     * Evaluates m at one point.
     *
     * @param x the point
     * @return m(x)
     */
    public double at(double[] x) {
        return at(new double[][] {x})[0];
    }

    /**
     * Returns the predicted class (largest logit) at each point.
     *
     * @param x the points, flat
     * @return the classes
     */
    public int[] predict(double[][] x) {
        try (NDManager m = manager.newSubManager()) {
            long[] argmax = logits(create(m, x)).argMax(1).toLongArray();
            int[] out = new int[argmax.length];
            for (int i = 0; i < out.length; i++) {
                out[i] = (int) argmax[i];
            }
            return out;
        }
    }

    /**
     * Tells whether the model gives the target class at a point.
     *
     * @param x the point
     * @return true if the target class has the largest logit
     */
    public boolean isTarget(double[] x) {
        return predict(new double[][] {x})[0] == target;
    }

    /**
     * Returns the input gradients of m at points (autograd, float32).
     *
     * @param x the points, flat
     * @return ∇m at each
     */
    public double[][] gradients(double[][] x) {
        return gradients(x, false);
    }

    /**
     * Returns the input gradients of log m at points (autograd, float32): the direction in which
     * the target class gains fastest even where m is tiny and its own gradient vanishes.
     *
     * @param x the points, flat
     * @return ∇ log m at each
     */
    public double[][] logGradients(double[][] x) {
        return gradients(x, true);
    }

    private double[][] gradients(double[][] x, boolean log) {
        try (NDManager m = manager.newSubManager()) {
            NDArray xs = create(m, x);
            xs.setRequiresGradient(true);
            try (GradientCollector collector = m.getEngine().newGradientCollector()) {
                NDArray value = log ? logits(xs).logSoftmax(1).get(":, " + target) : probability(xs);
                collector.backward(value.sum());
            }
            return unflatten(xs.getGradient().toType(DataType.FLOAT64, false).toDoubleArray(), x.length);
        }
    }

    /**
     * Copies flat points into a float32 array.
     *
     * @param m the owner
     * @param x the points
     * @return {@code (n, inputSize)}
     */
    NDArray create(NDManager m, double[][] x) {
        int d = inputSize();
        float[] flat = new float[x.length * d];
        for (int i = 0; i < x.length; i++) {
            if (x[i].length != d) {
                throw new IllegalArgumentException("a point has " + x[i].length + " values, the model takes " + d);
            }
            for (int j = 0; j < d; j++) {
                flat[i * d + j] = (float) x[i][j];
            }
        }
        return m.create(flat, new Shape(x.length, d));
    }

    static double[][] unflatten(double[] flat, int n) {
        int d = flat.length / n;
        double[][] out = new double[n][];
        for (int i = 0; i < n; i++) {
            out[i] = java.util.Arrays.copyOfRange(flat, i * d, (i + 1) * d);
        }
        return out;
    }
}
