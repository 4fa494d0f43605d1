package org.lipreg.certify.onnx;

import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Evaluates the nodes whose inputs are all constants: the shape arithmetic that exporters emit
 * around reshapes and slices ({@code Shape → Gather → Add → Div → Slice} for
 * {@code torch.chunk}), on small integer or float tensors.
 */
final class ConstantFolding {

    /** The op types evaluated on constants. */
    static final Set<String> OPS = Set.of("Add", "Sub", "Mul", "Div", "Gather", "Unsqueeze", "Squeeze", "Concat",
            "Cast", "Identity", "Reshape", "Neg", "Sqrt");

    private ConstantFolding() {}

    /**
     * Evaluates a node on constant inputs.
     *
     * @param op the op type, one of {@link #OPS}
     * @param in the inputs (null for an absent optional one)
     * @param attributes the node's attributes
     * @return the output
     * @throws IllegalArgumentException for a case not evaluated
     */
    static Constant fold(String op, List<Constant> in, Attributes attributes) {
        switch (op) {
            case "Add", "Sub", "Mul", "Div":
                return binary(op, in.get(0), in.get(1));
            case "Neg":
                return new Constant(in.get(0).shape(), Arrays.stream(in.get(0).data()).map(v -> -v).toArray(),
                        in.get(0).integer());
            case "Sqrt":
                return new Constant(in.get(0).shape(), Arrays.stream(in.get(0).data()).map(Math::sqrt).toArray(), false);
            case "Identity":
                return in.get(0);
            case "Cast": {
                long to = attributes.integer("to", 1);
                boolean integer = to == 6 || to == 7;
                double[] data = in.get(0).data().clone();
                if (integer) {
                    for (int i = 0; i < data.length; i++) {
                        data[i] = (long) data[i];
                    }
                }
                return new Constant(in.get(0).shape(), data, integer);
            }
            case "Gather": {
                Constant data = in.get(0);
                Constant indices = in.get(1);
                if (data.shape().length != 1 || attributes.integer("axis", 0) != 0) {
                    throw new IllegalArgumentException("Gather on constants is evaluated for 1-d data on axis 0 only");
                }
                double[] out = new double[indices.size()];
                for (int i = 0; i < out.length; i++) {
                    long k = (long) indices.data()[i];
                    out[i] = data.data()[Math.toIntExact(k < 0 ? k + data.size() : k)];
                }
                return new Constant(indices.shape(), out, data.integer());
            }
            case "Unsqueeze", "Squeeze", "Reshape": {
                // Only the values matter for shape arithmetic; the new shape is rebuilt from them.
                Constant x = in.get(0);
                long[] shape = switch (op) {
                    case "Reshape" -> resolve(in.get(1).longs(), x.size());
                    case "Squeeze" -> x.size() == 1 ? new long[0] : new long[] {x.size()};
                    default -> new long[] {x.size()};
                };
                return new Constant(shape, x.data(), x.integer());
            }
            case "Concat": {
                int total = 0;
                for (Constant c : in) {
                    if (c.shape().length > 1) {
                        throw new IllegalArgumentException("Concat on constants is evaluated for 1-d tensors only");
                    }
                    total += c.size();
                }
                double[] out = new double[total];
                int at = 0;
                boolean integer = true;
                for (Constant c : in) {
                    System.arraycopy(c.data(), 0, out, at, c.size());
                    at += c.size();
                    integer &= c.integer();
                }
                return new Constant(new long[] {total}, out, integer);
            }
            default:
                throw new IllegalArgumentException(op + " is not evaluated on constants");
        }
    }

    /** Numpy broadcasting of two tensors; integer division truncates, as ONNX's does. */
    private static Constant binary(String op, Constant a, Constant b) {
        int rank = Math.max(a.shape().length, b.shape().length);
        long[] shape = new long[rank];
        for (int d = 0; d < rank; d++) {
            long x = dim(a, d, rank);
            long y = dim(b, d, rank);
            if (x != y && x != 1 && y != 1) {
                throw new IllegalArgumentException("shapes " + Arrays.toString(a.shape()) + " and "
                        + Arrays.toString(b.shape()) + " do not broadcast");
            }
            shape[d] = Math.max(x, y);
        }
        int n = Math.toIntExact(Arrays.stream(shape).reduce(1, (p, q) -> p * q));
        double[] out = new double[n];
        boolean integer = a.integer() && b.integer();
        for (int i = 0; i < n; i++) {
            double x = a.data()[index(i, shape, a)];
            double y = b.data()[index(i, shape, b)];
            out[i] = switch (op) {
                case "Add" -> x + y;
                case "Sub" -> x - y;
                case "Mul" -> x * y;
                default -> integer ? (double) ((long) x / (long) y) : x / y;
            };
        }
        return new Constant(shape, out, integer);
    }

    private static long dim(Constant c, int d, int rank) {
        int offset = rank - c.shape().length;
        return d < offset ? 1 : c.shape()[d - offset];
    }

    /** The flat index into {@code c} of output element {@code flat} under broadcasting. */
    private static int index(int flat, long[] shape, Constant c) {
        int rank = shape.length;
        int offset = rank - c.shape().length;
        long result = 0;
        long stride = 1;
        for (int d = rank - 1; d >= 0; d--) {
            long coordinate = flat % shape[d];
            flat /= shape[d];
            if (d >= offset) {
                long size = c.shape()[d - offset];
                result += (size == 1 ? 0 : coordinate) * stride;
                stride *= size;
            }
        }
        return Math.toIntExact(result);
    }

    /** A reshape target with its 0 and −1 entries resolved (0 copies nothing here: constants only). */
    private static long[] resolve(long[] target, long size) {
        long known = 1;
        int unknown = -1;
        for (int i = 0; i < target.length; i++) {
            if (target[i] == -1) {
                unknown = i;
            } else {
                known *= target[i];
            }
        }
        long[] out = target.clone();
        if (unknown >= 0) {
            out[unknown] = size / known;
        }
        return out;
    }
}
