package org.lipreg.experiments.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Finds MNIST-format files in a directory and turns them into a train/test pair.
 *
 * <p>With both {@code train-*} and {@code t10k-*} pairs, those are the two sets (optionally
 * capped). With a single pair (for example only the MNIST test files), the first {@code
 * trainSize} examples train and the last {@code testSize} test; the two never overlap.
 */
public final class IdxDirectory {

    /** The number of classes of IDX data unless {@code data.classes} says otherwise (MNIST's ten digits). */
    public static final int DEFAULT_CLASSES = 10;

    private IdxDirectory() {}

    /**
     * Loads a directory.
     *
     * @param dir the directory
     * @param trainSize training examples wanted, or {@code null} for the default
     * @param testSize test examples wanted, or {@code null} for the default
     * @param classes the number of classes ({@code data.classes}), or {@code null} for {@value
     *     #DEFAULT_CLASSES}; a label outside it is an error
     * @return the two sets
     * @throws IOException naming the directory or file when something is missing or malformed
     */
    public static TrainTestData load(Path dir, Integer trainSize, Integer testSize, Integer classes) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IOException(dir + ": not a directory (data.path must name a directory of IDX files)");
        }
        int numClasses = classes != null ? classes : DEFAULT_CLASSES;
        Path trainImages = find(dir, "train-images-idx3-ubyte");
        Path trainLabels = find(dir, "train-labels-idx1-ubyte");
        Path testImages = find(dir, "t10k-images-idx3-ubyte");
        Path testLabels = find(dir, "t10k-labels-idx1-ubyte");
        if (trainImages != null && trainLabels != null && testImages != null && testLabels != null) {
            ImageData train = IdxReader.readImages(trainImages, trainLabels, numClasses);
            ImageData test = IdxReader.readImages(testImages, testLabels, numClasses);
            return new TrainTestData(
                    cap(train, trainSize, "data.trainSize", trainImages),
                    cap(test, testSize, "data.testSize", testImages),
                    "IDX " + dir + " (train and t10k files)");
        }
        List<Path[]> pairs = new ArrayList<>();
        if (trainImages != null && trainLabels != null) {
            pairs.add(new Path[] {trainImages, trainLabels});
        }
        if (testImages != null && testLabels != null) {
            pairs.add(new Path[] {testImages, testLabels});
        }
        if (pairs.isEmpty()) {
            Path images = findAny(dir, "images-idx3-ubyte");
            Path labels = findAny(dir, "labels-idx1-ubyte");
            if (images == null || labels == null) {
                throw new IOException(dir + ": no IDX image/label file pair found (expected names like "
                        + "t10k-images-idx3-ubyte[.gz] and t10k-labels-idx1-ubyte[.gz])");
            }
            pairs.add(new Path[] {images, labels});
        }
        Path[] pair = pairs.get(0);
        ImageData all = IdxReader.readImages(pair[0], pair[1], numClasses);
        int n = all.size();
        int train = trainSize != null ? trainSize : (int) Math.round(n * 0.8);
        int test = testSize != null ? testSize : n - train;
        if (train + test > n) {
            throw new IOException(pair[0] + " has " + n + " examples, fewer than data.trainSize + data.testSize = "
                    + train + " + " + test);
        }
        return new TrainTestData(
                all.slice(0, train),
                all.slice(n - test, n),
                "IDX " + pair[0].getFileName() + ": first " + train + " train, last " + test + " test");
    }

    private static ImageData cap(ImageData data, Integer size, String key, Path file) throws IOException {
        if (size == null) {
            return data;
        }
        if (size > data.size()) {
            throw new IOException(key + " = " + size + " but " + file + " has only " + data.size() + " examples");
        }
        return data.slice(0, size);
    }

    private static Path find(Path dir, String stem) {
        for (String name : new String[] {stem, stem + ".gz"}) {
            Path p = dir.resolve(name);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        return null;
    }

    private static Path findAny(Path dir, String part) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().contains(part)).sorted().findFirst().orElse(null);
        }
    }
}
