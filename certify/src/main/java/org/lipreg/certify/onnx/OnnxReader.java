package org.lipreg.certify.onnx;

import com.google.protobuf.InvalidProtocolBufferException;

import org.lipreg.certify.ir.FiniteValues;
import org.lipreg.certify.ir.Layer;
import org.lipreg.certify.ir.Network;
import org.lipreg.certify.ir.Tensor;
import org.lipreg.certify.onnx.proto.OnnxProto.GraphProto;
import org.lipreg.certify.onnx.proto.OnnxProto.ModelProto;
import org.lipreg.certify.onnx.proto.OnnxProto.NodeProto;
import org.lipreg.certify.onnx.proto.OnnxProto.OperatorSetIdProto;
import org.lipreg.certify.onnx.proto.OnnxProto.TensorProto;
import org.lipreg.certify.onnx.proto.OnnxProto.TensorShapeProto;
import org.lipreg.certify.onnx.proto.OnnxProto.ValueInfoProto;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Reads an ONNX model (operator sets 11 to 18) into the certification IR. The graph is walked
 * in its (topological) order; each tensor is either a constant (initializers and shape
 * arithmetic), a {@link Chain} of IR layers from the input, or part of a multi-node pattern
 * ({@link Partial}). Batch norm, bias adds and input normalization by constants become
 * per-channel affine maps, fused into the layer before where that is exact ({@link
 * LayerFolding}); an {@code Add} of two values computed from one tensor becomes a residual
 * layer; {@code cat(max(a, b), min(a, b))} of the two halves of a flat tensor becomes MaxMin.
 * Anything else is an {@link OnnxFormatException} naming the node, its op type and the
 * supported list. The model's single input has shape (batch, ...); the rest is the network's
 * input shape.
 */
public final class OnnxReader {

    /** The op types read (besides shape arithmetic on constants, {@link ConstantFolding#OPS}). */
    public static final List<String> SUPPORTED = List.of("Add", "AveragePool", "BatchNormalization", "Concat (MaxMin)",
            "Constant", "Conv", "Div", "Dropout", "Flatten", "Gemm", "GlobalAveragePool", "GroupNormalization", "Identity",
            "InstanceNormalization", "LeakyRelu", "MatMul", "Max (MaxMin)", "MaxPool", "Min (MaxMin)", "Mul", "Pad",
            "Relu", "Reshape", "Shape", "Slice", "Split", "Sub");

    /** The operator sets of the default domain that are read. */
    public static final int MIN_OPSET = 11;
    /** The newest operator set read. */
    public static final int MAX_OPSET = 18;

    private final Path file;
    private final int opset;
    private final Map<String, Object> values = new HashMap<>();
    /** The node being read, for error messages. */
    private NodeProto node;
    private int nodeIndex;

    private OnnxReader(Path file, int opset) {
        this.file = file;
        this.opset = opset;
    }

    /**
     * Reads an ONNX file.
     *
     * @param file the {@code .onnx} model, weights inside
     * @return the network
     * @throws OnnxFormatException naming the node or initializer when the model cannot be read
     *     into the IR
     * @throws IOException if the file cannot be read
     */
    public static Network read(Path file) throws IOException {
        ModelProto model;
        try {
            model = ModelProto.parseFrom(Files.readAllBytes(file));
        } catch (InvalidProtocolBufferException e) {
            throw new OnnxFormatException(file, null, "not an ONNX model (" + e.getMessage() + ")", e);
        }
        if (!model.hasGraph() || model.getGraph().getOutputCount() == 0) {
            throw new OnnxFormatException(file, null, "not an ONNX model (no graph with an output)", null);
        }
        int opset = -1;
        for (OperatorSetIdProto id : model.getOpsetImportList()) {
            if (id.getDomain().isEmpty() || id.getDomain().equals("ai.onnx")) {
                opset = (int) id.getVersion();
            }
        }
        if (opset < MIN_OPSET || opset > MAX_OPSET) {
            throw new OnnxFormatException(file, null, "operator set " + (opset < 0 ? "(none)" : opset) + " is not read; "
                    + "lipreg reads " + MIN_OPSET + " to " + MAX_OPSET + " (re-export with opset_version in that range)",
                    null);
        }
        return new OnnxReader(file, opset).network(model.getGraph());
    }

