package org.lipreg.certify.graph;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
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
    /** The kernel on the Java heap, made when rows or columns are first asked for. */
    private double[] kernel;

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
    public int[] inputImage() {
        return inputShape.clone();
    }

    @Override
    public int[] outputImage() {
        return outputShape.clone();
    }

    @Override
    public int fanIn() {
        Shape w = weight.getShape();
        return Math.toIntExact(w.get(1) * w.get(2) * w.get(3));
    }

    @Override
    public NDArray apply(NDArray v) {
        NDArray images = v.reshape(-1, inputShape[0], inputShape[1], inputShape[2]);
        Window[] window = new Window[2];
        if (!windowed(images, inputShape, window, true)) {
            NDArray out = Conv2d.conv2d(images, weight, null, stride, padding, dilation, groups).singletonOrThrow();
            return leading(out.reshape(-1, outputSize()), v, outputSize());
        }
        // Only the outputs whose windows meet the nonzero inputs: an unpadded convolution of the
        // inputs they read (zeros past the edges), then zeros around.
        NDArray x = images;
        for (int i = 0; i < 2; i++) {
            x = ConvTranspose.padOrCrop(x, 2 + i, -window[i].from, window[i].to - (inputShape[1 + i] - 1));
        }
        NDArray out = Conv2d.conv2d(x, weight, null, stride, new Shape(0, 0), dilation, groups).singletonOrThrow();
        for (int i = 0; i < 2; i++) {
            out = ConvTranspose.padOrCrop(out, 2 + i, window[i].first, outputShape[1 + i] - 1 - window[i].last);
        }
        return leading(out.reshape(-1, outputSize()), v, outputSize());
    }

    @Override
    public NDArray applyTranspose(NDArray u) {
        NDArray images = u.reshape(-1, outputShape[0], outputShape[1], outputShape[2]);
        Window[] window = new Window[2];
        if (!windowed(images, outputShape, window, false)) {
            NDArray in = ConvTranspose.apply(images, weight, inputShape[1], inputShape[2], stride, padding, dilation,
                    groups);
            return leading(in.reshape(-1, inputSize()), u, inputSize());
        }
        // The transpose of the unpadded convolution above, restricted to the nonzero outputs; its
        // result covers the inputs they read, which are cut to the image and put among zeros.
        NDArray y = images;
        for (int i = 0; i < 2; i++) {
            y = ConvTranspose.padOrCrop(y, 2 + i, -window[i].first, window[i].last - (outputShape[1 + i] - 1));
        }
        NDArray in = ConvTranspose.apply(y, weight, window[0].to - window[0].from + 1L,
                window[1].to - window[1].from + 1L, stride, new Shape(0, 0), dilation, groups);
        for (int i = 0; i < 2; i++) {
            in = ConvTranspose.padOrCrop(in, 2 + i, window[i].from, inputShape[1 + i] - 1 - window[i].to);
        }
        return leading(in.reshape(-1, inputSize()), u, inputSize());
    }

    /**
     * Along one spatial axis, the outputs {@code first … last} that meet the nonzero entries, and
     * the inputs {@code from … to} they read (past the image's edges where the padding is).
     */
    private record Window(int first, int last, int from, int to) {}

    /**
     * Finds where a batch of images is nonzero (bound passes move coefficients that start at a few
     * neighbouring entries, so they stay local for some layers) and, when that is well inside the
     * image, the windows of the convolution that touch it; false when the whole image is needed.
     */
    private boolean windowed(NDArray images, int[] shape, Window[] window, boolean fromInput) {
        double[] nonzero = images.abs().sum(new int[] {0, 1}).toDoubleArray(); // (H, W); NaN counts as nonzero
        int h = shape[1];
        int w = shape[2];
        int[] low = {h, w};
        int[] high = {-1, -1};
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                if (nonzero[y * w + x] != 0) {
                    low[0] = Math.min(low[0], y);
                    high[0] = Math.max(high[0], y);
                    low[1] = Math.min(low[1], x);
                    high[1] = Math.max(high[1], x);
                }
            }
        }
        if (high[0] < 0) { // all zero: one output row and column is enough, the rest is zeros
            low = new int[] {0, 0};
            high = new int[] {0, 0};
        }
        long area = 1;
        for (int i = 0; i < 2; i++) {
            int s = (int) stride.get(i);
            int p = (int) padding.get(i);
            int span = (int) dilation.get(i) * ((int) weight.getShape().get(2 + i) - 1);
            int first;
            int last;
            if (fromInput) { // outputs o with o·s − p + a·d in [low, high] for some tap a
                first = Math.max(0, Math.floorDiv(low[i] + p - span + s - 1, s));
                last = Math.min(outputShape[1 + i] - 1, Math.floorDiv(high[i] + p, s));
                if (first > last) { // the nonzero inputs reach no output: keep one, it is zero
                    last = first = Math.min(first, outputShape[1 + i] - 1);
                }
            } else {
                first = low[i];
                last = high[i];
            }
            window[i] = new Window(first, last, first * s - p, last * s - p + span);
            area *= last - first + 1;
        }
        return area * 4 < 3L * outputShape[1] * outputShape[2]; // less than three quarters of the outputs
    }

    @Override
    public NDArray rows(NDManager manager, int[] outputs) {
        return unitImages(manager, outputs, true);
    }

    @Override
    public NDArray columns(NDManager manager, int[] inputs) {
        return unitImages(manager, inputs, false);
    }

    /**
     * Rows of A (the kernel of output k's channel placed at k's window of the input) or columns
     * (the weights by which input j reaches each output), written entry by entry from the kernel:
     * each is the only term of its sum in {@code Aᵀe_k} or {@code Ae_j}, so they equal the engine's
     * results exactly, without an engine call on unit images.
     */
    private NDArray unitImages(NDManager manager, int[] indices, boolean rows) {
        if (kernel == null) {
            kernel = weight.toDoubleArray();
        }
        int kh = Math.toIntExact(weight.getShape().get(2));
        int kw = Math.toIntExact(weight.getShape().get(3));
        int inPerGroup = inputShape[0] / groups;
        int outPerGroup = outputShape[0] / groups;
        int length = rows ? inputSize() : outputSize();
        double[] result = new double[indices.length * length];
        for (int r = 0; r < indices.length; r++) {
            int base = r * length;
            int[] at = position(indices[r], rows ? outputShape : inputShape);
            // Rows fix one output (its channel o and place), columns one input (channel c and place).
            int group = rows ? at[0] / outPerGroup : at[0] / inPerGroup;
            for (int o = group * outPerGroup; o < (group + 1) * outPerGroup; o++) {
                if (rows && o != at[0]) {
                    continue;
                }
                for (int ci = 0; ci < inPerGroup; ci++) {
                    int c = group * inPerGroup + ci;
                    if (!rows && c != at[0]) {
                        continue;
                    }
                    for (int a = 0; a < kh; a++) {
                        for (int b = 0; b < kw; b++) {
                            double w = kernel[((o * inPerGroup + ci) * kh + a) * kw + b];
                            if (rows) { // input (c, y·s − p + a·d, x·s − p + b·d) of output (o, y, x)
                                int iy = at[1] * (int) stride.get(0) - (int) padding.get(0) + a * (int) dilation.get(0);
                                int ix = at[2] * (int) stride.get(1) - (int) padding.get(1) + b * (int) dilation.get(1);
                                if (iy >= 0 && ix >= 0 && iy < inputShape[1] && ix < inputShape[2]) {
                                    result[base + (c * inputShape[1] + iy) * inputShape[2] + ix] += w;
                                }
                            } else { // outputs (o, y, x) whose window puts tap (a, b) on input (c, iy, ix)
                                int ty = at[1] + (int) padding.get(0) - a * (int) dilation.get(0);
                                int tx = at[2] + (int) padding.get(1) - b * (int) dilation.get(1);
                                if (ty < 0 || tx < 0 || ty % stride.get(0) != 0 || tx % stride.get(1) != 0) {
                                    continue;
                                }
                                int y = ty / (int) stride.get(0);
                                int x = tx / (int) stride.get(1);
                                if (y < outputShape[1] && x < outputShape[2]) {
                                    result[base + (o * outputShape[1] + y) * outputShape[2] + x] += w;
                                }
                            }
                        }
                    }
                }
            }
        }
        return manager.create(result, new Shape(indices.length, length));
    }

    /** (channel, y, x) of a flat index into a (C, H, W) image. */
    private static int[] position(int index, int[] shape) {
        int plane = shape[1] * shape[2];
        return new int[] {index / plane, index % plane / shape[2], index % shape[2]};
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
