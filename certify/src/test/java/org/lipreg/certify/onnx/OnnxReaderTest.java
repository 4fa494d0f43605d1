package org.lipreg.certify.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;

import org.lipreg.certify.ir.Layer;
import org.lipreg.certify.ir.Network;
import org.lipreg.certify.lipschitz.BabSettings;
import org.lipreg.certify.lipschitz.GraphOracle;
import org.lipreg.certify.lipschitz.InputBox;
import org.lipreg.certify.lipschitz.LipschitzCertifier;
import org.lipreg.certify.lipschitz.LowerBound;
import org.lipreg.certify.lipschitz.LowerBoundSearch;
import org.lipreg.certify.lipschitz.Method;
import org.lipreg.certify.onnx.proto.OnnxProto.AttributeProto;
import org.lipreg.certify.onnx.proto.OnnxProto.GraphProto;
import org.lipreg.certify.onnx.proto.OnnxProto.ModelProto;
import org.lipreg.certify.onnx.proto.OnnxProto.NodeProto;
import org.lipreg.certify.onnx.proto.OnnxProto.OperatorSetIdProto;
import org.lipreg.certify.onnx.proto.OnnxProto.TensorProto;
import org.lipreg.certify.onnx.proto.OnnxProto.TensorShapeProto;
import org.lipreg.certify.onnx.proto.OnnxProto.TypeProto;
import org.lipreg.certify.onnx.proto.OnnxProto.ValueInfoProto;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * ONNX models exported by PyTorch's own exporter (make_fixtures.py beside the fixtures) must
 * import to networks that compute what PyTorch computed (its outputs for fixed inputs are
 * committed with the models), and whose certified bounds are sound; what lipreg does not read
 * must be named.
 */
class OnnxReaderTest {

    /** PyTorch computed in float32; the IR computes in float64. */
    private static final double TOLERANCE = 1e-5;

    @TempDir Path dir;

    static Path fixture(String name) throws URISyntaxException {
        return Path.of(OnnxReaderTest.class.getResource(name).toURI());
    }

    @ParameterizedTest
    @ValueSource(strings = {"mlp", "cnn_maxpool_bn", "residual", "maxmin_mlp", "cnn_bn_nopool", "groupnorm_cnn"})
    void importedForwardEqualsPyTorch(String name) throws Exception {
        Network network = OnnxReader.read(fixture(name + ".onnx"));
        JsonNode expected = new ObjectMapper().readTree(fixture(name + ".json").toFile());
        assertEquals(expected.get("input_shape").toString(), new ObjectMapper().valueToTree(network.inputShape()).toString());
        for (int p = 0; p < expected.get("inputs").size(); p++) {
            double[] x = doubles(expected.get("inputs").get(p));
            double[] want = doubles(expected.get("outputs").get(p));
            double[] got = ReferenceForward.of(network, x);
            assertEquals(want.length, got.length);
            for (int j = 0; j < want.length; j++) {
                assertEquals(want[j], got[j], TOLERANCE * Math.max(1, Math.abs(want[j])),
                        name + " input " + p + " output " + j);
            }
        }
    }