    /**
     * Tells whether the model's input is float64 (lipreg's own exports) rather than float32 (what
     * PyTorch exports), for engines that run the file as it is.
     *
     * @param file the {@code .onnx} model, which {@link #read} accepts
     * @return true for a float64 input
     * @throws IOException if the file cannot be read or parsed
     */
    public static boolean hasDoubleInput(Path file) throws IOException {
        ModelProto model;
        try {
            model = ModelProto.parseFrom(Files.readAllBytes(file));
        } catch (InvalidProtocolBufferException e) {
            throw new OnnxFormatException(file, null, "not an ONNX model (" + e.getMessage() + ")", e);
        }
        for (ValueInfoProto v : model.getGraph().getInputList()) {
            boolean initializer = model.getGraph().getInitializerList().stream().anyMatch(t -> t.getName().equals(v.getName()));
            if (!initializer) {
                return v.getType().getTensorType().getElemType() == TensorProto.DataType.DOUBLE_VALUE;
            }
        }
        return false;
    }

    private Network network(GraphProto graph) throws OnnxFormatException {
        for (TensorProto t : graph.getInitializerList()) {
            values.put(t.getName(), constant(t, "initializer '" + t.getName() + "'"));
        }
        List<ValueInfoProto> inputs = new ArrayList<>();
        for (ValueInfoProto v : graph.getInputList()) {
            if (!values.containsKey(v.getName())) {
                inputs.add(v);
            }
        }
        if (inputs.size() != 1) {
            throw new OnnxFormatException(file, null, "the graph has " + inputs.size() + " inputs besides its "
                    + "initializers; lipreg certifies models of one input", null);
        }
        int[] inputShape = inputShape(inputs.get(0));
        Chain input = Chain.input(inputShape);
        values.put(inputs.get(0).getName(), input);
        for (nodeIndex = 0; nodeIndex < graph.getNodeCount(); nodeIndex++) {
            node = graph.getNode(nodeIndex);
            Object[] outputs;
            try {
                outputs = apply();
            } catch (IllegalArgumentException e) {
                // The IR records and the shape rules check their arguments: say which node broke them.
                throw error(e.getMessage());
            }
            for (int i = 0; i < outputs.length && i < node.getOutputCount(); i++) {
                if (!node.getOutput(i).isEmpty()) {
                    values.put(node.getOutput(i), outputs[i]);
                }
            }
        }
        node = null;
        if (graph.getOutputCount() != 1) {
            throw new OnnxFormatException(file, null, "the graph has " + graph.getOutputCount() + " outputs; lipreg "
                    + "certifies models of one output", null);
        }
        String name = graph.getOutput(0).getName();
        Object out = values.get(name);
        if (!(out instanceof Chain chain)) {
            throw new OnnxFormatException(file, "output '" + name + "'", out == null ? "no node computes it"
                    : out instanceof Constant ? "it does not depend on the input"
                    : "it is " + ((Partial) out).describe() + ", which lipreg reads only inside a pattern", null);
        }
        return new Network(inputShape, chain.layersSince(input));
    }

    private int[] inputShape(ValueInfoProto input) throws OnnxFormatException {
        String where = "input '" + input.getName() + "'";
        if (!input.getType().hasTensorType() || !input.getType().getTensorType().hasShape()) {
            throw new OnnxFormatException(file, where, "has no tensor shape", null);
        }
        int type = input.getType().getTensorType().getElemType();
        if (type != TensorProto.DataType.FLOAT_VALUE && type != TensorProto.DataType.DOUBLE_VALUE) {
            throw new OnnxFormatException(file, where, "has element type " + type + "; lipreg reads float inputs", null);
        }
        List<TensorShapeProto.Dimension> dims = input.getType().getTensorType().getShape().getDimList();
        if (dims.size() < 2) {
            throw new OnnxFormatException(file, where, "has " + dims.size() + " axes; expected (batch, ...)", null);
        }
        int[] shape = new int[dims.size() - 1];
        for (int i = 1; i < dims.size(); i++) {
            TensorShapeProto.Dimension d = dims.get(i);
            if (!d.hasDimValue() || d.getDimValue() < 1) {
                throw new OnnxFormatException(file, where, "axis " + i + " has no fixed size ("
                        + (d.hasDimParam() ? "'" + d.getDimParam() + "'" : "unknown")
                        + "); only the batch axis may vary", null);
            }
            shape[i - 1] = Math.toIntExact(d.getDimValue());
        }
        return shape;
    }

    private Constant constant(TensorProto t, String where) throws OnnxFormatException {
        Constant c;
        try {
            c = Constant.of(t);
        } catch (IllegalArgumentException e) {
            throw new OnnxFormatException(file, where, e.getMessage(), e);
        }
        String defect = FiniteValues.firstNonFinite(c.data(), Arrays.stream(c.shape()).mapToInt(Math::toIntExact)
                .toArray());
        if (defect != null) {
            throw new OnnxFormatException(file, where, defect + "; every weight must be a finite number", null);
        }
        return c;
    }

    // ---------------------------------------------------------------- nodes

