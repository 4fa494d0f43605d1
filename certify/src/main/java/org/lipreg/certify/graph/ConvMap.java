package org.lipreg.certify.graph;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;

import org.lipreg.training.linalg.ConvTranspose;

/**
 * A 2-d convolution (stride, padding, dilation, groups), kept as a convolution: {@code A·v} is
 * the engine's conv2d on the vectors reshaped to images, {@code Aᵀ·u} the transposed
 * convolution ({@link ConvTranspose}), {@code |A|} the same convolution with {@code |W|}.
 * Average pooling is one too: a depthwise convolution with a constant kernel.
 */
public final class ConvMap implements LinearMap {

    private final NDArray weight;
    private final int[] inputShape;
    private final int[] outputShape;
    private final Shape stride;
    private final Shape padding;
    private final Shape dilation;
    private final int groups;
    private ConvMap absolute;

    /**
     * Builds the map; it owns the weight from now on.
     *
     * @param weight {@code (Cout, Cin/groups, kh, kw)}, float64
     * @param inputShape (Cin, H, W)
     * @param outputShape (Cout, OH, OW)
     * @param stride (sh, sw)
     * @param padding (ph, pw)
     * @param dilation (dh, dw)
     * @param groups the groups
     */
    public ConvMap(NDArray weight, int[] inputShape, int[] outputShape, int[] stride, int[] padding, int[] dilation,
            int groups) {
        this.weight = weight;
        NDScope.unregister(weight);
        this.inputShape = inputShape.clone();
        this.outputShape = outputShape.clone();
        this.stride = new Shape(stride[0], stride[1]);
        this.padding = new Shape(padding[0], padding[1]);
        this.dilation = new Shape(dilation[0], dilation[1]);
        this.groups = groups;
    }

    @Override
    public int inputSize() {
        return inputShape[0] * inputShape[1] * inputShape[2];
    }

    @Override
    public int outputSize() {
        return outputShape[0] * outputShape[1] * outputShape[2];
    }

    @Override
    public int fanIn() {
        Shape w = weight.getShape();
        return Math.toIntExact(w.get(1) * w.get(2) * w.get(3));
    }

    @Override
    public NDArray apply(NDArray v) {
        NDArray images = v.reshape(-1, inputShape[0], inputShape[1], inputShape[2]);
        NDArray out = Conv2d.conv2d(images, weight, null, stride, padding, dilation, groups).singletonOrThrow();
        return leading(out.reshape(-1, outputSize()), v, outputSize());
    }

    @Override
    public NDArray applyTranspose(NDArray u) {
        NDArray images = u.reshape(-1, outputShape[0], outputShape[1], outputShape[2]);
        NDArray in = ConvTranspose.apply(images, weight, inputShape[1], inputShape[2], stride, padding, dilation,
                groups);
        return leading(in.reshape(-1, inputSize()), u, inputSize());
    }

    @Override
    public LinearMap abs() {
        if (absolute == null) {
            absolute = new ConvMap(weight.abs(), inputShape, outputShape,
                    new int[] {(int) stride.get(0), (int) stride.get(1)},
                    new int[] {(int) padding.get(0), (int) padding.get(1)},
                    new int[] {(int) dilation.get(0), (int) dilation.get(1)}, groups);
        }
        return absolute;
    }

    @Override
    public double maxRowAbsSum() {
        // Each output sums |w| over at most its whole kernel (padding only removes terms).
        long out = weight.getShape().get(0);
        return weight.abs().reshape(out, -1).sum(new int[] {1}).max().getDouble();
    }

    /** Restores the leading axes of {@code like} on a {@code (rows, m)} result. */
    private static NDArray leading(NDArray result, NDArray like, int m) {
        long[] shape = like.getShape().getShape().clone();
        shape[shape.length - 1] = m;
        return result.reshape(shape);
    }
}
