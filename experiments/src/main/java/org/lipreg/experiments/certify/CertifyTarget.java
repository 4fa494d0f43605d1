package org.lipreg.experiments.certify;

import ai.djl.Model;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.lipreg.certify.ir.LayerShapes;
import org.lipreg.certify.ir.IrReader;
import org.lipreg.certify.ir.Network;
import org.lipreg.certify.ir.NetworkFiles;
import org.lipreg.certify.ir.UnsupportedLayerException;
import org.lipreg.certify.onnx.OnnxReader;
import org.lipreg.certify.lipschitz.BlockOracle;
import org.lipreg.certify.lipschitz.GradientOracle;
import org.lipreg.experiments.config.ConfigException;
import org.lipreg.experiments.config.RunConfig;
import org.lipreg.experiments.data.Datasets;
import org.lipreg.experiments.data.ImageData;
import org.lipreg.experiments.data.TrainTestData;
import org.lipreg.experiments.run.RunSetupException;
import org.lipreg.experiments.run.TrainedRun;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

/**
 * What a certification job works on: the model (as an IR network when it has one, and always
 * as something that gives input gradients), the points to certify, their labels, and the data
 * domain that clips every box.
 */
public final class CertifyTarget implements AutoCloseable {

    private final String name;
    private final Network network;
    private final UnsupportedLayerException unsupported;
    private final Model model;
    private final NDManager manager;
    private final GradientOracle blockOracle;
    private final double[][] points;
    private final int[] labels;
    private final int outputs;
    private final double domainMin;
    private final double domainMax;
    private final Shape exampleShape;

    private CertifyTarget(String name, Network network, UnsupportedLayerException unsupported, Model model,
            NDManager manager, GradientOracle blockOracle, double[][] points, int[] labels, int outputs, double min,
            double max, Shape exampleShape) {
        this.name = name;
        this.network = network;
        this.unsupported = unsupported;
        this.model = model;
        this.manager = manager;
        this.blockOracle = blockOracle;
        this.points = points;
        this.labels = labels;
        this.outputs = outputs;
        this.domainMin = min;
        this.domainMax = max;
        this.exampleShape = exampleShape;
    }

    /**
     * Opens a finished run: its final model and the first test examples; the domain defaults to
     * the data's range over the training and test sets.
     *
     * @param runDir the run directory
     * @param count how many test points
     * @param baseDir the directory relative data paths are resolved against
     * @param domain {min, max} or null for the data range
     * @return the target
     * @throws ConfigException if the run's config is invalid
     * @throws RunSetupException if the data cannot be read
     * @throws IOException if the model cannot be read
     */
    public static CertifyTarget fromRun(Path runDir, int count, Path baseDir, double[] domain)
            throws ConfigException, RunSetupException, IOException {
        TrainedRun run = TrainedRun.open(runDir);
        RunConfig config = run.config();
        TrainTestData data;
        try {
            data = Datasets.load(config.data, config.seed, baseDir);
        } catch (IOException e) {
            throw new RunSetupException(e.getMessage(), e);
        }
        ImageData test = data.test();
        Shape example = test.exampleShape();
        int n = Math.min(count, test.size());
        int size = Math.toIntExact(example.size());
        double[][] points = new double[n][size];
        int[] labels = Arrays.copyOf(test.labels(), n);
        for (int p = 0; p < n; p++) {
            for (int i = 0; i < size; i++) {
                points[p][i] = test.pixels()[p * size + i];
            }
        }
        double[] range = domain != null ? domain : range(data.train().pixels(), test.pixels());
        return withModel(run, example, data.numClasses(), points, labels, range);
    }

    /**
     * Opens a finished run's model without its data and without points: what a Spark executor
     * certifies the driver's points with ({@code certify ... --spark}).
     *
     * @param runDir the run directory (config.json and model/ are enough)
     * @param example the shape of one example
     * @param numClasses the number of classes
     * @param domain {min, max}, the driver's
     * @return the target, with no points
     * @throws ConfigException if the run's config is invalid
     * @throws RunSetupException if the run is not finished
     * @throws IOException if the model cannot be read
     */
    public static CertifyTarget fromModel(Path runDir, Shape example, int numClasses, double[] domain)
            throws ConfigException, RunSetupException, IOException {
        return withModel(TrainedRun.open(runDir), example, numClasses, new double[0][], new int[0], domain);
    }