    private Object[] apply() throws OnnxFormatException {
        String op = node.getOpType();
        if (!node.getDomain().isEmpty() && !node.getDomain().equals("ai.onnx")) {
            throw unsupported("its domain '" + node.getDomain() + "' is not ONNX's own");
        }
        Attributes attributes = new Attributes(node);
        if (op.equals("Constant")) {
            Constant c;
            try {
                c = attributes.constantValue();
            } catch (IllegalArgumentException e) {
                throw error(e.getMessage());
            }
            if (c == null) {
                throw error("a Constant without a value, value_float(s) or value_int(s) attribute");
            }
            String defect = FiniteValues.firstNonFinite(c.data(), Arrays.stream(c.shape()).mapToInt(Math::toIntExact)
                    .toArray());
            if (defect != null) {
                throw error("its value " + defect + "; every weight must be a finite number");
            }
            return one(c);
        }
        if (ConstantFolding.OPS.contains(op) && allConstant()) {
            List<Constant> in = new ArrayList<>();
            for (int i = 0; i < node.getInputCount(); i++) {
                in.add(node.getInput(i).isEmpty() ? null : (Constant) value(i));
            }
            return one(ConstantFolding.fold(op, in, attributes));
        }
        switch (op) {
            case "Identity":
                return one(value(0));
            case "Dropout": {
                // Operator sets 12+ take training_mode as an input: true would drop at random.
                Constant training = optionalConstant(2);
                if (training != null && training.data().length > 0 && training.data()[0] != 0) {
                    throw error("Dropout with training_mode = true; lipreg reads inference graphs (export with model.eval())");
                }
                return new Object[] {value(0)};
            }
            case "Relu":
                return one(append(chain(0), new Layer.Relu(0)));
            case "LeakyRelu":
                return one(append(chain(0), new Layer.Relu(attributes.number("alpha", 0.01))));
            case "Gemm":
                return one(gemm(attributes));
            case "MatMul":
                return one(matMul());
            case "Conv":
                return one(conv(attributes));
            case "BatchNormalization":
                return new Object[] {batchNorm(attributes)};
            case "MaxPool":
                return one(maxPool(attributes));
            case "AveragePool":
                return one(averagePool(attributes));
            case "GlobalAveragePool": {
                Chain x = image(chain(0));
                int[] hw = {x.shape()[1], x.shape()[2]};
                return one(append(x, new Layer.AvgPool2d(hw, hw, new int[] {0, 0})));
            }
            case "Flatten":
                if (attributes.integer("axis", 1) != 1) {
                    throw error("Flatten with axis " + attributes.integer("axis", 1) + "; lipreg reads axis 1 (keep the batch axis)");
                }
                return one(append(chain(0), new Layer.Flatten()));
            case "Reshape":
                return one(reshape(attributes));
            case "Shape":
                return one(shape(attributes));
            case "Add", "Sub", "Mul", "Div":
                return one(arithmetic(op));
            case "Slice":
                return one(slice());
            case "Split":
                return split(attributes);
            case "Max", "Min":
                return one(extreme(op.equals("Max")));
            case "Concat":
                return one(maxMin(attributes));
            case "Pad":
                return one(pad(attributes));
            case "InstanceNormalization":
                return one(instanceNorm(attributes));
            case "GroupNormalization":
                return one(groupNorm(attributes));
            default:
                throw unsupported("this op type is not read");
        }
    }

    private Chain gemm(Attributes a) throws OnnxFormatException {
        Chain x = flat(chain(0));
        Constant b = constantInput(1);
        if (a.integer("transA", 0) != 0) {
            throw error("Gemm with transA = 1 (the input transposed)");
        }
        if (b.shape().length != 2) {
            throw error("Gemm with a weight of shape " + Arrays.toString(b.shape()));
        }
        double alpha = a.number("alpha", 1);
        double beta = a.number("beta", 1);
        boolean transB = a.integer("transB", 0) != 0;
        int out = (int) (transB ? b.shape()[0] : b.shape()[1]);
        int in = (int) (transB ? b.shape()[1] : b.shape()[0]);
        double[] w = new double[out * in];
        for (int o = 0; o < out; o++) {
            for (int i = 0; i < in; i++) {
                w[o * in + i] = alpha * (transB ? b.data()[o * in + i] : b.data()[i * out + o]);
            }
        }
        double[] bias = new double[out];
        if (node.getInputCount() > 2 && !node.getInput(2).isEmpty()) {
            Constant c = constantInput(2);
            if (c.size() != 1 && c.size() != out) {
                throw error("Gemm bias of shape " + Arrays.toString(c.shape()) + " for " + out + " outputs");
            }
            for (int o = 0; o < out; o++) {
                bias[o] = beta * c.data()[c.size() == 1 ? 0 : o];
            }
        }
        return append(x, new Layer.Dense(new Tensor(new int[] {out, in}, w), new Tensor(new int[] {out}, bias)));
    }

