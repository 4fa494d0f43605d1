package org.lipreg.certify.onnx;

import com.google.protobuf.ByteString;

import org.lipreg.certify.ir.LayerShapes;
import org.lipreg.certify.ir.Layer;
import org.lipreg.certify.ir.Network;
import org.lipreg.certify.ir.Tensor;
import org.lipreg.certify.onnx.proto.OnnxProto.AttributeProto;
import org.lipreg.certify.onnx.proto.OnnxProto.GraphProto;
import org.lipreg.certify.onnx.proto.OnnxProto.ModelProto;
import org.lipreg.certify.onnx.proto.OnnxProto.NodeProto;
import org.lipreg.certify.onnx.proto.OnnxProto.OperatorSetIdProto;
import org.lipreg.certify.onnx.proto.OnnxProto.TensorProto;
import org.lipreg.certify.onnx.proto.OnnxProto.TensorShapeProto;
import org.lipreg.certify.onnx.proto.OnnxProto.TypeProto;
import org.lipreg.certify.onnx.proto.OnnxProto.ValueInfoProto;
import org.lipreg.training.internal.AtomicFiles;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Writes an IR network as an ONNX inference graph (operator set 13) that {@link OnnxReader}
 * reads back to the same network: weights as float64 tensors (the IR's own precision, so the
 * round trip is exact; input and output are float64 too), batch norm and the WS/SN
 * normalizations already folded by the IR, residual layers as an {@code Add} of two branches,
 * per-channel affine maps as {@code Mul} then {@code Add}, MaxMin on features as
 * {@code cat(max(a, b), min(a, b))} of the two halves between two permutations, group norm as
 * PyTorch exports it (Reshape, InstanceNormalization, Reshape, Mul, Add). GroupSort of more than
 * two, or MaxMin on image channels, has no such form and is refused.
 */
public final class OnnxWriter {

    /** The operator set written. */
    public static final int OPSET = 13;

    private final GraphProto.Builder graph = GraphProto.newBuilder().setName("lipreg");

    private OnnxWriter() {}

    /**
     * Writes the model atomically.
     *
     * @param network the network
     * @param file the {@code .onnx} file to create or replace
     * @throws IOException if writing fails
     * @throws IllegalArgumentException for a layer with no ONNX form here, naming it
     */
    public static void write(Network network, Path file) throws IOException {
        ModelProto model = model(network);
        AtomicFiles.write(file, out -> model.writeTo(out));
    }

