package org.lipreg.experiments.data;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A numeric table ({@link TabularFile}) as train/test data: the first {@code trainSize} rows
 * train, the last {@code testSize} rows test (default 80 % / the rest, as for a single IDX pair;
 * they never overlap), features standardized with the training rows' statistics, labels mapped to
 * 0..K−1 in sorted order of their values. Each example has shape {@code (1, 1, features)}.
 */
public final class CsvData {

    private CsvData() {}

    /**
     * Loads and standardizes a table.
     *
     * @param file the table
     * @param trainSize training rows, or null for 80 %
     * @param testSize test rows, or null for the rest
     * @param given a stored standardization to apply (a trained run's), or null to fit one on the
     *     training rows
     * @return the data, carrying the standardization used
     * @throws IOException naming the file (and line) when the table cannot be used
     */
    public static TrainTestData load(Path file, Integer trainSize, Integer testSize, Standardization given)
            throws IOException {
        return load(file, trainSize, testSize, null, given);
    }

    /**
     * Loads and standardizes a table, with a fixed number of classes when one is given.
     *
     * @param file the table
     * @param trainSize training rows, or null for 80 %
     * @param testSize test rows, or null for the rest
     * @param classes {@code data.classes}: labels are class indices in {@code [0, classes)}; or null
     *     to make the distinct label values the classes in sorted order (ignored with {@code given})
     * @param given a stored standardization to apply (a trained run's), or null to fit one on the
     *     training rows
     * @return the data, carrying the standardization used
     * @throws IOException naming the file (and line) when the table cannot be used, e.g. a label
     *     that is not a whole number or lies outside {@code classes}
     */
    public static TrainTestData load(Path file, Integer trainSize, Integer testSize, Integer classes,
            Standardization given) throws IOException {
        TabularFile table = TabularFile.read(file);
        int n = table.size();
        int train = trainSize != null ? trainSize : (int) Math.round(n * 0.8);
        int test = testSize != null ? testSize : n - train;
        if (train < 1 || test < 1 || train + test > n) {
            throw new TabularFormatException(file, "has " + n + " rows, too few for " + train + " training and "
                    + test + " test rows (data.trainSize, data.testSize)");
        }
        double[][] trainRows = java.util.Arrays.copyOfRange(table.features(), 0, train);
        Standardization s = given != null ? given : Standardization.fit(trainRows, classLabels(table, classes));
        if (s.featureCount() != table.featureCount()) {
            throw new TabularFormatException(file, "has " + table.featureCount() + " feature columns, the model was "
                    + "trained on " + s.featureCount());
        }
        if (s.labels().length < 2) {
            throw new TabularFormatException(file, "has only one class (label " + s.labels()[0]
                    + "); a classifier needs at least two");
        }
        ImageData trainData = slice(table, 0, train, s);
        ImageData testData = slice(table, n - test, n, s);
        String description = "table " + file.getFileName() + " (first " + train + " rows train, last " + test
                + " test, " + table.featureCount() + " features standardized on the training rows, "
                + s.labels().length + " classes)";
        return new TrainTestData(trainData, testData, description, s);
    }

    /**
     * The label values that become classes: {@code 0..classes−1} when the class count is given,
     * else every row's label. Either way each label must be a whole number (a continuous column
     * would make one class per distinct value) and, with a class count, lie below it.
     */
    private static double[] classLabels(TabularFile table, Integer classes) throws TabularFormatException {
        double[] labels = table.labels();
        for (int r = 0; r < labels.length; r++) {
            double label = labels[r];
            boolean whole = label == Math.rint(label);
            if (classes != null && !(whole && label >= 0 && label < classes)) {
                throw new TabularFormatException(table.file(), table.lines()[r], "example " + r + " has label "
                        + labelText(label) + ", outside the " + classes + " classes 0.." + (classes - 1)
                        + " (data.classes)");
            }
            if (!whole) {
                throw new TabularFormatException(table.file(), table.lines()[r], "example " + r + " has label "
                        + labelText(label) + ", not a whole number: the last column must be a class label");
            }
        }
        if (classes == null) {
            return labels;
        }
        double[] indices = new double[classes];
        for (int k = 0; k < classes; k++) {
            indices[k] = k;
        }
        return indices;
    }

    /** A label as written: a whole number without a decimal point. */
    private static String labelText(double label) {
        return label == Math.rint(label) && Math.abs(label) < 1e15 ? String.valueOf((long) label) : String.valueOf(label);
    }

    private static ImageData slice(TabularFile table, int from, int to, Standardization s)
            throws TabularFormatException {
        int d = table.featureCount();
        float[] values = new float[(to - from) * d];
        int[] labels = new int[to - from];
        for (int r = from; r < to; r++) {
            double[] x = s.apply(table.features()[r]);
            for (int j = 0; j < d; j++) {
                values[(r - from) * d + j] = (float) x[j];
            }
            labels[r - from] = s.classOf(table.labels()[r]);
            if (labels[r - from] < 0) {
                throw new TabularFormatException(table.file(), table.lines()[r], "label " + table.labels()[r]
                        + " is not one of the model's labels " + java.util.Arrays.toString(s.labels()));
            }
        }
        return new ImageData(values, labels, 1, 1, d, s.labels().length);
    }
}
