package org.lipreg.experiments.data;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.lipreg.training.internal.AtomicFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.TreeSet;

/**
 * How raw table rows become model inputs and labels: per-feature {@code (x − mean) / std} with the
 * statistics of the training rows only (a constant column gets std 1), and the label values in
 * sorted order (value {@code labels[k]} is class k). A run stores it as {@value #FILE} so that new
 * rows are standardized and labelled exactly as its training data was.
 *
 * @param mean per-feature mean of the training rows
 * @param std per-feature standard deviation of the training rows (population), 1 for constant columns
 * @param labels the distinct label values, ascending; class k is {@code labels[k]}
 */
public record Standardization(
        @JsonProperty("mean") double[] mean,
        @JsonProperty("std") double[] std,
        @JsonProperty("labels") double[] labels) {

    /** Name of the file in a run directory. */
    public static final String FILE = "standardization.json";

    /**
     * Checks the arrays.
     *
     * @param mean per-feature mean of the training rows
     * @param std per-feature standard deviation of the training rows
     * @param labels the distinct label values, ascending
     */
    public Standardization {
        if (mean == null || std == null || labels == null || mean.length != std.length) {
            throw new IllegalArgumentException("mean and std must be present and of one length");
        }
    }

    /**
     * Fits the statistics on training rows and collects the labels of every row.
     *
     * @param train the training rows (features)
     * @param allLabels the labels of all rows (training and test)
     * @return the standardization
     */
    public static Standardization fit(double[][] train, double[] allLabels) {
        int d = train[0].length;
        double[] mean = new double[d];
        double[] std = new double[d];
        for (double[] row : train) {
            for (int j = 0; j < d; j++) {
                mean[j] += row[j] / train.length;
            }
        }
        for (double[] row : train) {
            for (int j = 0; j < d; j++) {
                std[j] += (row[j] - mean[j]) * (row[j] - mean[j]) / train.length;
            }
        }
        for (int j = 0; j < d; j++) {
            std[j] = Math.sqrt(std[j]);
            // A constant column would divide by zero; it carries no information either way.
            if (!(std[j] > 1e-12)) {
                std[j] = 1;
            }
        }
        TreeSet<Double> distinct = new TreeSet<>();
        for (double label : allLabels) {
            distinct.add(label);
        }
        return new Standardization(mean, std, distinct.stream().mapToDouble(Double::doubleValue).toArray());
    }

    /** @return the number of features */
    public int featureCount() {
        return mean.length;
    }

    /**
     * Standardizes one raw row.
     *
     * @param raw the raw feature values
     * @return the model input
     */
    public double[] apply(double[] raw) {
        double[] out = new double[raw.length];
        for (int j = 0; j < raw.length; j++) {
            out[j] = (raw[j] - mean[j]) / std[j];
        }
        return out;
    }

    /**
     * Maps a model input back to raw feature values.
     *
     * @param standardized the model input
     * @return the raw values
     */
    public double[] invert(double[] standardized) {
        double[] out = new double[standardized.length];
        for (int j = 0; j < standardized.length; j++) {
            out[j] = standardized[j] * std[j] + mean[j];
        }
        return out;
    }

    /**
     * Returns the class of a label value.
     *
     * @param label the value as written in the file
     * @return its class index, or −1 if the value is not one of {@link #labels}
     */
    public int classOf(double label) {
        int k = Arrays.binarySearch(labels, label);
        return k >= 0 ? k : -1;
    }

    /**
     * Writes the file atomically.
     *
     * @param file the target
     * @throws IOException if writing fails
     */
    public void write(Path file) throws IOException {
        AtomicFiles.writeString(file, new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(this));
    }

    /**
     * Reads a file written by {@link #write}.
     *
     * @param file the file
     * @return the standardization
     * @throws IOException naming the file if it is missing or malformed
     */
    public static Standardization read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException(file + ": no such file (runs on csv data store their standardization there)");
        }
        try {
            Standardization s = new ObjectMapper().readValue(file.toFile(), Standardization.class);
            if (s.labels().length < 2) {
                throw new IOException(file + ": needs at least two labels");
            }
            return s;
        } catch (com.fasterxml.jackson.core.JacksonException | IllegalArgumentException e) {
            throw new IOException(file + ": malformed: " + e.getMessage(), e);
        }
    }
}