    /**
     * Builds the ONNX model.
     *
     * @param network the network
     * @return the model
     * @throws IllegalArgumentException for a layer with no ONNX form here, naming it
     */
    public static ModelProto model(Network network) {
        OnnxWriter writer = new OnnxWriter();
        writer.graph.addInput(valueInfo("input", network.inputShape()));
        String out = writer.chain(network.layers(), "input", network.inputShape(), "layers");
        writer.graph.addNode(node("Identity", "output", List.of(out), "output"));
        writer.graph.addOutput(valueInfo("output", LayerShapes.outputShape(network)));
        return ModelProto.newBuilder().setIrVersion(8).setProducerName("lipreg").setGraph(writer.graph)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET)).build();
    }

    private String chain(List<Layer> layers, String x, int[] shape, String prefix) {
        for (int i = 0; i < layers.size(); i++) {
            x = layer(layers.get(i), x, shape, prefix + "." + i);
            shape = LayerShapes.outputShape(layers.get(i), shape);
        }
        return x;
    }

    private String layer(Layer layer, String x, int[] shape, String name) {
        if (layer instanceof Layer.Dense d) {
            return add(node("Gemm", name, List.of(x, initializer(name + ".weight", d.weight()),
                    initializer(name + ".bias", d.bias())), name).toBuilder().addAttribute(integer("transB", 1)).build());
        }
        if (layer instanceof Layer.Conv2d c) {
            return add(node("Conv", name, List.of(x, initializer(name + ".weight", c.weight()),
                    initializer(name + ".bias", c.bias())), name).toBuilder()
                    .addAttribute(integers("kernel_shape", c.weight().dim(2), c.weight().dim(3)))
                    .addAttribute(integers("strides", c.stride()[0], c.stride()[1]))
                    .addAttribute(integers("pads", c.padding()[0], c.padding()[1], c.padding()[0], c.padding()[1]))
                    .addAttribute(integers("dilations", c.dilation()[0], c.dilation()[1]))
                    .addAttribute(integer("group", c.groups())).build());
        }
        if (layer instanceof Layer.AvgPool2d p) {
            return add(pool("AveragePool", x, name, p.kernel(), p.stride(), p.padding()).toBuilder()
                    .addAttribute(integer("count_include_pad", 1)).build());
        }
        if (layer instanceof Layer.MaxPool2d p) {
            return add(pool("MaxPool", x, name, p.kernel(), p.stride(), p.padding()));
        }
        if (layer instanceof Layer.ChannelAffine a) {
            return affine(x, shape, a.scale(), a.shift(), name);
        }
        if (layer instanceof Layer.Relu r) {
            if (r.negativeSlope() == 0) {
                return add(node("Relu", name, List.of(x), name));
            }
            if ((float) r.negativeSlope() != r.negativeSlope()) {
                throw new IllegalArgumentException(name + ": leaky ReLU slope " + r.negativeSlope()
                        + " is not a float32 number, which ONNX's LeakyRelu attribute holds");
            }
            return add(node("LeakyRelu", name, List.of(x), name).toBuilder().addAttribute(AttributeProto.newBuilder()
                    .setName("alpha").setType(AttributeProto.AttributeType.FLOAT).setF((float) r.negativeSlope())).build());
        }
        if (layer instanceof Layer.Flatten) {
            return add(node("Flatten", name, List.of(x), name).toBuilder().addAttribute(integer("axis", 1)).build());
        }
        if (layer instanceof Layer.GroupSort g) {
            return maxMin(g, x, shape, name);
        }
        if (layer instanceof Layer.GroupNorm g) {
            return groupNorm(g, x, shape, name);
        }
        if (layer instanceof Layer.Residual r) {
            String body = chain(r.body(), x, shape, name + ".body");
            String shortcut = chain(r.shortcut(), x, shape, name + ".shortcut");
            return add(node("Add", name, List.of(body, shortcut), name));
        }
        throw new IllegalArgumentException(name + ": no ONNX form for " + layer.getClass().getSimpleName());
    }

    /** {@code x·scale + shift}, the constants shaped (C, 1, 1) for images so they broadcast per channel. */
    private String affine(String x, int[] shape, Tensor scale, Tensor shift, String name) {
        int[] dims = new int[shape.length];
        Arrays.fill(dims, 1);
        dims[0] = shape[0];
        String scaled = add(node("Mul", name + ".scale", List.of(x, initializer(name + ".scale",
                new Tensor(dims, scale.data()))), name + ".scaled"));
        return add(node("Add", name, List.of(scaled, initializer(name + ".shift", new Tensor(dims, shift.data()))), name));
    }

    /**
     * MaxMin (GroupSort of pairs) on features: the pairs' first and second members permuted to
     * the two halves, cat(max, min) of the halves, and back to pairs.
     */
    private String maxMin(Layer.GroupSort g, String x, int[] shape, String name) {
        if (g.size() != 2 || shape.length != 1) {
            throw new IllegalArgumentException(name + ": GroupSort of " + g.size() + " on shape " + Arrays.toString(shape)
                    + " has no ONNX form here (MaxMin on flat features has)");
        }
        int n = shape[0];
        int h = n / 2;
        double[] split = new double[n * n];
        double[] merge = new double[n * n];
        for (int i = 0; i < h; i++) {
            // MatMul's weight is (in, out): split sends x_{2i} to i and x_{2i+1} to h + i.
            split[(2 * i) * n + i] = 1;
            split[(2 * i + 1) * n + h + i] = 1;
            merge[i * n + 2 * i] = 1;
            merge[(h + i) * n + 2 * i + 1] = 1;
        }
        String halves = add(node("MatMul", name + ".split", List.of(x, initializer(name + ".split",
                new Tensor(new int[] {n, n}, split))), name + ".halves"));
        graph.addNode(NodeProto.newBuilder().setOpType("Split").setName(name + ".parts").addInput(halves)
                .addInput(initializer(name + ".sizes", Constant.ints(h, h))).addOutput(name + ".a").addOutput(name + ".b")
                .addAttribute(integer("axis", 1)));
        String max = add(node("Max", name + ".max", List.of(name + ".a", name + ".b"), name + ".max"));
        String min = add(node("Min", name + ".min", List.of(name + ".a", name + ".b"), name + ".min"));
        String sorted = add(node("Concat", name + ".cat", List.of(max, min), name + ".sorted").toBuilder()
                .addAttribute(integer("axis", 1)).build());
        return add(node("MatMul", name, List.of(sorted, initializer(name + ".merge", new Tensor(new int[] {n, n}, merge))),
                name));
    }

    /** Group norm as PyTorch 1.13 exports it: a (batch, groups, rest) view normalized per row, then the affine map. */
    private String groupNorm(Layer.GroupNorm g, String x, int[] shape, String name) {
        if ((float) g.epsilon() != g.epsilon()) {
            throw new IllegalArgumentException(name + ": group norm epsilon " + g.epsilon()
                    + " is not a float32 number, which ONNX's attribute holds");
        }
        String view = add(node("Reshape", name + ".view", List.of(x, initializer(name + ".groups",
                Constant.ints(0, g.groups(), -1))), name + ".view"));
        String ones = initializer(name + ".ones", new Tensor(new int[] {g.groups()}, filled(g.groups(), 1)));
        String zeros = initializer(name + ".zeros", Tensor.zeros(g.groups()));
        String normalized = add(node("InstanceNormalization", name + ".norm", List.of(view, ones, zeros), name + ".norm")
                .toBuilder().addAttribute(AttributeProto.newBuilder().setName("epsilon")
                        .setType(AttributeProto.AttributeType.FLOAT).setF((float) g.epsilon())).build());
        long[] back = new long[shape.length + 1];
        for (int i = 0; i < shape.length; i++) {
            back[i + 1] = shape[i];
        }
        String restored = add(node("Reshape", name + ".back", List.of(normalized, initializer(name + ".shape",
                Constant.ints(back))), name + ".restored"));
        return affine(restored, shape, g.scale(), g.shift(), name);
    }

    private static double[] filled(int n, double value) {
        double[] out = new double[n];
        Arrays.fill(out, value);
        return out;
    }

    private NodeProto pool(String op, String x, String name, int[] kernel, int[] stride, int[] padding) {
        return node(op, name, List.of(x), name).toBuilder()
                .addAttribute(integers("kernel_shape", kernel[0], kernel[1]))
                .addAttribute(integers("strides", stride[0], stride[1]))
                .addAttribute(integers("pads", padding[0], padding[1], padding[0], padding[1])).build();
    }

    private String add(NodeProto node) {
        graph.addNode(node);
        return node.getOutput(0);
    }

    private String initializer(String name, Tensor t) {
        ByteBuffer raw = ByteBuffer.allocate(8 * t.size()).order(ByteOrder.LITTLE_ENDIAN);
        for (double v : t.data()) {
            raw.putDouble(v);
        }
        TensorProto.Builder tensor = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.DOUBLE_VALUE)
                .setRawData(ByteString.copyFrom(raw.array()));
        for (int d : t.shape()) {
            tensor.addDims(d);
        }
        graph.addInitializer(tensor);
        return name;
    }

    private String initializer(String name, Constant ints) {
        ByteBuffer raw = ByteBuffer.allocate(8 * ints.size()).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : ints.longs()) {
            raw.putLong(v);
        }
        TensorProto.Builder tensor = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.INT64_VALUE)
                .setRawData(ByteString.copyFrom(raw.array()));
        for (long d : ints.shape()) {
            tensor.addDims(d);
        }
        graph.addInitializer(tensor);
        return name;
    }

    private static NodeProto node(String op, String name, List<String> inputs, String output) {
        return NodeProto.newBuilder().setOpType(op).setName(name).addAllInput(inputs).addOutput(output).build();
    }

    private static AttributeProto integer(String name, long value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value).build();
    }

    private static AttributeProto integers(String name, long... values) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
        for (long v : values) {
            a.addInts(v);
        }
        return a.build();
    }

    private static ValueInfoProto valueInfo(String name, int[] shape) {
        TensorShapeProto.Builder dims = TensorShapeProto.newBuilder()
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("batch"));
        for (int d : shape) {
            dims.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.DOUBLE_VALUE).setShape(dims))).build();
    }
}
