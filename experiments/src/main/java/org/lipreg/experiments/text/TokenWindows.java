package org.lipreg.experiments.text;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.ArrayDataset;

/**
 * A token stream cut into non-overlapping windows for next-token prediction: window i holds the
 * inputs {@code s[iL .. iL+L)} and the targets {@code s[iL+1 .. iL+L+1)}, so every window has
 * exactly L targets and each token of the stream after the first is a target at most once. A
 * stream of N tokens gives {@code ⌊(N−1)/L⌋} windows; the last {@code (N−1) mod L} targets do
 * not fit a whole window and are left out (fewer than L, so at most L−1 tokens of a test stream go
 * unscored; {@link #targets()} says how many are scored).
 *
 * @param inputs window after window, L ids each (as floats, as DJL datasets hold them)
 * @param labels the next-token targets, aligned with {@code inputs}
 * @param windows the number of windows
 * @param length L
 */
public record TokenWindows(float[] inputs, float[] labels, int windows, int length) {

    /**
     * Cuts a stream.
     *
     * @param stream the token ids
     * @param length L, at least 1
     * @param cap at most this many windows (the first ones), or null for all
     * @return the windows
     * @throws IllegalArgumentException if the stream is too short for one window
     */
    public static TokenWindows cut(int[] stream, int length, Integer cap) {
        if (length < 1) {
            throw new IllegalArgumentException("window length must be at least 1, got " + length);
        }
        int windows = stream.length < 1 ? 0 : (stream.length - 1) / length;
        if (cap != null) {
            windows = Math.min(windows, cap);
        }
        if (windows < 1) {
            throw new IllegalArgumentException("a stream of " + stream.length + " tokens is too short for one window of "
                    + length + " tokens and its next-token targets");
        }
        float[] x = new float[windows * length];
        float[] y = new float[windows * length];
        for (int w = 0; w < windows; w++) {
            for (int t = 0; t < length; t++) {
                x[w * length + t] = stream[w * length + t];
                y[w * length + t] = stream[w * length + t + 1];
            }
        }
        return new TokenWindows(x, y, windows, length);
    }

    /**
     * Returns the number of scored targets, windows × L.
     *
     * @return the count
     */
    public long targets() {
        return (long) windows * length;
    }

    /**
     * Copies the windows into a DJL dataset: data {@code (W, L)} and labels {@code (W, L)}, float32.
     *
     * @param manager owns the arrays
     * @param batchSize the dataset's default batch size
     * @return the dataset
     */
    public ArrayDataset toDataset(NDManager manager, int batchSize) {
        Shape shape = new Shape(windows, length);
        return new ArrayDataset.Builder()
                .setData(manager.create(inputs, shape))
                .optLabels(manager.create(labels, shape))
                .setSampling(batchSize, false)
                .build();
    }
}
