package org.lipreg.experiments.data;

import ai.djl.basicdataset.cv.classification.Cifar10;
import ai.djl.basicdataset.cv.classification.FashionMnist;
import ai.djl.basicdataset.cv.classification.Mnist;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.Dataset;
import ai.djl.translate.TranslateException;

import org.lipreg.normalization.engine.Scalars;

import java.io.IOException;

/**
 * DJL's downloadable datasets (MNIST, Fashion-MNIST, CIFAR-10), converted to {@link ImageData}.
 *
 * <p>These are the only place where lipreg uses the network at run time, and only because the
 * config asked for them: the download is allowed for the duration of {@code prepare()} even
 * though the engine otherwise runs with {@code ai.djl.offline=true}.
 */
public final class DjlDatasets {

    private static final String OFFLINE = "ai.djl.offline";

    private DjlDatasets() {}

    /**
     * Downloads (or reads from DJL's cache) a dataset.
     *
     * @param type {@code mnist}, {@code fashion-mnist} or {@code cifar10}
     * @param trainSize cap on training examples, or {@code null}
     * @param testSize cap on test examples, or {@code null}
     * @return the two sets
     * @throws IOException with a clear message when the download fails (e.g. offline)
     */
    public static TrainTestData load(String type, Integer trainSize, Integer testSize) throws IOException {
        try (NDManager manager = NDManager.newBaseManager()) {
            ImageData train = convert(type, build(type, Dataset.Usage.TRAIN), manager);
            ImageData test = convert(type, build(type, Dataset.Usage.TEST), manager);
            if (trainSize != null && trainSize < train.size()) {
                train = train.slice(0, trainSize);
            }
            if (testSize != null && testSize < test.size()) {
                test = test.slice(0, testSize);
            }
            return new TrainTestData(train, test, "DJL " + type);
        }
    }

    private static ArrayDataset build(String type, Dataset.Usage usage) {
        return switch (type) {
            case "mnist" -> Mnist.builder().optUsage(usage).setSampling(1000, false).build();
            case "fashion-mnist" -> FashionMnist.builder().optUsage(usage).setSampling(1000, false).build();
            case "cifar10" -> Cifar10.builder().optUsage(usage).setSampling(1000, false).build();
            default -> throw new IllegalArgumentException("data.type '" + type + "' is not a DJL dataset");
        };
    }

    private static ImageData convert(String type, ArrayDataset dataset, NDManager manager) throws IOException {
        String previous = System.getProperty(OFFLINE);
        try {
            System.setProperty(OFFLINE, "false");
            dataset.prepare();
        } catch (IOException | TranslateException | RuntimeException e) {
            throw new IOException("data.type '" + type + "' could not be downloaded by DJL (" + e.getClass().getSimpleName() + ": " + e.getMessage()
                    + "). Without network access, use data.type: idx with local files in data.path.", e);
        } finally {
            if (previous == null) {
                System.clearProperty(OFFLINE);
            } else {
                System.setProperty(OFFLINE, previous);
            }
        }
        int n = Math.toIntExact(dataset.size());
        float[] pixels = null;
        int[] labels = new int[n];
        int c = 0;
        int h = 0;
        int w = 0;
        int filled = 0;
        try {
            for (Batch batch : dataset.getData(manager)) {
                try (Batch b = batch) {
                    // DJL gives (batch, height, width, channels) bytes; lipreg uses (batch, C, H, W) in [0, 1].
                    NDArray x = Scalars.div(b.getData().head().toType(DataType.FLOAT32, false).transpose(0, 3, 1, 2), 255);
                    if (pixels == null) {
                        c = (int) x.getShape().get(1);
                        h = (int) x.getShape().get(2);
                        w = (int) x.getShape().get(3);
                        pixels = new float[n * c * h * w];
                    }
                    float[] values = x.toFloatArray();
                    System.arraycopy(values, 0, pixels, filled * c * h * w, values.length);
                    float[] y = b.getLabels().head().toType(DataType.FLOAT32, false).toFloatArray();
                    for (int i = 0; i < y.length; i++) {
                        labels[filled + i] = Math.round(y[i]);
                    }
                    filled += y.length;
                }
            }
        } catch (TranslateException e) {
            throw new IOException("data.type '" + type + "': failed to read: " + e.getMessage(), e);
        }
        return new ImageData(pixels, labels, c, h, w, 10);
    }
}
