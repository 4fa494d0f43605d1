package org.lipreg.normalization.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import java.util.function.BiFunction;

/**
 * Arithmetic between an array and a Java number that is safe inside an autograd graph. Use
 * these instead of {@code NDArray.mul(Number)}, {@code div}, {@code pow}, {@code maximum},
 * {@code minimum} and their in-place forms; a test fails the build if lipreg's main code calls
 * those.
 *
 * <p>Why: DJL's PyTorch engine turns the number into a 0-dim tensor made by {@code from_blob}
 * over a Java direct buffer, computes, and closes it at once. For these operations autograd
 * saves the scalar for backward; the saved tensor still points into the buffer, which the
 * garbage collector frees whenever it likes. A backward pass after a collection then reads freed
 * memory: gradients that change from run to run, and now and then a NaN. The scalars made here
 * are allocated by the engine (they own their memory), so closing the Java handle early is safe.
 * ({@code add} and {@code sub} save nothing and need no wrapper.)
 */
public final class Scalars {

    private Scalars() {}

    /**
     * Returns {@code x · value}.
     *
     * @param x the array
     * @param value the factor
     * @return a new array
     */
    public static NDArray mul(NDArray x, double value) {
        return apply(x, value, NDArray::mul);
    }

    /**
     * Multiplies {@code x} by a number in place.
     *
     * @param x the array, modified
     * @param value the factor
     * @return {@code x}
     */
    public static NDArray muli(NDArray x, double value) {
        return apply(x, value, NDArray::muli);
    }

    /**
     * Returns {@code x / value}.
     *
     * @param x the array
     * @param value the divisor
     * @return a new array
     */
    public static NDArray div(NDArray x, double value) {
        return apply(x, value, NDArray::div);
    }

    /**
     * Returns {@code value / x}.
     *
     * @param value the dividend
     * @param x the array
     * @return a new array
     */
    public static NDArray rdiv(double value, NDArray x) {
        return apply(x, value, (array, scalar) -> scalar.div(array));
    }

    /**
     * Returns {@code x ^ exponent}, element-wise.
     *
     * @param x the array
     * @param exponent the exponent
     * @return a new array
     */
    public static NDArray pow(NDArray x, double exponent) {
        return apply(x, exponent, NDArray::pow);
    }

    /**
     * Returns {@code max(x, value)}, element-wise.
     *
     * @param x the array
     * @param value the floor
     * @return a new array
     */
    public static NDArray maximum(NDArray x, double value) {
        return apply(x, value, NDArray::maximum);
    }

    /**
     * Returns {@code min(x, value)}, element-wise.
     *
     * @param x the array
     * @param value the ceiling
     * @return a new array
     */
    public static NDArray minimum(NDArray x, double value) {
        return apply(x, value, NDArray::minimum);
    }

    /**
     * Returns an engine-owned 0-dim array of {@code x}'s type and device holding {@code value};
     * the caller closes it.
     *
     * @param x the array whose manager, type and device to use
     * @param value the value
     * @return the scalar array
     */
    public static NDArray like(NDArray x, double value) {
        return of(x.getManager(), value, x.getDataType());
    }

    /**
     * Returns an engine-owned 0-dim array of the given type in a manager, holding {@code value}
     * exactly as that type can; the caller closes it.
     *
     * @param manager the manager (and device) of the array
     * @param value the value
     * @param type the data type
     * @return the scalar array
     */
    public static NDArray of(NDManager manager, double value, DataType type) {
        if (type == DataType.FLOAT64) {
            // full() takes a float, which would lose digits; clone the number into engine memory.
            try (NDArray borrowed = manager.create(value)) {
                return borrowed.duplicate();
            }
        }
        return manager.full(new Shape(), (float) value, type);
    }

    private static NDArray apply(NDArray x, double value, BiFunction<NDArray, NDArray, NDArray> op) {
        try (NDArray scalar = like(x, value)) {
            return op.apply(x, scalar);
        }
    }
}