    private Chain matMul() throws OnnxFormatException {
        if (value(0) instanceof Constant) {
            throw error("MatMul with the constant first; lipreg reads x·W with the input on the left");
        }
        Chain x = flat(chain(0));
        Constant b = constantInput(1);
        if (b.shape().length != 2) {
            throw error("MatMul with a weight of shape " + Arrays.toString(b.shape()));
        }
        int in = (int) b.shape()[0];
        int out = (int) b.shape()[1];
        double[] w = new double[out * in];
        for (int o = 0; o < out; o++) {
            for (int i = 0; i < in; i++) {
                w[o * in + i] = b.data()[i * out + o];
            }
        }
        return append(x, new Layer.Dense(new Tensor(new int[] {out, in}, w), Tensor.zeros(out)));
    }

    private Chain conv(Attributes a) throws OnnxFormatException {
        Object in = value(0);
        int[] extra = {0, 0};
        Chain x;
        if (in instanceof Partial.ZeroPadded p) {
            x = p.of();
            extra = p.padding();
        } else {
            x = image(chain(0));
        }
        Constant w = constantInput(1);
        if (w.shape().length != 4) {
            throw error("a convolution with a weight of shape " + Arrays.toString(w.shape()) + "; lipreg reads 2-d ones");
        }
        int[] kernel = {(int) w.shape()[2], (int) w.shape()[3]};
        int[] padding = padding(a, kernel);
        int[] shape = Arrays.stream(w.shape()).mapToInt(Math::toIntExact).toArray();
        Tensor bias = Tensor.zeros(shape[0]);
        if (node.getInputCount() > 2 && !node.getInput(2).isEmpty()) {
            Constant b = constantInput(2);
            bias = new Tensor(new int[] {shape[0]}, b.data());
        }
        return append(x, new Layer.Conv2d(new Tensor(shape, w.data()), bias, pair(a, "strides"),
                new int[] {padding[0] + extra[0], padding[1] + extra[1]}, pair(a, "dilations"),
                (int) a.integer("group", 1)));
    }

    private Chain batchNorm(Attributes a) throws OnnxFormatException {
        if (a.integer("training_mode", 0) != 0) {
            throw error("BatchNormalization in training mode; export the model in eval mode");
        }
        Chain x = chain(0);
        double[] gamma = constantInput(1).data();
        double[] beta = constantInput(2).data();
        double[] mean = constantInput(3).data();
        double[] var = constantInput(4).data();
        double eps = a.number("epsilon", 1e-5);
        int c = gamma.length;
        double[] scale = new double[c];
        double[] shift = new double[c];
        for (int i = 0; i < c; i++) {
            scale[i] = gamma[i] / Math.sqrt(var[i] + eps);
            shift[i] = beta[i] - mean[i] * scale[i];
        }
        return append(x, new Layer.ChannelAffine(new Tensor(new int[] {c}, scale), new Tensor(new int[] {c}, shift)));
    }

    private Chain maxPool(Attributes a) throws OnnxFormatException {
        if (node.getOutputCount() > 1 && !node.getOutput(1).isEmpty()) {
            throw error("MaxPool's Indices output is not read");
        }
        if (value(0) instanceof Partial.ZeroPadded) {
            throw error("MaxPool after a zero Pad (max pooling pads with −∞, so the two cannot merge)");
        }
        Chain x = image(chain(0));
        int[] kernel = ints(a.integers("kernel_shape", new long[0]), "kernel_shape");
        poolChecks(a);
        if (Arrays.stream(a.integers("dilations", new long[] {1, 1})).anyMatch(d -> d != 1)) {
            throw error("MaxPool with dilations");
        }
        return append(x, new Layer.MaxPool2d(kernel, pair(a, "strides"), padding(a, kernel)));
    }

    private Chain averagePool(Attributes a) throws OnnxFormatException {
        Object in = value(0);
        int[] extra = {0, 0};
        Chain x;
        if (in instanceof Partial.ZeroPadded p) {
            x = p.of();
            extra = p.padding();
        } else {
            x = image(chain(0));
        }
        int[] kernel = ints(a.integers("kernel_shape", new long[0]), "kernel_shape");
        poolChecks(a);
        int[] padding = padding(a, kernel);
        if ((padding[0] > 0 || padding[1] > 0) && a.integer("count_include_pad", 0) == 0) {
            throw error("AveragePool that leaves padded zeros out of the count (count_include_pad = 0); lipreg's "
                    + "average pooling counts them");
        }
        return append(x, new Layer.AvgPool2d(kernel, pair(a, "strides"),
                new int[] {padding[0] + extra[0], padding[1] + extra[1]}));
    }

