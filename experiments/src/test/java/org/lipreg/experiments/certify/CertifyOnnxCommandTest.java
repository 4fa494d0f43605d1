package org.lipreg.experiments.certify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;

import org.lipreg.certify.ir.Layer;
import org.lipreg.certify.ir.Network;
import org.lipreg.certify.ir.NetworkFiles;
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
import org.lipreg.experiments.cli.LipregCli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import tech.tablesaw.api.Table;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * {@code lipreg certify ... --onnx}: an ONNX model certifies exactly as the same network in the
 * npz/json format does (same points, same bounds), and what the IR cannot hold is named.
 */
class CertifyOnnxCommandTest {

    @TempDir Path dir;

    /** A dense ReLU network as an ONNX graph (Gemm, Relu, ...) and as the IR, with float32 weights. */
    private record Pair(Path onnx, Path npz) {}

    private Pair mlp(int[] widths, String extraOp) throws Exception {
        Random random = new Random(9);
        List<Layer> layers = new ArrayList<>();
        GraphProto.Builder graph = GraphProto.newBuilder().setName("mlp").addInput(input(widths[0]));
        String previous = "input";
        for (int l = 0; l + 1 < widths.length; l++) {
            int in = widths[l];
            int out = widths[l + 1];
            float[] w = new float[out * in];
            float[] b = new float[out];
            for (int i = 0; i < w.length; i++) {
                w[i] = (float) (random.nextGaussian() / Math.sqrt(in));
            }
            for (int i = 0; i < b.length; i++) {
                b[i] = (float) (0.1 * random.nextGaussian());
            }
            layers.add(new Layer.Dense(new Tensor(new int[] {out, in}, doubles(w)), new Tensor(new int[] {out}, doubles(b))));
            graph.addInitializer(floats("w" + l, w, out, in)).addInitializer(floats("b" + l, b, out));
            graph.addNode(NodeProto.newBuilder().setOpType("Gemm").setName("fc" + l).addInput(previous)
                    .addInput("w" + l).addInput("b" + l).addOutput("h" + l)
                    .addAttribute(AttributeProto.newBuilder().setName("transB").setType(AttributeProto.AttributeType.INT).setI(1)));
            previous = "h" + l;
            if (l + 2 < widths.length) {
                String op = l == 0 && extraOp != null ? extraOp : "Relu";
                layers.add(new Layer.Relu(0));
                graph.addNode(NodeProto.newBuilder().setOpType(op).setName("act" + l).addInput(previous).addOutput("a" + l));
                previous = "a" + l;
            }
        }
        graph.addOutput(ValueInfoProto.newBuilder().setName(previous));
        ModelProto model = ModelProto.newBuilder().setIrVersion(8).setGraph(graph)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(13)).build();
        Path onnx = dir.resolve("mlp.onnx");
        Files.write(onnx, model.toByteArray());
        NetworkFiles.write(new Network(new int[] {widths[0]}, layers), dir.resolve("mlp"));
        return new Pair(onnx, dir.resolve("mlp.npz"));
    }

    @Test
    void anOnnxModelCertifiesAsTheSameNetworkInNpzDoes() throws Exception {
        Pair files = mlp(new int[] {5, 8, 8, 3}, null);
        String[][] commands = {
            {"lipschitz", "--eps", "0.05", "--method", "naive,crown,bab", "--timeout", "2"},
            {"monotonic", "--eps", "0.1"},
            {"lipsdp"},
        };
        String[] tables = {"points.csv", "monotonicity.csv", "lipsdp.csv"};
        for (int c = 0; c < commands.length; c++) {
            Table[] results = new Table[2];
            for (int f = 0; f < 2; f++) {
                String option = f == 0 ? "--onnx" : "--npz";
                Path file = f == 0 ? files.onnx() : files.npz();
                Path out = dir.resolve(commands[c][0] + f);
                List<String> args = new ArrayList<>(List.of("certify", commands[c][0], option, file.toString(),
                        "--points", "2", "--seed", "3", "--out", out.toString()));
                args.addAll(List.of(commands[c]).subList(1, commands[c].length));
                StringWriter err = new StringWriter();
                assertEquals(0, run(err, args.toArray(String[]::new)), String.join(" ", args) + ": " + err);
                results[f] = Table.read().csv(out.resolve(tables[c]).toFile());
            }
            for (String column : results[0].columnNames()) {
                if (column.contains("seconds") || column.equals("model")) {
                    continue; // timings, and the file name
                }
                assertEquals(results[1].column(column).asList(), results[0].column(column).asList(),
                        commands[c][0] + " column " + column);
            }
        }
    }

    @Test
    void anUnsupportedOpIsNamedWithExitTwo() throws Exception {
        Pair files = mlp(new int[] {4, 6, 2}, "Tanh");
        Path out = dir.resolve("out");
        for (String command : List.of("lipschitz", "monotonic", "lipsdp")) {
            StringWriter err = new StringWriter();
            List<String> args = new ArrayList<>(List.of("certify", command, "--onnx", files.onnx().toString(),
                    "--out", out.toString()));
            if (command.equals("lipschitz")) {
                args.addAll(List.of("--eps", "0.1"));
            }
            assertEquals(2, run(err, args.toArray(String[]::new)), err.toString());
            for (String part : List.of("mlp.onnx", "node 'act0' (Tanh)", "Gemm", "MaxPool", "BatchNormalization")) {
                assertTrue(err.toString().contains(part), part + " not in: " + err);
            }
        }
        StringWriter missing = new StringWriter();
        assertEquals(2, run(missing, "certify", "monotonic", "--onnx", dir.resolve("none.onnx").toString()));
        assertTrue(missing.toString().contains("none.onnx: no such file"), missing.toString());
        assertFalse(Files.exists(out));
    }

    /** A trained run exported as ONNX is the network its npz export is, and certifies to the same bounds. */
    @Test
    void aRunExportedToOnnxRoundTripsToTheSameNetworkAndBounds() throws Exception {
        Path runDir = TinyRun.copyTo(dir.resolve("run"));
        StringWriter err = new StringWriter();
        for (String format : List.of("npz", "onnx")) {
            assertEquals(0, run(err, "certify", "export", "--run", runDir.toString(), "--out", dir.resolve("net").toString(),
                    "--format", format), err.toString());
        }
        Path onnx = dir.resolve("net.onnx");
        assertEquals(NetworkFiles.read(dir.resolve("net")), org.lipreg.certify.onnx.OnnxReader.read(onnx));
        Table[] results = new Table[2];
        for (int f = 0; f < 2; f++) {
            Path out = dir.resolve("out" + f);
            assertEquals(0, run(err, "certify", "lipschitz", f == 0 ? "--onnx" : "--npz",
                    (f == 0 ? onnx : dir.resolve("net.npz")).toString(), "--eps", "0.1", "--points", "3",
                    "--method", "ibp,crown,bab", "--timeout", "2", "--out", out.toString()), err.toString());
            results[f] = Table.read().csv(out.resolve("points.csv").toFile());
        }
        for (String column : List.of("lower", "upper", "radius", "predicted")) {
            assertEquals(results[1].column(column).asList(), results[0].column(column).asList(), column);
        }
        // Not replaced without --overwrite; a bad --format is named.
        byte[] before = Files.readAllBytes(onnx);
        StringWriter again = new StringWriter();
        assertEquals(2, run(again, "certify", "export", "--run", runDir.toString(), "--out", dir.resolve("net").toString(),
                "--format", "onnx"));
        assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(onnx)));
        StringWriter bad = new StringWriter();
        assertEquals(2, run(bad, "certify", "export", "--run", runDir.toString(), "--out", dir.resolve("x").toString(),
                "--format", "tflite"));
        assertTrue(bad.toString().contains("--format"), bad.toString());
    }

    /**
     * {@code certify smooth --onnx}: the points are those of {@code certify lipschitz --onnx} (same
     * seed and domain); at a tiny σ the smoothed prediction is the network's own (plain loops);
     * both engines give the same table; what is missing or wrong is named with exit 2.
     */
    @Test
    void smoothingAnOnnxModelOnEitherEngineGivesTheSameCertificates() throws Exception {
        Pair files = mlp(new int[] {5, 8, 8, 3}, null);
        double[][] points;
        try (CertifyTarget target = CertifyTarget.fromOnnx(files.onnx(), 3, 4, new double[] {0, 1})) {
            points = target.points();
        }
        Network network = NetworkFiles.read(files.npz(), dir.resolve("mlp.json"));
        Table[] results = new Table[2];
        String[] engines = {"pytorch", "onnxruntime"};
        for (int e = 0; e < 2; e++) {
            Path out = dir.resolve("smooth-" + engines[e]);
            StringWriter err = new StringWriter();
            assertEquals(0, run(err, "certify", "smooth", "--onnx", files.onnx().toString(), "--sigma", "0.0001,0.5",
                    "--points", "3", "--seed", "4", "--n0", "20", "--n", "200", "--batch", "64", "--engine", engines[e],
                    "--out", out.toString()), err.toString());
            results[e] = Table.read().csv(out.resolve("points.csv").toFile());
        }
        for (String column : List.of("sigma", "index", "label", "predicted", "radius", "p_lower", "k")) {
            assertEquals(results[0].column(column).asList(), results[1].column(column).asList(), column);
        }
        Table tiny = results[0].where(results[0].doubleColumn("sigma").isEqualTo(0.0001));
        assertEquals(3, tiny.rowCount());
        for (int r = 0; r < 3; r++) {
            assertEquals(-1, tiny.intColumn("label").getInt(r));
            assertEquals(argmax(forward(network, points[tiny.intColumn("index").getInt(r)])),
                    tiny.intColumn("predicted").getInt(r), "point " + r);
        }
        // Missing --sigma, an unknown engine and --engine without --onnx are refused.
        String onnx = files.onnx().toString();
        java.util.Map<String, String[]> bad = java.util.Map.of(
                "--sigma: required for --onnx", new String[] {"certify", "smooth", "--onnx", onnx, "--out",
                    dir.resolve("bad").toString()},
                "--engine: 'tvm'", new String[] {"certify", "smooth", "--onnx", onnx, "--sigma", "0.5", "--engine", "tvm"},
                "--domain and --engine are for --onnx", new String[] {"certify", "smooth", "--run", dir.toString(),
                    "--engine", "pytorch"});
        bad.forEach((message, args) -> {
            StringWriter err = new StringWriter();
            assertEquals(2, run(err, args), String.join(" ", args));
            assertTrue(err.toString().contains(message), message + " not in: " + err);
        });
        assertFalse(Files.exists(dir.resolve("bad")));
    }

    /** The network's outputs by plain loops (dense and ReLU layers only). */
    private static double[] forward(Network network, double[] x) {
        double[] h = x;
        for (Layer layer : network.layers()) {
            if (layer instanceof Layer.Dense d) {
                int out = d.weight().dim(0);
                double[] next = new double[out];
                for (int o = 0; o < out; o++) {
                    next[o] = d.bias().data()[o];
                    for (int i = 0; i < h.length; i++) {
                        next[o] += d.weight().data()[o * h.length + i] * (float) h[i];
                    }
                }
                h = next;
            } else {
                h = java.util.Arrays.stream(h).map(v -> Math.max(0, v)).toArray();
            }
        }
        return h;
    }

    private static int argmax(double[] v) {
        int best = 0;
        for (int j = 1; j < v.length; j++) {
            best = v[j] > v[best] ? j : best;
        }
        return best;
    }

    private static int run(StringWriter err, String... args) {
        return LipregCli.execute(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true), args);
    }

    private static ValueInfoProto input(int features) {
        TensorShapeProto shape = TensorShapeProto.newBuilder()
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("batch"))
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(features)).build();
        return ValueInfoProto.newBuilder().setName("input").setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE).setShape(shape))).build();
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

    private static double[] doubles(float[] values) {
        double[] out = new double[values.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = values[i];
        }
        return out;
    }
}
