package org.lipreg.experiments.data;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.ArrayDataset;

import java.util.Arrays;

/**
 * Labelled images held in memory: pixels in [0, 1], channel-first, and integer class labels.
 *
 * @param pixels {@code count × channels × height × width} values, example after example
 * @param labels one class index per example
 * @param channels channels per image
 * @param height image height
 * @param width image width
 * @param numClasses number of classes (labels lie in {@code [0, numClasses)})
 */
public record ImageData(
        float[] pixels, int[] labels, int channels, int height, int width, int numClasses) {

    /**
     * Checks that the arrays agree with the shape.
     *
     * @param pixels {@code count × channels × height × width} values, example after example
     * @param labels one class index per example
     * @param channels channels per image
     * @param height image height
     * @param width image width
     * @param numClasses number of classes
     */
    public ImageData {
        long per = (long) channels * height * width;
        if (per * labels.length != pixels.length) {
            throw new IllegalArgumentException(
                    "pixels has " + pixels.length + " values, expected " + labels.length + " × " + per);
        }
        for (int label : labels) {
            if (label < 0 || label >= numClasses) {
                throw new IllegalArgumentException(
                        "label " + label + " outside [0, " + numClasses + ")");
            }
        }
    }

    /**
     * Returns the number of examples.
     *
     * @return the count
     */
    public int size() {
        return labels.length;
    }

    /**
     * Returns the shape of one example, {@code (channels, height, width)}.
     *
     * @return the example shape
     */
    public Shape exampleShape() {
        return new Shape(channels, height, width);
    }

    /**
     * Returns examples {@code [from, to)} as a new set.
     *
     * @param from first example
     * @param to one past the last
     * @return the slice
     */
    public ImageData slice(int from, int to) {
        if (from < 0 || to > size() || from > to) {
            throw new IllegalArgumentException("slice [" + from + ", " + to + ") of " + size() + " examples");
        }
        int per = channels * height * width;
        return new ImageData(
                Arrays.copyOfRange(pixels, from * per, to * per),
                Arrays.copyOfRange(labels, from, to),
                channels,
                height,
                width,
                numClasses);
    }

    /**
     * Copies the examples into a DJL {@link ArrayDataset} (data {@code (N, C, H, W)} float32,
     * labels {@code (N)} float32 as DJL's own MNIST gives them).
     *
     * @param manager owns the arrays
     * @param batchSize the dataset's default batch size
     * @return the dataset
     */
    public ArrayDataset toDataset(NDManager manager, int batchSize) {
        float[] y = new float[labels.length];
        for (int i = 0; i < y.length; i++) {
            y[i] = labels[i];
        }
        return new ArrayDataset.Builder()
                .setData(manager.create(pixels, new Shape(size(), channels, height, width)))
                .optLabels(manager.create(y, new Shape(size())))
                .setSampling(batchSize, false)
                .build();
    }
}
