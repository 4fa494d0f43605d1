package org.lipreg.experiments.bench;

import ai.djl.ndarray.NDManager;

import com.google.protobuf.ByteString;

import org.lipreg.certify.ir.Layer;
import org.lipreg.certify.ir.Network;
import org.lipreg.certify.ir.Tensor;
import org.lipreg.certify.onnx.OnnxReader;
import org.lipreg.certify.onnx.OnnxWriter;
import org.lipreg.certify.onnx.proto.OnnxProto.GraphProto;
import org.lipreg.certify.onnx.proto.OnnxProto.ModelProto;
import org.lipreg.certify.onnx.proto.OnnxProto.TensorProto;
import org.lipreg.certify.onnx.proto.OnnxProto.ValueInfoProto;
import org.lipreg.certify.smoothing.OnnxClassifier;
import org.lipreg.certify.smoothing.SmoothedClassifier;
import org.lipreg.certify.smoothing.SmoothingCertificate;
import org.lipreg.certify.smoothing.SmoothingMethod;

import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;

/**
 * ONNX in practice: how long {@link OnnxReader#read} takes on a model of about 10 MB, and how many
 * noisy samples per second randomized smoothing gets from an ONNX MNIST CNN (max pooling) on the
 * PyTorch engine (the imported network) and on DJL's ONNX Runtime engine (the file itself), timed
 * in interleaved rounds on the same noise.
 */
public final class OnnxBenchmark {

    private OnnxBenchmark() {}