    private void poolChecks(Attributes a) throws OnnxFormatException {
        if (a.integer("ceil_mode", 0) != 0) {
            throw error("pooling with ceil_mode = 1");
        }
    }

    private Object reshape(Attributes a) throws OnnxFormatException {
        long[] target = constantInput(1).longs();
        Object in = value(0);
        if (target.length < 1 || !(target[0] == 0 || target[0] == -1 || target[0] == 1)) {
            throw error("Reshape to " + Arrays.toString(target) + ", which does not keep the batch axis first");
        }
        if (in instanceof Partial.GroupNormalized g) {
            long[] back = resolve(target, g.of().shape());
            if (Arrays.equals(back, Arrays.stream(g.of().shape()).asLongStream().toArray())) {
                int c = g.of().channels();
                return append(g.of(), new Layer.GroupNorm(g.groups(), g.epsilon(), new Tensor(new int[] {c}, g.scale()),
                        new Tensor(new int[] {c}, g.shift())));
            }
            throw error("Reshape of a group view's instance norm to " + Arrays.toString(target)
                    + " instead of back to the tensor's shape");
        }
        Chain x = chain(0);
        long[] per = resolve(target, x.shape());
        int size = Arrays.stream(x.shape()).reduce(1, (p, q) -> p * q);
        if (Arrays.equals(per, Arrays.stream(x.shape()).asLongStream().toArray())) {
            return x;
        }
        if (per.length == 1 && per[0] == size) {
            return append(x, new Layer.Flatten());
        }
        if (per.length == 2 && x.channels() % per[0] == 0 && per[0] * per[1] == size) {
            return new Partial.GroupView(x, (int) per[0]);
        }
        throw error("Reshape of " + Arrays.toString(x.shape()) + " to " + Arrays.toString(target) + "; lipreg reads "
                + "reshapes that flatten, keep the shape, or view channels as (groups, rest) for a group norm");
    }

    /** The per-example target of a reshape (batch axis dropped), with 0 and −1 resolved. */
    private long[] resolve(long[] target, int[] shape) throws OnnxFormatException {
        long size = Arrays.stream(shape).asLongStream().reduce(1, (p, q) -> p * q);
        long[] out = new long[target.length - 1];
        long known = 1;
        int unknown = -1;
        for (int i = 1; i < target.length; i++) {
            long t = target[i];
            if (t == 0) {
                if (i - 1 >= shape.length) {
                    throw error("Reshape copies axis " + i + ", which the input has not");
                }
                t = shape[i - 1];
            }
            if (t == -1) {
                unknown = i - 1;
            } else {
                known *= t;
            }
            out[i - 1] = t;
        }
        if (unknown >= 0) {
            out[unknown] = known == 0 ? 0 : size / known;
        }
        return out;
    }

    private Constant shape(Attributes a) throws OnnxFormatException {
        Object in = value(0);
        long[] dims;
        if (in instanceof Constant c) {
            dims = c.shape();
        } else {
            Chain x = chain(0);
            dims = new long[x.shape().length + 1];
            dims[0] = 1; // the batch axis; shape arithmetic here concerns the other axes
            for (int i = 0; i < x.shape().length; i++) {
                dims[i + 1] = x.shape()[i];
            }
        }
        int start = (int) a.integer("start", 0);
        int end = (int) a.integer("end", dims.length);
        start = Math.max(0, Math.min(dims.length, start < 0 ? start + dims.length : start));
        end = Math.max(0, Math.min(dims.length, end < 0 ? end + dims.length : end));
        return Constant.ints(Arrays.copyOfRange(dims, start, Math.max(start, end)));
    }

