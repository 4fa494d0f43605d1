package org.lipreg.certify.onnx;

import org.lipreg.certify.onnx.proto.OnnxProto.TensorProto;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A constant of the ONNX graph (an initializer, a {@code Constant} node, or shape arithmetic on
 * those), held as doubles with its ONNX shape (batch axis included where it has one). Integer
 * tensors keep their kind, because ONNX divides integers by truncation.
 *
 * @param shape the ONNX dimensions
 * @param data the values, row-major
 * @param integer whether the ONNX type is an integer type
 */
record Constant(long[] shape, double[] data, boolean integer) {

    /**
     * Copies the shape.
     *
     * @param shape the ONNX dimensions
     * @param data the values, row-major
     * @param integer whether the ONNX type is an integer type
     */
    Constant {
        shape = shape.clone();
    }

    /** ONNX {@code TensorProto.DataType} numbers of the types read. */
    private static final int FLOAT = 1;
    private static final int INT32 = 6;
    private static final int INT64 = 7;
    /** Dropout's training_mode: one byte per value in raw data, else int32_data. */
    private static final int BOOL = 9;
    private static final int DOUBLE = 11;

    /**
     * Reads a tensor.
     *
     * @param t the tensor
     * @return the constant
     * @throws IllegalArgumentException for external data or a type other than float, double,
     *     int32, int64 and bool
     */
    static Constant of(TensorProto t) {
        if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
            throw new IllegalArgumentException("its data is in an external file, which lipreg does not read "
                    + "(save the model with its weights inside: onnx.save(model, path, save_as_external_data=False))");
        }
        long[] shape = t.getDimsList().stream().mapToLong(Long::longValue).toArray();
        long count = 1;
        for (long d : shape) {
            count *= d;
        }
        int n = Math.toIntExact(count);
        double[] data = new double[n];
        ByteBuffer raw = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        boolean hasRaw = t.hasRawData();
        switch (t.getDataType()) {
            case FLOAT -> {
                for (int i = 0; i < n; i++) {
                    data[i] = hasRaw ? raw.getFloat() : t.getFloatData(i);
                }
            }
            case DOUBLE -> {
                for (int i = 0; i < n; i++) {
                    data[i] = hasRaw ? raw.getDouble() : t.getDoubleData(i);
                }
            }
            case INT64 -> {
                for (int i = 0; i < n; i++) {
                    data[i] = hasRaw ? raw.getLong() : t.getInt64Data(i);
                }
            }
            case INT32 -> {
                for (int i = 0; i < n; i++) {
                    data[i] = hasRaw ? raw.getInt() : t.getInt32Data(i);
                }
            }
            case BOOL -> {
                for (int i = 0; i < n; i++) {
                    data[i] = (hasRaw ? raw.get() : t.getInt32Data(i)) != 0 ? 1 : 0;
                }
            }
            default -> throw new IllegalArgumentException("tensor type " + t.getDataType()
                    + " is not read (float, double, int32, int64 and bool are)");
        }
        return new Constant(shape, data, t.getDataType() != FLOAT && t.getDataType() != DOUBLE);
    }

    /** @return a float scalar */
    static Constant scalar(double value) {
        return new Constant(new long[0], new double[] {value}, false);
    }

    /** @return a 1-d integer tensor */
    static Constant ints(long... values) {
        return new Constant(new long[] {values.length}, Arrays.stream(values).asDoubleStream().toArray(), true);
    }

    /** @return the number of values */
    int size() {
        return data.length;
    }

    /** @return the values as longs (for shapes, axes, indices) */
    long[] longs() {
        return Arrays.stream(data).mapToLong(v -> (long) v).toArray();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Constant c && Arrays.equals(shape, c.shape) && Arrays.equals(data, c.data)
                && integer == c.integer;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(shape) * 31 + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "constant" + Arrays.toString(shape);
    }
}