    private static CertifyTarget withModel(TrainedRun run, Shape example, int numClasses, double[][] points,
            int[] labels, double[] range) throws ConfigException, RunSetupException, IOException {
        Model model = run.loadModel(example, numClasses);
        Network network = null;
        UnsupportedLayerException unsupported = null;
        try {
            network = IrReader.read(model.getBlock(), example);
            org.lipreg.certify.graph.Graph.checkSupported(network);
        } catch (UnsupportedLayerException e) {
            unsupported = e;
        }
        NDManager manager = NDManager.newBaseManager();
        GradientOracle oracle = new BlockOracle(model.getBlock(), example, numClasses, manager);
        return new CertifyTarget(run.dir().getFileName().toString(), network, unsupported, model, manager, oracle,
                points, labels, numClasses, range[0], range[1], example);
    }

    /**
     * Opens an exported network ({@code .npz} weights and the JSON architecture beside it); the
     * points are drawn uniformly from the domain (there is no data), labels are the predictions.
     *
     * @param npz the weights
     * @param json the architecture, or null for the npz's name with {@code .json}
     * @param count how many points
     * @param seed the seed for the points
     * @param domain {min, max}
     * @return the target
     * @throws IOException if the files cannot be read
     * @throws RunSetupException when a layer has no bounds yet (named by its position)
     */
    public static CertifyTarget fromNpz(Path npz, Path json, int count, long seed, double[] domain)
            throws IOException, RunSetupException {
        Path arch = json != null ? json : npz.resolveSibling(npz.getFileName().toString().replaceFirst("\\.npz$", "") + ".json");
        if (!Files.isRegularFile(npz)) {
            throw new IOException(npz + ": no such file");
        }
        if (!Files.isRegularFile(arch)) {
            throw new IOException(arch + ": no such file (the architecture JSON that goes with " + npz.getFileName() + ")");
        }
        Network network = NetworkFiles.read(npz, arch);
        return fromNetwork(npz.getFileName().toString(), network, count, seed, domain);
    }

    /**
     * Opens an ONNX model; the points and labels are as for {@link #fromNpz}, the input shape is
     * the graph's.
     *
     * @param onnx the model
     * @param count how many points
     * @param seed the seed for the points
     * @param domain {min, max}
     * @return the target
     * @throws IOException if the file cannot be read or holds what the IR cannot represent
     * @throws RunSetupException when a layer has no bounds yet (named by its position)
     *     ({@link org.lipreg.certify.onnx.OnnxFormatException}, naming the node)
     */
    public static CertifyTarget fromOnnx(Path onnx, int count, long seed, double[] domain)
            throws IOException, RunSetupException {
        if (!Files.isRegularFile(onnx)) {
            throw new IOException(onnx + ": no such file");
        }
        return fromNetwork(onnx.getFileName().toString(), OnnxReader.read(onnx), count, seed, domain);
    }

    /** An imported network: points drawn uniformly from the domain, labels unknown (−1). */
    private static CertifyTarget fromNetwork(String name, Network network, int count, long seed, double[] domain)
            throws RunSetupException {
        try {
            org.lipreg.certify.graph.Graph.checkSupported(network);
        } catch (UnsupportedLayerException e) {
            throw new RunSetupException(name + ": " + e.getMessage(), e);
        }
        Random random = new Random(seed);
        double[][] points = new double[count][network.inputSize()];
        for (double[] p : points) {
            for (int i = 0; i < p.length; i++) {
                p[i] = domain[0] + random.nextDouble() * (domain[1] - domain[0]);
            }
        }
        int outputs = Arrays.stream(LayerShapes.outputShape(network)).reduce(1, (a, b) -> a * b);
        int[] labels = new int[count];
        Arrays.fill(labels, -1);
        return new CertifyTarget(name, network, null, null, null, null, points, labels, outputs, domain[0], domain[1],
                null);
    }

    private static double[] range(float[]... arrays) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (float[] a : arrays) {
            for (float v : a) {
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
        }
        return new double[] {min, max};
    }

    /** @return a short name for reports */
    public String name() {
        return name;
    }

    /** @return the IR network, or null when the model has a block the IR cannot represent */
    public Network network() {
        return network;
    }

    /** @return why there is no IR network, or null */
    public UnsupportedLayerException unsupported() {
        return unsupported;
    }

    /** @return gradients of the DJL model (float32), or null for an imported network */
    public GradientOracle blockOracle() {
        return blockOracle;
    }

    /** @return the points, flat */
    public double[][] points() {
        return points;
    }

    /** @return the true labels, −1 where unknown */
    public int[] labels() {
        return labels;
    }

    /** @return the number of outputs */
    public int outputs() {
        return outputs;
    }

    /** @return the shape of one example of a run's model, null for an imported network */
    public Shape exampleShape() {
        return exampleShape;
    }

    /** @return the smallest input value of the domain */
    public double domainMin() {
        return domainMin;
    }

    /** @return the largest input value of the domain */
    public double domainMax() {
        return domainMax;
    }

    @Override
    public void close() {
        if (manager != null) {
            manager.close();
        }
        if (model != null) {
            model.close();
        }
    }
}