    /**
     * Times the import of a ~10 MB model (lipreg's float64 export of a 784-1280-256-10 MLP).
     *
     * @param rounds warm reads after the first
     * @param out where progress goes
     * @return one row: file size, first read, median warm read
     * @throws IOException if the temporary file cannot be written
     */
    public static Table importTime(int rounds, PrintStream out) throws IOException {
        Random random = new Random(3);
        Network mlp = new Network(new int[] {784}, List.of(dense(784, 1280, random), new Layer.Relu(0),
                dense(1280, 256, random), new Layer.Relu(0), dense(256, 10, random)));
        Path file = Files.createTempFile("lipreg-bench-import", ".onnx");
        try {
            OnnxWriter.write(mlp, file);
            double first = readSeconds(file);
            double[] warm = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                warm[r] = readSeconds(file);
            }
            out.printf("bench onnx: imported %s %d times%n", file.getFileName(), rounds + 1);
            Table table = Table.create("onnx import (load " + load() + ")").addColumns(DoubleColumn.create("MB"),
                    DoubleColumn.create("first read s"), DoubleColumn.create("median warm read s"));
            table.doubleColumn("MB").append(Files.size(file) / 1e6);
            table.doubleColumn("first read s").append(first);
            table.doubleColumn("median warm read s").append(InterleavedTiming.median(warm));
            return table;
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static double readSeconds(Path file) throws IOException {
        long start = System.nanoTime();
        OnnxReader.read(file);
        return (System.nanoTime() - start) / 1e9;
    }

    /**
     * Times CERTIFY on both engines.
     *
     * @param samples noisy samples per CERTIFY call (100 of them select)
     * @param batch noisy copies per forward pass
     * @param rounds timing rounds
     * @param out where progress goes
     * @return one row per engine: samples per second, ratio to PyTorch, and whether the
     *     certificates (prediction, radius) equal PyTorch's
     * @throws IOException if the model cannot be written or loaded
     */
    public static Table smoothing(int samples, int batch, int rounds, PrintStream out) throws IOException {
        Network cnn = mnistCnn(new Random(5));
        Path file = Files.createTempFile("lipreg-bench-smoothing", ".onnx");
        try (NDManager manager = NDManager.newBaseManager()) {
            // As PyTorch exports it: float32 input and weights (the weights are float32 numbers already).
            Files.write(file, float32(OnnxWriter.model(cnn)).toByteArray());
            Network network = OnnxReader.read(file);
            float[] x = new float[network.inputSize()];
            Random random = new Random(6);
            for (int i = 0; i < x.length; i++) {
                x[i] = random.nextFloat();
            }
            List<OnnxClassifier.Engine> engines = List.of(OnnxClassifier.Engine.values());
            List<OnnxClassifier> classifiers = new ArrayList<>();
            try {
                for (OnnxClassifier.Engine engine : engines) {
                    classifiers.add(OnnxClassifier.open(file, network, engine, OnnxClassifier.threads(), batch, manager));
                }
                double[][] seconds = new double[engines.size()][rounds];
                List<List<SmoothingCertificate>> certificates = new ArrayList<>();
                for (int e = 0; e < engines.size(); e++) {
                    certificates.add(certify(classifiers.get(e), samples, x)); // warm-up, and the certificates compared
                }
                for (int r = 0; r < rounds; r++) {
                    for (int e = 0; e < engines.size(); e++) {
                        long start = System.nanoTime();
                        certify(classifiers.get(e), samples, x);
                        seconds[e][r] = (System.nanoTime() - start) / 1e9;
                    }
                    out.printf("bench onnx: smoothing round %d/%d done%n", r + 1, rounds);
                }
                Table table = Table.create("onnx smoothing throughput (" + EngineThreads.inEffect()
                        + "; onnxruntime intra-op " + OnnxClassifier.threads() + "; load " + load() + ")").addColumns(StringColumn.create("engine"),
                        DoubleColumn.create("samples/s"), DoubleColumn.create("ratio to pytorch"),
                        StringColumn.create("same certificates"));
                double base = samples / InterleavedTiming.median(seconds[0]);
                for (int e = 0; e < engines.size(); e++) {
                    double rate = samples / InterleavedTiming.median(seconds[e]);
                    table.stringColumn("engine").append(engines.get(e).toString().toLowerCase(java.util.Locale.ROOT));
                    table.doubleColumn("samples/s").append(rate);
                    table.doubleColumn("ratio to pytorch").append(rate / base);
                    table.stringColumn("same certificates").append(String.valueOf(
                            same(certificates.get(0), certificates.get(e))));
                }
                return table;
            } finally {
                for (OnnxClassifier c : classifiers) {
                    c.close();
                }
            }
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** The 1-minute load average, for the table title (the machine is shared). */
    private static String load() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    private static List<SmoothingCertificate> certify(OnnxClassifier base, int samples, float[] x) {
        return SmoothedClassifier.builder().setBaseClassifier(base).setSigma(0.25).optSelectionSamples(100)
                .optSamples(samples - 100).optMethods(EnumSet.of(SmoothingMethod.COHEN)).build().certify(x, 7);
    }

    private static boolean same(List<SmoothingCertificate> a, List<SmoothingCertificate> b) {
        for (int i = 0; i < a.size(); i++) {
            if (a.get(i).predicted() != b.get(i).predicted() || a.get(i).radius() != b.get(i).radius()) {
                return false;
            }
        }
        return a.size() == b.size();
    }

    /** Conv 16, max pool, conv 32, max pool, dense 128, dense 10: an MNIST CNN. */
    private static Network mnistCnn(Random random) {
        return new Network(new int[] {1, 28, 28}, List.of(conv(1, 16, random), new Layer.Relu(0),
                new Layer.MaxPool2d(new int[] {2, 2}, new int[] {2, 2}, new int[] {0, 0}), conv(16, 32, random),
                new Layer.Relu(0), new Layer.MaxPool2d(new int[] {2, 2}, new int[] {2, 2}, new int[] {0, 0}),
                new Layer.Flatten(), dense(32 * 7 * 7, 128, random), new Layer.Relu(0), dense(128, 10, random)));
    }

    private static Layer.Conv2d conv(int in, int out, Random random) {
        return new Layer.Conv2d(tensor(random, 1 / Math.sqrt(9.0 * in), out, in, 3, 3), tensor(random, 0.1, out),
                new int[] {1, 1}, new int[] {1, 1}, new int[] {1, 1}, 1);
    }

    private static Layer.Dense dense(int in, int out, Random random) {
        return new Layer.Dense(tensor(random, 1 / Math.sqrt(in), out, in), tensor(random, 0.1, out));
    }

    /** Gaussian values of the given scale, rounded to float32 numbers. */
    private static Tensor tensor(Random random, double scale, int... shape) {
        int size = 1;
        for (int d : shape) {
            size *= d;
        }
        double[] data = new double[size];
        for (int i = 0; i < size; i++) {
            data[i] = (float) (random.nextGaussian() * scale);
        }
        return new Tensor(shape, data);
    }

    /** The model with float32 initializers, input and output in place of lipreg's float64 ones. */
    private static ModelProto float32(ModelProto model) {
        GraphProto.Builder graph = model.getGraph().toBuilder();
        for (int i = 0; i < graph.getInitializerCount(); i++) {
            TensorProto t = graph.getInitializer(i);
            if (t.getDataType() == TensorProto.DataType.DOUBLE_VALUE) {
                ByteBuffer in = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
                ByteBuffer raw = ByteBuffer.allocate(in.remaining() / 2).order(ByteOrder.LITTLE_ENDIAN);
                while (in.hasRemaining()) {
                    raw.putFloat((float) in.getDouble());
                }
                graph.setInitializer(i, t.toBuilder().setDataType(TensorProto.DataType.FLOAT_VALUE)
                        .setRawData(ByteString.copyFrom(raw.array())));
            }
        }
        graph.setInput(0, float32(graph.getInput(0)));
        graph.setOutput(0, float32(graph.getOutput(0)));
        return model.toBuilder().setGraph(graph).build();
    }

    private static ValueInfoProto float32(ValueInfoProto v) {
        ValueInfoProto.Builder b = v.toBuilder();
        b.getTypeBuilder().getTensorTypeBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE);
        return b.build();
    }
}
