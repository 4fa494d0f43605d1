package org.lipreg.training.linalg;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;

/**
 * The adjoint (transpose) of a 2-d convolution, as an ordinary convolution.
 *
 * <p>DJL's PyTorch engine does not implement transposed convolution, and power iteration on a
 * convolution's operator norm (and the backward pass of bound propagation) needs exactly that
 * map. The identity used: for {@code y = conv(x, W)} with stride s, padding p, dilation d and g
 * groups, {@code convᵀ(u) = conv(pad(upsample_s(u)), flip(W)ᵀ, stride 1, dilation d)}, where
 * {@code upsample_s} puts s − 1 zeros between neighbouring values, the padding is {@code d(k−1) −
 * p} on each side (negative means cropping) plus whatever the input size needs at the end, and
 * {@code flip(W)ᵀ} turns the kernel by 180° and swaps input and output channels within each
 * group. The result has the shape of the convolution's input and satisfies {@code ⟨u, conv(x)⟩ =
 * ⟨convᵀ(u), x⟩}.
 */
public final class ConvTranspose {

    private ConvTranspose() {}

    /**
     * Applies the transpose of a convolution.
     *
     * @param u output-space array {@code (N, Cout, oh, ow)}
     * @param weight the convolution's weight {@code (Cout, Cin/g, kh, kw)}
     * @param inputHeight the convolution's input height
     * @param inputWidth the convolution's input width
     * @param stride the convolution's stride
     * @param padding the convolution's padding
     * @param dilation the convolution's dilation
     * @param groups the convolution's groups
     * @return input-space array {@code (N, Cin, inputHeight, inputWidth)}
     */
    public static NDArray apply(NDArray u, NDArray weight, long inputHeight, long inputWidth, Shape stride,
            Shape padding, Shape dilation, int groups) {
        long[] kernel = {weight.getShape().get(2), weight.getShape().get(3)};
        long[] size = {inputHeight, inputWidth};
        long[] before = new long[2];
        long[] after = new long[2];
        for (int i = 0; i < 2; i++) {
            long span = dilation.get(i) * (kernel[i] - 1);
            before[i] = span - padding.get(i);
            long used = (u.getShape().get(2 + i) - 1) * stride.get(i) - 2 * padding.get(i) + span + 1;
            after[i] = before[i] + (size[i] - used);
        }
        NDArray kernelT = transposedKernel(weight, groups);
        if (stride.get(0) == 1 && stride.get(1) == 1 && before[0] == after[0] && before[1] == after[1]
                && before[0] >= 0 && before[1] >= 0) {
            // The common case (stride 1, "same" or "valid" padding): the zeros around u are the
            // convolution's own padding, one engine call instead of eight.
            return Conv2d.conv2d(u, kernelT, null, new Shape(1, 1), new Shape(before[0], before[1]), dilation, groups)
                    .singletonOrThrow();
        }
        NDArray x = u;
        for (int i = 0; i < 2; i++) {
            x = upsample(x, 2 + i, stride.get(i));
            x = padOrCrop(x, 2 + i, before[i], after[i]);
        }
        return Conv2d.conv2d(x, kernelT, null, new Shape(1, 1), new Shape(0, 0), dilation, groups).singletonOrThrow();
    }

    /** (Cout, Cin/g, kh, kw) → (Cin, Cout/g, kh, kw), flipped in space, per group. */
    static NDArray transposedKernel(NDArray weight, int groups) {
        if (groups == 1) {
            return weight.swapAxes(0, 1).flip(2, 3);
        }
        Shape w = weight.getShape();
        long out = w.get(0);
        long inPerGroup = w.get(1);
        return weight.reshape(groups, out / groups, inPerGroup, w.get(2), w.get(3))
                .transpose(0, 2, 1, 3, 4)
                .reshape(groups * inPerGroup, out / groups, w.get(2), w.get(3))
                .flip(2, 3);
    }

    /** Puts s − 1 zeros between neighbours along an axis: length L becomes (L − 1)s + 1. */
    static NDArray upsample(NDArray x, int axis, long s) {
        if (s == 1) {
            return x;
        }
        Shape shape = x.getShape();
        long length = shape.get(axis);
        NDArray expanded = x.expandDims(axis + 1);
        Shape zerosShape = expanded.getShape();
        long[] z = zerosShape.getShape().clone();
        z[axis + 1] = s - 1;
        NDArray interleaved = expanded.concat(x.getManager().zeros(new Shape(z), x.getDataType()), axis + 1);
        long[] merged = shape.getShape().clone();
        merged[axis] = length * s;
        return slice(interleaved.reshape(new Shape(merged)), axis, 0, (length - 1) * s + 1);
    }

    /**
     * Adds zeros (positive counts) or removes entries (negative counts) at both ends of an axis.
     *
     * @param x the array
     * @param axis the axis
     * @param before zeros to add (entries to remove, if negative) at the start
     * @param after zeros to add (entries to remove, if negative) at the end
     * @return the padded or cropped array
     */
    public static NDArray padOrCrop(NDArray x, int axis, long before, long after) {
        long length = x.getShape().get(axis);
        NDArray y = slice(x, axis, Math.max(0, -before), length - Math.max(0, -after));
        if (before > 0) {
            y = zerosLike(y, axis, before).concat(y, axis);
        }
        if (after > 0) {
            y = y.concat(zerosLike(y, axis, after), axis);
        }
        return y;
    }

    private static NDArray zerosLike(NDArray x, int axis, long count) {
        long[] shape = x.getShape().getShape().clone();
        shape[axis] = count;
        return x.getManager().zeros(new Shape(shape), x.getDataType());
    }

    private static NDArray slice(NDArray x, int axis, long from, long to) {
        if (from == 0 && to == x.getShape().get(axis)) {
            return x;
        }
        StringBuilder index = new StringBuilder();
        for (int i = 0; i < x.getShape().dimension(); i++) {
            if (i > 0) {
                index.append(',');
            }
            index.append(i == axis ? from + ":" + to : ":");
        }
        return x.get(new NDIndex(index.toString()));
    }
}