    @Test
    void layersAreReadAndFoldedAsExpected() throws Exception {
        // Input normalization (Sub, Div) is one channel affine; the batch norm after the second
        // linear layer is folded into it; dropout is gone.
        assertKinds("mlp", Layer.ChannelAffine.class, Layer.Dense.class, Layer.Relu.class, Layer.Dense.class,
                Layer.Relu.class, Layer.Dense.class);
        // The exporter folded the first batch norm into its conv; the one after max pooling stays.
        assertKinds("cnn_maxpool_bn", Layer.ChannelAffine.class, Layer.Conv2d.class, Layer.Relu.class,
                Layer.MaxPool2d.class, Layer.ChannelAffine.class, Layer.Conv2d.class, Layer.Relu.class,
                Layer.AvgPool2d.class, Layer.Flatten.class, Layer.Dense.class);
        // The Add of two tensors from the stem conv is a residual with an identity shortcut; the
        // Pad before the average pooling is its padding (zero here); MatMul + Add is one dense layer.
        Network residual = assertKinds("residual", Layer.Conv2d.class, Layer.Residual.class, Layer.Relu.class,
                Layer.AvgPool2d.class, Layer.Flatten.class, Layer.Dense.class);
        Layer.Residual block = (Layer.Residual) residual.layers().get(1);
        assertEquals(4, block.body().size());
        assertTrue(block.shortcut().isEmpty());
        // Each MaxMin of halves is GroupSort(2) between permutations, folded into the dense layers.
        assertKinds("maxmin_mlp", Layer.Dense.class, Layer.GroupSort.class, Layer.Dense.class, Layer.GroupSort.class,
                Layer.Dense.class);
        assertKinds("groupnorm_cnn", Layer.Conv2d.class, Layer.GroupNorm.class, Layer.Relu.class, Layer.Conv2d.class,
                Layer.GroupNorm.class, Layer.Relu.class, Layer.Flatten.class, Layer.Dense.class);
    }

    /** Sound bounds on every imported model: every method at least the sampled lower bound. */
    @ParameterizedTest
    @ValueSource(strings = {"mlp", "residual", "maxmin_mlp", "cnn_bn_nopool", "cnn_maxpool_bn", "groupnorm_cnn"})
    void boundsOfImportedModelsAreSound(String name) throws Exception {
        Network network = OnnxReader.read(fixture(name + ".onnx"));
        Random random = new Random(11);
        LowerBoundSearch search = new LowerBoundSearch(32, 2, 15, 5);
        try (LipschitzCertifier certifier = LipschitzCertifier.of(network)) {
            int outputs = certifier.graph().outputSize();
            double[][] specs = LipschitzCertifier.outputSpecs(outputs);
            for (int trial = 0; trial < 2; trial++) {
                double[] x0 = new double[network.inputSize()];
                for (int i = 0; i < x0.length; i++) {
                    x0[i] = random.nextDouble();
                }
                InputBox box = InputBox.around(x0, trial == 0 ? 0.02 : 0.2, 0, 1);
                LowerBound lower = search.search(new GraphOracle(certifier.graph()), box, specs);
                for (Method method : Method.values()) {
                    double[] upper = certifier.bound(box, specs, method, new BabSettings(0.2, 200, 16)).perSpec();
                    for (int s = 0; s < specs.length; s++) {
                        assertTrue(upper[s] >= lower.perSpec()[s] * (1 - 1e-9) - 1e-9, name + " " + method + " spec "
                                + s + ": upper " + upper[s] + " < lower " + lower.perSpec()[s]);
                    }
                }
            }
        }
    }

    @Test
    void anUnsupportedOpIsNamedWithItsNodeAndTheSupportedList() throws Exception {
        Path file = write(model(11, node("Sigmoid", "squash", List.of("input"), "output")));
        OnnxFormatException e = assertThrows(OnnxFormatException.class, () -> OnnxReader.read(file));
        for (String part : List.of(file.toString(), "node 'squash' (Sigmoid)", "Gemm", "MaxPool", "operator sets 11 to 18")) {
            assertTrue(e.getMessage().contains(part), part + " not in: " + e.getMessage());
        }
    }

    @Test
    void aNonFiniteInitializerIsNamedWithItsIndex() throws Exception {
        ModelProto.Builder model = model(13, node("Gemm", "fc", List.of("input", "w", "b"), "output"));
        float[] w = new float[3 * 4];
        w[5] = Float.POSITIVE_INFINITY;
        model.getGraphBuilder().addInitializer(floats("w", w, 3, 4)).addInitializer(floats("b", new float[4], 4));
        Path file = write(model);
        OnnxFormatException e = assertThrows(OnnxFormatException.class, () -> OnnxReader.read(file));
        for (String part : List.of("initializer 'w'", "Infinity", "[1, 1]", "(shape [3, 4])")) {
            assertTrue(e.getMessage().contains(part), part + " not in: " + e.getMessage());
        }
    }

