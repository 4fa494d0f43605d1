package org.lipreg.certify.lipschitz;

import org.lipreg.certify.graph.Graph;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * Orders the entries of a node that get linear bounds so that each chunk of them lies close
 * together in the image: along a Z-order (Morton) curve over the positions, channels together.
 * A chunk's coefficients then stay nonzero on a small window for a layer or two, and a
 * convolution touches only that window ({@code ConvMap}). The order changes no bound: each
 * entry's bound is its own.
 */
final class Locality {

    private Locality() {}

    /**
     * Returns the entries in image order, or as given when the node's layout is not known.
     *
     * @param graph the network
     * @param node the node whose entries they are
     * @param entries flat indices into the node's value
     * @return the same entries, reordered
     */
    static int[] order(Graph graph, int node, int[] entries) {
        int[] shape = graph.node(node).imageShape();
        for (int c : graph.consumers(node)) {
            if (shape == null) {
                shape = graph.node(c).inputImageShape();
            }
        }
        return shape == null ? entries : order(shape, entries);
    }

    /**
     * Returns the entries of a {@code (C, H, W)} image in Z-order over positions, channels together.
     *
     * @param shape (C, H, W)
     * @param entries flat indices into the image
     * @return the same entries, reordered
     */
    static int[] order(int[] shape, int[] entries) {
        int height = shape[1];
        int width = shape[2];
        int plane = height * width;
        long[] key = new long[entries.length];
        for (int r = 0; r < entries.length; r++) {
            int channel = entries[r] / plane;
            int y = entries[r] % plane / width;
            int x = entries[r] % width;
            key[r] = morton(y, x) * shape[0] + channel;
        }
        return IntStream.range(0, entries.length).boxed().sorted(Comparator.comparingLong(r -> key[r]))
                .mapToInt(r -> entries[r]).toArray();
    }

    /** Interleaves the bits of y and x (each below 2^16). */
    private static long morton(int y, int x) {
        long code = 0;
        for (int bit = 0; bit < 16; bit++) {
            code |= ((long) (x >> bit & 1) << (2 * bit)) | ((long) (y >> bit & 1) << (2 * bit + 1));
        }
        return code;
    }
}