    private Object arithmetic(String op) throws OnnxFormatException {
        Object left = value(0);
        Object right = value(1);
        if (left instanceof Chain a && right instanceof Chain b && op.equals("Add")) {
            if (!Arrays.equals(a.shape(), b.shape())) {
                throw error("Add of tensors of shapes " + Arrays.toString(a.shape()) + " and " + Arrays.toString(b.shape()));
            }
            Chain fork = a.commonAncestor(b);
            List<Layer> first = a.layersSince(fork);
            List<Layer> second = b.layersSince(fork);
            // The longer branch is the body, so that an identity path is the (empty) shortcut.
            boolean swap = first.size() < second.size();
            return append(fork, new Layer.Residual(swap ? second : first, swap ? first : second));
        }
        boolean chainLeft = left instanceof Chain;
        if (!(chainLeft && right instanceof Constant) && !(left instanceof Constant && right instanceof Chain)) {
            throw error(op + " of " + kind(left) + " and " + kind(right) + "; lipreg reads " + op
                    + (op.equals("Add") ? " of two tensors (a residual) or" : "") + " of a tensor and a constant");
        }
        Chain x = (Chain) (chainLeft ? left : right);
        double[] c = perChannel((Constant) (chainLeft ? right : left), x);
        int n = c.length;
        double[] scale = new double[n];
        double[] shift = new double[n];
        for (int i = 0; i < n; i++) {
            switch (op) {
                case "Add" -> {
                    scale[i] = 1;
                    shift[i] = c[i];
                }
                case "Sub" -> {
                    scale[i] = chainLeft ? 1 : -1;
                    shift[i] = chainLeft ? -c[i] : c[i];
                }
                case "Mul" -> scale[i] = c[i];
                default -> {
                    if (!chainLeft) {
                        throw error("Div of a constant by a tensor");
                    }
                    scale[i] = 1 / c[i];
                }
            }
        }
        return append(x, new Layer.ChannelAffine(new Tensor(new int[] {n}, scale), new Tensor(new int[] {n}, shift)));
    }

    /** A constant broadcast against a tensor, as one value per channel (feature, if flat). */
    private double[] perChannel(Constant c, Chain x) throws OnnxFormatException {
        int rank = x.shape().length + 1;
        long[] s = c.shape();
        if (s.length > rank) {
            throw error("a constant of shape " + Arrays.toString(s) + " on a tensor of " + rank + " axes");
        }
        int channels = x.channels();
        for (int d = 0; d < s.length; d++) {
            int axis = rank - s.length + d;
            if (s[d] != 1 && !(axis == 1 && s[d] == channels)) {
                throw error("a constant of shape " + Arrays.toString(s) + " that varies along an axis other than the "
                        + "channels of a tensor of shape (batch, " + Arrays.toString(x.shape()).substring(1)
                        + "; lipreg reads per-channel constants");
            }
        }
        double[] out = new double[channels];
        for (int i = 0; i < channels; i++) {
            out[i] = c.data()[c.size() == 1 ? 0 : i];
        }
        return out;
    }

    private Object slice() throws OnnxFormatException {
        Chain x = flat(chain(0));
        long[] starts = constantInput(1).longs();
        long[] ends = constantInput(2).longs();
        long[] axes = optionalConstant(3) == null ? new long[] {0} : optionalConstant(3).longs();
        long[] steps = optionalConstant(4) == null ? new long[] {1} : optionalConstant(4).longs();
        if (starts.length != 1 || axes.length != 1 || !(axes[0] == 1 || axes[0] == -1) || steps[0] != 1) {
            throw error("Slice other than a contiguous range of features (axis 1, step 1)");
        }
        int n = x.channels();
        int start = (int) clamp(starts[0], n);
        int end = (int) clamp(ends[0], n);
        return start == 0 && end == n ? x : new Partial.Part(x, start, Math.max(start, end));
    }

    private static long clamp(long index, int n) {
        long i = index < 0 ? index + n : index;
        return Math.max(0, Math.min(n, i));
    }

    private Object[] split(Attributes a) throws OnnxFormatException {
        Chain x = flat(chain(0));
        long axis = a.integer("axis", 0);
        if (axis != 1 && axis != -1) {
            throw error("Split on axis " + axis + "; lipreg reads splits of the features (axis 1)");
        }
        int parts = node.getOutputCount();
        long[] sizes;
        Constant given = optionalConstant(1);
        if (given != null) {
            sizes = given.longs();
        } else if (a.has("split")) {
            sizes = a.integers("split", null);
        } else {
            if (x.channels() % parts != 0) {
                throw error("Split of " + x.channels() + " features into " + parts + " equal parts");
            }
            sizes = new long[parts];
            Arrays.fill(sizes, x.channels() / parts);
        }
        Object[] out = new Object[sizes.length];
        int at = 0;
        for (int i = 0; i < sizes.length; i++) {
            out[i] = new Partial.Part(x, at, at + (int) sizes[i]);
            at += (int) sizes[i];
        }
        return out;
    }

    private Object extreme(boolean max) throws OnnxFormatException {
        if (node.getInputCount() != 2 || !(value(0) instanceof Partial.Part a) || !(value(1) instanceof Partial.Part b)
                || a.of() != b.of() || a.end() - a.start() != b.end() - b.start()) {
            throw error((max ? "Max" : "Min") + " other than of two equally long slices of one tensor "
                    + "(the MaxMin pattern cat(max(a, b), min(a, b)))");
        }
        return new Partial.PairExtreme(max, a.of(), a.start(), b.start(), a.end() - a.start());
    }