    @Test
    void aGemmWithTransposeAlphaAndBetaIsOneDenseLayer() throws Exception {
        NodeProto gemm = node("Gemm", "fc", List.of("input", "w", "b"), "output").toBuilder()
                .addAttribute(AttributeProto.newBuilder().setName("alpha").setType(AttributeProto.AttributeType.FLOAT).setF(2))
                .addAttribute(AttributeProto.newBuilder().setName("beta").setType(AttributeProto.AttributeType.FLOAT).setF(0.5f))
                .build();
        ModelProto.Builder model = model(13, gemm);
        // transB = 0: B is (in, out) = (3, 2).
        model.getGraphBuilder().addInitializer(floats("w", new float[] {1, 2, 3, 4, 5, 6}, 3, 2))
                .addInitializer(floats("b", new float[] {10, 20}, 2));
        Network network = OnnxReader.read(write(model));
        double[] y = ReferenceForward.of(network, new double[] {1, -1, 2});
        // y = 2·(xB) + 0.5·b: xB = (1 - 3 + 10, 2 - 4 + 12) = (8, 10).
        assertEquals(2 * 8 + 5, y[0], 1e-12);
        assertEquals(2 * 10 + 10, y[1], 1e-12);
    }

    @Test
    void groupNormalizationOfOpsetEighteenSpreadsItsPerGroupScale() throws Exception {
        NodeProto gn = node("GroupNormalization", "gn", List.of("input", "scale", "bias"), "output").toBuilder()
                .addAttribute(AttributeProto.newBuilder().setName("num_groups").setType(AttributeProto.AttributeType.INT).setI(2))
                .build();
        ModelProto.Builder model = model(18, gn);
        model.getGraphBuilder().addInitializer(floats("scale", new float[] {2, -1}, 2))
                .addInitializer(floats("bias", new float[] {0.5f, 3}, 2));
        Network network = OnnxReader.read(write(model));
        Layer.GroupNorm layer = (Layer.GroupNorm) network.layers().get(0);
        assertEquals(2, layer.groups());
        assertEquals(1e-5, layer.epsilon(), 1e-12);
        assertTrue(java.util.Arrays.equals(new double[] {2, 2, -1, -1}, layer.scale().data()));
        assertTrue(java.util.Arrays.equals(new double[] {0.5, 0.5, 3, 3}, layer.shift().data()));
    }

    /** Identity, Dropout (inference) and a Reshape that keeps the shape are no layers; operator set 18. */
    @Test
    void identityDropoutAndAShapeKeepingReshapeVanish() throws Exception {
        ModelProto.Builder model = model(18, node("Identity", "same", List.of("input"), "a"));
        model.getGraphBuilder().setOutput(0, ValueInfoProto.newBuilder().setName("output"))
                .addNode(NodeProto.newBuilder().setOpType("Dropout").setName("drop").addInput("a").addInput("ratio")
                        .addInput("training").addOutput("b").addOutput("mask"))
                .addNode(node("Reshape", "keep", List.of("b", "shape"), "c"))
                .addNode(node("Gemm", "fc", List.of("c", "w", "bias"), "output").toBuilder()
                        .addAttribute(AttributeProto.newBuilder().setName("transB").setType(AttributeProto.AttributeType.INT).setI(1)))
                .addInitializer(floats("ratio", new float[] {0.5f}))
                .addInitializer(TensorProto.newBuilder().setName("training").setDataType(TensorProto.DataType.BOOL_VALUE)
                        .addInt32Data(0))
                .addInitializer(TensorProto.newBuilder().setName("shape").setDataType(TensorProto.DataType.INT64_VALUE)
                        .addDims(2).addInt64Data(-1).addInt64Data(3))
                .addInitializer(floats("w", new float[] {1, 2, 3, -1, 0, 4}, 2, 3))
                .addInitializer(floats("bias", new float[] {0.5f, -2}, 2));
        Network network = OnnxReader.read(write(model));
        assertEquals(1, network.layers().size(), network.layers().toString());
        double[] y = ReferenceForward.of(network, new double[] {1, -1, 2});
        assertEquals(1 - 2 + 6 + 0.5, y[0], 1e-12);
        assertEquals(-1 + 0 + 8 - 2, y[1], 1e-12);
        // A Dropout that drops (training_mode = true) is refused, named.
        model.getGraphBuilder().setInitializer(1, TensorProto.newBuilder().setName("training")
                .setDataType(TensorProto.DataType.BOOL_VALUE).setRawData(ByteString.copyFrom(new byte[] {1})));
        Path training = write(model);
        OnnxFormatException e = assertThrows(OnnxFormatException.class, () -> OnnxReader.read(training));
        assertTrue(e.getMessage().contains("node 'drop' (Dropout)") && e.getMessage().contains("training_mode"),
                e.getMessage());
    }

