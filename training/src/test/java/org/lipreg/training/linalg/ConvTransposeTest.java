package org.lipreg.training.linalg;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

/** ⟨u, conv(x)⟩ = ⟨convᵀ(u), x⟩ for random x, u over strides, paddings, dilations, groups, sizes. */
class ConvTransposeTest {

    @Test
    void isTheAdjointOfTheConvolution() {
        int[][] cases = { // cin, cout, h, w, kh, kw, stride, pad, dilation, groups
            {2, 3, 7, 6, 3, 3, 1, 0, 1, 1}, {2, 3, 7, 6, 3, 3, 1, 1, 1, 1}, {2, 4, 8, 8, 3, 3, 2, 1, 1, 2},
            {3, 3, 9, 7, 3, 2, 2, 0, 1, 1}, {2, 2, 9, 9, 3, 3, 3, 2, 1, 2}, {1, 2, 10, 9, 3, 3, 1, 2, 2, 1},
            {2, 2, 6, 6, 1, 1, 2, 0, 1, 1}, {1, 1, 5, 5, 5, 5, 1, 3, 1, 1}, {4, 4, 7, 8, 3, 3, 2, 1, 2, 4},
            {2, 2, 8, 8, 3, 3, 1, 3, 1, 1}, {2, 3, 9, 8, 3, 3, 2, 4, 1, 1}}; // last two: padding beyond d(k−1) crops
        for (int[] c : cases) {
            try (NDManager m = NDManager.newBaseManager()) {
                Shape stride = new Shape(c[6], c[6]);
                Shape pad = new Shape(c[7], c[7]);
                Shape dil = new Shape(c[8], c[8]);
                NDArray w = m.randomNormal(new Shape(c[1], c[0] / c[9], c[4], c[5]), DataType.FLOAT64);
                NDArray x = m.randomNormal(new Shape(2, c[0], c[2], c[3]), DataType.FLOAT64);
                NDArray y = Conv2d.conv2d(x, w, null, stride, pad, dil, c[9]).singletonOrThrow();
                NDArray u = m.randomNormal(y.getShape(), DataType.FLOAT64);
                NDArray back = ConvTranspose.apply(u, w, c[2], c[3], stride, pad, dil, c[9]);
                assertEquals(x.getShape(), back.getShape(), Arrays.toString(c));
                double left = u.mul(y).sum().getDouble();
                double right = back.mul(x).sum().getDouble();
                assertEquals(left, right, 1e-9 * Math.max(1, Math.abs(left)), Arrays.toString(c));
            }
        }
    }
}