    /** {@code cat(max(a, b), min(a, b))} over the two halves a, b of x: MaxMin with x's halves interleaved. */
    private Chain maxMin(Attributes a) throws OnnxFormatException {
        long axis = a.integer("axis", 0);
        if (node.getInputCount() != 2 || !(value(0) instanceof Partial.PairExtreme hi)
                || !(value(1) instanceof Partial.PairExtreme lo) || !hi.max() || lo.max() || hi.of() != lo.of()
                || (axis != 1 && axis != -1)) {
            throw error("Concat other than the MaxMin pattern cat(max(a, b), min(a, b)) on axis 1");
        }
        Chain x = hi.of();
        int h = hi.length();
        int n = x.channels();
        boolean halves = 2 * h == n && Math.min(hi.first(), hi.second()) == 0 && Math.max(hi.first(), hi.second()) == h
                && Math.min(lo.first(), lo.second()) == 0 && Math.max(lo.first(), lo.second()) == h;
        if (!halves) {
            throw error("Concat of max and min of slices other than the two halves of the features");
        }
        // z = (x_0, x_h, x_1, x_{h+1}, …); GroupSort(2) sorts each pair; out = (z_0, z_2, …, z_1, z_3, …).
        double[] interleave = new double[n * n];
        double[] gather = new double[n * n];
        for (int i = 0; i < h; i++) {
            interleave[(2 * i) * n + i] = 1;
            interleave[(2 * i + 1) * n + h + i] = 1;
            gather[i * n + 2 * i] = 1;
            gather[(h + i) * n + 2 * i + 1] = 1;
        }
        Chain z = append(x, new Layer.Dense(new Tensor(new int[] {n, n}, interleave), Tensor.zeros(n)));
        Chain sorted = append(z, new Layer.GroupSort(2));
        return append(sorted, new Layer.Dense(new Tensor(new int[] {n, n}, gather), Tensor.zeros(n)));
    }

    private Object pad(Attributes a) throws OnnxFormatException {
        if (!a.string("mode", "constant").equals("constant")) {
            throw error("Pad in mode '" + a.string("mode", "constant") + "'; lipreg reads zero padding");
        }
        Constant value = optionalConstant(2);
        if (value != null && value.data().length > 0 && value.data()[0] != 0) {
            throw error("Pad with the value " + value.data()[0] + "; lipreg reads zero padding");
        }
        if (optionalConstant(3) != null) {
            throw error("Pad with an axes input");
        }
        Chain x = chain(0);
        long[] pads = constantInput(1).longs();
        int rank = x.shape().length + 1;
        if (pads.length != 2 * rank) {
            throw error("Pad with " + pads.length + " pads for " + rank + " axes");
        }
        if (Arrays.stream(pads).allMatch(p -> p == 0)) {
            return x;
        }
        if (rank != 4 || pads[0] != 0 || pads[1] != 0 || pads[4] != 0 || pads[5] != 0 || pads[2] != pads[6]
                || pads[3] != pads[7] || pads[2] < 0 || pads[3] < 0) {
            throw error("Pad " + Arrays.toString(pads) + "; lipreg reads equal zero padding on both sides of the "
                    + "spatial axes, before a convolution or average pooling");
        }
        return new Partial.ZeroPadded(x, new int[] {(int) pads[2], (int) pads[3]});
    }

    private Object instanceNorm(Attributes a) throws OnnxFormatException {
        double eps = a.number("epsilon", 1e-5);
        double[] scale = constantInput(1).data();
        double[] shift = constantInput(2).data();
        if (value(0) instanceof Partial.GroupView g) {
            return new Partial.GroupNormalized(g.of(), g.groups(), eps, perGroup(scale, g.of().channels(), g.groups()),
                    perGroup(shift, g.of().channels(), g.groups()));
        }
        Chain x = chain(0);
        int c = x.channels();
        return append(x, new Layer.GroupNorm(c, eps, new Tensor(new int[] {c}, scale), new Tensor(new int[] {c}, shift)));
    }

    private Chain groupNorm(Attributes a) throws OnnxFormatException {
        Chain x = chain(0);
        int groups = (int) a.integer("num_groups", 0);
        double eps = a.number("epsilon", 1e-5);
        int c = x.channels();
        if (groups < 1 || c % groups != 0) {
            throw error("GroupNormalization with " + groups + " groups of " + c + " channels");
        }
        // Operator set 18 gives scale and bias per group (set 21 changed them to per channel).
        double[] scale = perGroup(constantInput(1).data(), c, groups);
        double[] shift = perGroup(constantInput(2).data(), c, groups);
        return append(x, new Layer.GroupNorm(groups, eps, new Tensor(new int[] {c}, scale), new Tensor(new int[] {c}, shift)));
    }

