package org.lipreg.certify.smoothing;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.training.ParameterStore;

import org.lipreg.certify.ir.LayerShapes;
import org.lipreg.certify.graph.Graph;
import org.lipreg.certify.ir.Network;
import org.lipreg.certify.onnx.OnnxReader;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;

/**
 * An ONNX model as a {@link BaseClassifier}, run by one of two engines: the PyTorch engine
 * evaluating the network {@link OnnxReader} imports (the network lipreg certifies, in float64), or
 * DJL's ONNX Runtime engine running the file itself (float32). Either way the model is a DJL
 * block inside a {@link BlockClassifier}, so the noise is drawn, seeded and added exactly as for a
 * lipreg run, and both engines see the same noisy inputs for the same seed.
 */
public final class OnnxClassifier implements BaseClassifier, AutoCloseable {

    /** The engine that evaluates the model. */
    public enum Engine {
        /** The imported network, lowered to lipreg's graph, on the PyTorch engine (float64). */
        PYTORCH,
        /** The ONNX file on DJL's ONNX Runtime engine (float32). */
        ONNX_RUNTIME;

        /**
         * Parses a command-line name.
         *
         * @param name pytorch or onnxruntime
         * @return the engine
         * @throws IllegalArgumentException naming the accepted values
         */
        public static Engine parse(String name) {
            return switch (name.toLowerCase(Locale.ROOT)) {
                case "pytorch" -> PYTORCH;
                case "onnxruntime" -> ONNX_RUNTIME;
                default -> throw new IllegalArgumentException("'" + name + "' is neither pytorch nor onnxruntime");
            };
        }
    }

    private final BlockClassifier classifier;
    private final Graph graph;
    private final Model model;

    private OnnxClassifier(BlockClassifier classifier, Graph graph, Model model) {
        this.classifier = classifier;
        this.graph = graph;
        this.model = model;
    }

    /**
     * Opens an ONNX model on an engine.
     *
     * @param file the {@code .onnx} file
     * @param network the network read from it ({@link OnnxReader#read}), which gives the shapes
     * @param engine the engine
     * @param threads ONNX Runtime's intra-op threads (the PyTorch engine keeps its own setting)
     * @param batchSize noisy copies per forward pass
     * @param manager the parent of the noise and scratch arrays (a PyTorch-engine manager)
     * @return the classifier, to be closed
     * @throws IOException if ONNX Runtime cannot read the file
     */
    public static OnnxClassifier open(Path file, Network network, Engine engine, int threads, int batchSize,
            NDManager manager) throws IOException {
        int classes = Arrays.stream(LayerShapes.outputShape(network)).reduce(1, (a, b) -> a * b);
        Shape example = new Shape(Arrays.stream(network.inputShape()).asLongStream().toArray());
        Graph graph = null;
        Model model = null;
        Block block;
        if (engine == Engine.PYTORCH) {
            graph = Graph.of(network, manager);
            Graph g = graph;
            block = new LambdaBlock(in -> {
                NDArray x = in.singletonOrThrow();
                NDArray flat = x.reshape(x.getShape().get(0), -1).toType(DataType.FLOAT64, false);
                return new NDList(g.evaluate(flat).toType(DataType.FLOAT32, false));
            });
        } else {
            model = Model.newInstance(file.getFileName().toString(), "OnnxRuntime");
            try {
                model.load(file, null, Map.of("intraOpNumThreads", String.valueOf(threads), "interOpNumThreads", "1"));
            } catch (MalformedModelException | RuntimeException e) {
                model.close();
                // ONNX Runtime's reason (e.g. no float64 Conv on the CPU) is in the cause.
                String reason = e.getCause() != null ? e.getCause().getMessage() : e.getMessage();
                throw new IOException(file + ": ONNX Runtime cannot run it (" + reason + ")", e);
            }
            Block ort = model.getBlock();
            DataType input = OnnxReader.hasDoubleInput(file) ? DataType.FLOAT64 : DataType.FLOAT32;
            block = new LambdaBlock(in -> ort.forward(new ParameterStore(), new NDList(in.singletonOrThrow()
                    .toType(input, false)), false));
        }
        BlockClassifier classifier = BlockClassifier.builder().setBlock(block).setExampleShape(example)
                .setNumClasses(classes).setManager(manager).optBatchSize(batchSize).build();
        return new OnnxClassifier(classifier, graph, model);
    }

    /**
     * The threads to give ONNX Runtime so that it matches the PyTorch engine: OMP_NUM_THREADS where
     * set (as the launcher's side-by-side runs set it), else the core count (PyTorch's default).
     *
     * @return the intra-op thread count
     */
    public static int threads() {
        String omp = System.getenv("OMP_NUM_THREADS");
        if (omp != null && omp.matches("[1-9][0-9]*")) {
            return Integer.parseInt(omp);
        }
        return Runtime.getRuntime().availableProcessors();
    }

    @Override
    public int numClasses() {
        return classifier.numClasses();
    }

    @Override
    public int inputSize() {
        return classifier.inputSize();
    }

    @Override
    public void sample(float[] x, double sigma, int count, LogitsSink sink) {
        classifier.sample(x, sigma, count, sink);
    }

    @Override
    public void seed(long seed) {
        classifier.seed(seed);
    }

    @Override
    public void close() {
        if (graph != null) {
            graph.close();
        }
        if (model != null) {
            model.close();
        }
    }
}