    @Test
    void otherFilesAndOpsetsAreRefusedWithTheReason() throws Exception {
        Path garbage = dir.resolve("garbage.onnx");
        Files.write(garbage, new byte[] {(byte) 0xff, 0x13, 0x00, 0x22});
        OnnxFormatException notOnnx = assertThrows(OnnxFormatException.class, () -> OnnxReader.read(garbage));
        assertTrue(notOnnx.getMessage().contains("not an ONNX model"), notOnnx.getMessage());
        Path old = write(model(9, node("Relu", "r", List.of("input"), "output")));
        OnnxFormatException opset = assertThrows(OnnxFormatException.class, () -> OnnxReader.read(old));
        assertTrue(opset.getMessage().contains("operator set 9"), opset.getMessage());
        NodeProto flatten0 = node("Flatten", "flat", List.of("input"), "output").toBuilder()
                .addAttribute(AttributeProto.newBuilder().setName("axis").setType(AttributeProto.AttributeType.INT).setI(0))
                .build();
        Path axis = write(model(13, flatten0));
        OnnxFormatException e = assertThrows(OnnxFormatException.class, () -> OnnxReader.read(axis));
        assertTrue(e.getMessage().contains("node 'flat' (Flatten)") && e.getMessage().contains("axis 0"), e.getMessage());
        assertFalse(e.getMessage().contains("Exception"), e.getMessage());
    }

    // ---------------------------------------------------------------- helpers

    private static Network assertKinds(String name, Class<?>... kinds) throws Exception {
        Network network = OnnxReader.read(fixture(name + ".onnx"));
        List<Class<?>> got = new ArrayList<>();
        network.layers().forEach(l -> got.add(l.getClass()));
        assertEquals(List.of(kinds), got, name);
        return network;
    }

    private static double[] doubles(JsonNode array) {
        double[] out = new double[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asDouble();
        }
        return out;
    }

    /** A model whose input "input" is (batch, 4, 1, 1) for opset 18 group norm, else (batch, 3). */
    private static ModelProto.Builder model(int opset, NodeProto node) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder()
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("batch"));
        int[] dims = node.getOpType().equals("GroupNormalization") ? new int[] {4, 1, 1} : new int[] {3};
        for (int d : dims) {
            shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        ValueInfoProto input = ValueInfoProto.newBuilder().setName("input").setType(TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE).setShape(shape)))
                .build();
        GraphProto.Builder graph = GraphProto.newBuilder().setName("g").addInput(input).addNode(node)
                .addOutput(ValueInfoProto.newBuilder().setName("output"));
        return ModelProto.newBuilder().setIrVersion(8).setGraph(graph)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset));
    }

    private static NodeProto node(String op, String name, List<String> inputs, String output) {
        return NodeProto.newBuilder().setOpType(op).setName(name).addAllInput(inputs).addOutput(output).build();
    }

    private static TensorProto floats(String name, float[] values, long... dims) {
        ByteBuffer raw = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            raw.putFloat(v);
        }
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT_VALUE)
                .setRawData(ByteString.copyFrom(raw.array()));
        for (long d : dims) {
            t.addDims(d);
        }
        return t.build();
    }

    private Path write(ModelProto.Builder model) throws IOException {
        Path file = Files.createTempFile(dir, "model", ".onnx");
        Files.write(file, model.build().toByteArray());
        return file;
    }
}