    /** Per-group values spread over each group's channels. */
    private double[] perGroup(double[] values, int channels, int groups) throws OnnxFormatException {
        if (values.length != groups) {
            throw error(values.length + " scale or bias values for " + groups + " groups");
        }
        double[] out = new double[channels];
        for (int i = 0; i < channels; i++) {
            out[i] = values[i / (channels / groups)];
        }
        return out;
    }

    // ---------------------------------------------------------------- helpers

    private Chain append(Chain x, Layer layer) {
        return LayerFolding.append(x, layer);
    }

    private int[] padding(Attributes a, int[] kernel) throws OnnxFormatException {
        String autoPad = a.string("auto_pad", "NOTSET");
        if (!autoPad.equals("NOTSET") && !autoPad.equals("VALID")) {
            throw error("auto_pad = " + autoPad + "; lipreg reads explicit pads");
        }
        long[] pads = a.integers("pads", new long[] {0, 0, 0, 0});
        if (pads.length != 4 || pads[0] != pads[2] || pads[1] != pads[3]) {
            throw error("pads " + Arrays.toString(pads) + "; lipreg reads equal padding on both sides");
        }
        if (a.has("kernel_shape") && !Arrays.equals(ints(a.integers("kernel_shape", null), "kernel_shape"), kernel)) {
            throw error("kernel_shape " + Arrays.toString(a.integers("kernel_shape", null)) + " does not match the weight");
        }
        return new int[] {(int) pads[0], (int) pads[1]};
    }

    private int[] pair(Attributes a, String name) throws OnnxFormatException {
        return ints(a.integers(name, new long[] {1, 1}), name);
    }

    private int[] ints(long[] values, String name) throws OnnxFormatException {
        if (values.length != 2) {
            throw error(name + " " + Arrays.toString(values) + "; lipreg reads 2-d windows");
        }
        return new int[] {Math.toIntExact(values[0]), Math.toIntExact(values[1])};
    }

    private Object[] one(Object value) {
        return new Object[] {value};
    }

    private boolean allConstant() {
        for (int i = 0; i < node.getInputCount(); i++) {
            if (!node.getInput(i).isEmpty() && !(values.get(node.getInput(i)) instanceof Constant)) {
                return false;
            }
        }
        return node.getInputCount() > 0;
    }

    private Object value(int i) throws OnnxFormatException {
        if (i >= node.getInputCount() || node.getInput(i).isEmpty()) {
            throw error("input " + i + " is missing");
        }
        Object v = values.get(node.getInput(i));
        if (v == null) {
            throw error("input '" + node.getInput(i) + "' is computed by no node before it");
        }
        return v;
    }

    private Chain chain(int i) throws OnnxFormatException {
        Object v = value(i);
        if (v instanceof Chain c) {
            return c;
        }
        throw error("input '" + node.getInput(i) + "' is " + kind(v) + "; expected a tensor computed from the model "
                + "input" + (v instanceof Partial ? " (" + ((Partial) v).describe() + " is read only inside its pattern)" : ""));
    }

    private Constant constantInput(int i) throws OnnxFormatException {
        Object v = value(i);
        if (v instanceof Constant c) {
            return c;
        }
        throw error("input '" + node.getInput(i) + "' depends on the model input; lipreg reads it only as a constant");
    }

    private Constant optionalConstant(int i) throws OnnxFormatException {
        return i < node.getInputCount() && !node.getInput(i).isEmpty() ? constantInput(i) : null;
    }

    private static Chain flat(Chain x) {
        if (x.shape().length != 1) {
            throw new IllegalArgumentException("expects flat features, got shape " + Arrays.toString(x.shape())
                    + " (add a Flatten before it)");
        }
        return x;
    }

    private static Chain image(Chain x) {
        if (x.shape().length != 3) {
            throw new IllegalArgumentException("expects (channels, height, width), got shape "
                    + Arrays.toString(x.shape()));
        }
        return x;
    }

    private static String kind(Object v) {
        return v instanceof Constant ? "a constant" : v instanceof Chain ? "a tensor" : ((Partial) v).describe();
    }

    private String where() {
        String name = node.getName().isEmpty() ? "#" + nodeIndex : "'" + node.getName() + "'";
        return "node " + name + " (" + node.getOpType() + ")";
    }

    private OnnxFormatException error(String reason) {
        return new OnnxFormatException(file, where(), reason, null);
    }

    private OnnxFormatException unsupported(String why) {
        TreeSet<String> folded = new TreeSet<>(ConstantFolding.OPS);
        return error(why + "; lipreg reads " + String.join(", ", SUPPORTED) + " (and " + String.join(", ", folded)
                + " on constants), operator sets " + MIN_OPSET + " to " + MAX_OPSET);
    }
}
