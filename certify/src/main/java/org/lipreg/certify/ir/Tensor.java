package org.lipreg.certify.ir;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import java.util.Arrays;

/**
 * An immutable array of doubles with a shape, row-major: the IR's weights live on the Java heap
 * so that a network outlives any DJL manager and can be written to and read from files.
 *
 * @param shape the dimensions
 * @param data the values, row-major, {@code product(shape)} of them
 */
public record Tensor(int[] shape, double[] data) {

    /**
     * Checks that the data fits the shape.
     *
     * @param shape the dimensions
     * @param data the values, row-major, {@code product(shape)} of them
     */
    public Tensor {
        long size = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
            size *= d;
        }
        if (size != data.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " needs " + size
                    + " values, got " + data.length);
        }
        shape = shape.clone();
    }

    /**
     * Copies an NDArray (any float type) into a tensor.
     *
     * @param array the array
     * @return the tensor
     */
    public static Tensor of(NDArray array) {
        long[] s = array.getShape().getShape();
        int[] shape = new int[s.length];
        for (int i = 0; i < s.length; i++) {
            shape[i] = Math.toIntExact(s[i]);
        }
        return new Tensor(shape, array.toType(DataType.FLOAT64, false).toDoubleArray());
    }

    /**
     * Returns a tensor of zeros.
     *
     * @param shape the dimensions
     * @return zeros
     */
    public static Tensor zeros(int... shape) {
        long size = 1;
        for (int d : shape) {
            size *= d;
        }
        return new Tensor(shape, new double[Math.toIntExact(size)]);
    }

    /**
     * Returns the shape as a DJL shape.
     *
     * @return the shape
     */
    public Shape djlShape() {
        return new Shape(Arrays.stream(shape).asLongStream().toArray());
    }

    /**
     * Creates a float64 NDArray with these values.
     *
     * @param manager the owner
     * @return the array
     */
    public NDArray toNDArray(NDManager manager) {
        return manager.create(data, djlShape());
    }

    /**
     * Returns dimension {@code i}.
     *
     * @param i the axis
     * @return its size
     */
    public int dim(int i) {
        return shape[i];
    }

    /**
     * Returns the number of values.
     *
     * @return the size
     */
    public int size() {
        return data.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Tensor t && Arrays.equals(shape, t.shape) && Arrays.equals(data, t.data);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(shape) + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "Tensor" + Arrays.toString(shape);
    }
}
