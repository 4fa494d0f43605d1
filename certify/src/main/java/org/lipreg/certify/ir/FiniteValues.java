package org.lipreg.certify.ir;

import java.util.Arrays;

/**
 * Finds NaN and infinite weights. One such value makes every bound NaN or infinite, which
 * tables would show as blanks that look like results, so every reader refuses them, naming the
 * array and the index.
 */
public final class FiniteValues {

    private FiniteValues() {}

    /**
     * Describes the first value that is not finite.
     *
     * @param values the values, row-major
     * @param shape their shape
     * @return e.g. {@code "holds NaN at [2, 5] (shape [8, 8])"}, or null when every value is finite
     */
    public static String firstNonFinite(double[] values, int[] shape) {
        for (int i = 0; i < values.length; i++) {
            if (!Double.isFinite(values[i])) {
                return "holds " + values[i] + " at " + Arrays.toString(unravel(i, shape)) + " (shape "
                        + Arrays.toString(shape) + ")";
            }
        }
        return null;
    }

    /**
     * Describes the first value of a tensor that is not finite.
     *
     * @param tensor the tensor
     * @return the description, or null when every value is finite
     * @see #firstNonFinite(double[], int[])
     */
    public static String firstNonFinite(Tensor tensor) {
        return firstNonFinite(tensor.data(), tensor.shape());
    }

    /** The multi-index of a flat (row-major) index. */
    private static int[] unravel(int flat, int[] shape) {
        int[] index = new int[shape.length];
        for (int d = shape.length - 1; d >= 0; d--) {
            index[d] = shape[d] == 0 ? 0 : flat % shape[d];
            flat = shape[d] == 0 ? flat : flat / shape[d];
        }
        return index;
    }
}
