package org.lipreg.experiments.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Reads IDX files, the format of MNIST and Fashion-MNIST, plain or gzipped (detected from the
 * content, not the name).
 *
 * <p>Layout: two zero bytes, a type byte ({@code 0x08} = unsigned byte, the only type MNIST
 * uses), the number of dimensions, then each dimension as a big-endian int, then the data.
 */
public final class IdxReader {

    private static final int UNSIGNED_BYTE = 0x08;

    /** The longest byte array the JVM allocates (a few bytes below Integer.MAX_VALUE). */
    private static final int MAX_ARRAY = Integer.MAX_VALUE - 16;

    private IdxReader() {}

    /**
     * The contents of an IDX file of unsigned bytes.
     *
     * @param dims the dimensions, outermost first
     * @param data the values, row-major, each in [0, 255]
     */
    public record IdxArray(int[] dims, byte[] data) {
        /**
         * Returns the value at a flat index, as an int in [0, 255].
         *
         * @param index the flat index
         * @return the value
         */
        public int get(int index) {
            return data[index] & 0xFF;
        }
    }

    /**
     * Reads an IDX file of unsigned bytes with the expected number of dimensions.
     *
     * @param file the file
     * @param expectedDims 3 for images, 1 for labels
     * @return its contents
     * @throws IdxFormatException if the magic number, type, dimensions or length are wrong
     * @throws IOException if the file cannot be read
     */
    public static IdxArray read(Path file, int expectedDims) throws IOException {
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file))) {
            boolean gzipped = isGzip(raw);
            try (DataInputStream in = new DataInputStream(gzipped ? new GZIPInputStream(raw) : raw)) {
                int[] dims = readHeader(in, file, expectedDims);
                long total = 1;
                for (int d : dims) {
                    total *= d;
                }
                if (!gzipped) {
                    // A plain file's size says how much data there is: check before reading anything.
                    long available = Files.size(file) - 4L - 4L * expectedDims;
                    if (available < total) {
                        throw truncated(file, dims, total, available);
                    }
                }
                // readNBytes allocates as the bytes arrive, so a gzipped file whose header promises
                // more than it holds costs what it holds, not what the header claims.
                byte[] data = in.readNBytes((int) Math.min(total, MAX_ARRAY));
                if (data.length < total) {
                    if (data.length < MAX_ARRAY) {
                        throw truncated(file, dims, total, data.length);
                    }
                    throw new IdxFormatException(file, "too large: the header promises " + describe(dims) + " = "
                            + total + " values, more than a Java array holds");
                }
                if (in.read() != -1) {
                    throw new IdxFormatException(file, "trailing bytes after the " + total
                            + " data bytes that the header " + describe(dims) + " promises");
                }
                return new IdxArray(dims, data);
            }
        } catch (java.util.zip.ZipException e) {
            throw new IdxFormatException(file, "corrupt gzip data: " + e.getMessage());
        } catch (EOFException e) {
            throw new IdxFormatException(file, "truncated gzip stream");
        }
    }

    /** Reads and checks the magic number and the dimensions. */
    private static int[] readHeader(DataInputStream in, Path file, int expectedDims) throws IOException {
        int magic;
        try {
            magic = in.readInt();
        } catch (EOFException e) {
            throw new IdxFormatException(file, "truncated: shorter than the 4-byte magic number");
        }
        int expectedMagic = (UNSIGNED_BYTE << 8) | expectedDims;
        if ((magic >>> 16) != 0 || ((magic >>> 8) & 0xFF) != UNSIGNED_BYTE || (magic & 0xFF) != expectedDims) {
            throw new IdxFormatException(file, String.format(
                    "bad magic number 0x%08X (expected 0x%08X: unsigned bytes, %d dimension%s)",
                    magic, expectedMagic, expectedDims, expectedDims == 1 ? "" : "s"));
        }
        int[] dims = new int[expectedDims];
        for (int i = 0; i < expectedDims; i++) {
            try {
                dims[i] = in.readInt();
            } catch (EOFException e) {
                throw new IdxFormatException(file, "truncated header: missing dimension " + (i + 1));
            }
            if (dims[i] < 0) {
                throw new IdxFormatException(file, "negative dimension " + dims[i]);
            }
        }
        return dims;
    }

    private static IdxFormatException truncated(Path file, int[] dims, long promised, long available) {
        return new IdxFormatException(file, "truncated data: the header promises " + describe(dims) + " = "
                + promised + " bytes, the file has " + Math.max(available, 0));
    }

    /**
     * Reads an image file and a label file into an {@link ImageData} with pixels scaled to [0, 1].
     *
     * @param images an IDX file of shape (count, height, width)
     * @param labels an IDX file of shape (count)
     * @param numClasses the number of classes; every label must lie in [0, numClasses)
     * @return the examples
     * @throws IOException if either file is malformed, their counts differ or a label is not a class
     */
    public static ImageData readImages(Path images, Path labels, int numClasses) throws IOException {
        if (numClasses < 1) {
            throw new IllegalArgumentException("numClasses must be at least 1, got " + numClasses);
        }
        IdxArray x = read(images, 3);
        IdxArray y = read(labels, 1);
        if (x.dims()[0] != y.dims()[0]) {
            throw new IdxFormatException(images, "label/image count mismatch: " + x.dims()[0]
                    + " images but " + labels + " has " + y.dims()[0] + " labels");
        }
        int count = y.dims()[0];
        int[] labelValues = new int[count];
        for (int i = 0; i < count; i++) {
            labelValues[i] = y.get(i);
            if (labelValues[i] >= numClasses) {
                // The class count never follows the labels: one stray byte must not add classes.
                throw new IdxFormatException(labels, "example " + i + " has label " + labelValues[i]
                        + ", outside the " + numClasses + " classes 0.." + (numClasses - 1)
                        + " (data.classes sets the class count; the default for idx data is "
                        + IdxDirectory.DEFAULT_CLASSES + ")");
            }
        }
        float[] pixels = new float[x.data().length];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = x.get(i) / 255f;
        }
        return new ImageData(pixels, labelValues, 1, x.dims()[1], x.dims()[2], numClasses);
    }

    /** Whether a stream starts with the gzip magic bytes; the stream is left where it was. */
    private static boolean isGzip(InputStream in) throws IOException {
        in.mark(2);
        int b0 = in.read();
        int b1 = in.read();
        in.reset();
        return b0 == 0x1f && b1 == 0x8b;
    }

    private static String describe(int[] dims) {
        StringBuilder sb = new StringBuilder();
        for (int d : dims) {
            if (sb.length() > 0) {
                sb.append('×');
            }
            sb.append(d);
        }
        return sb.toString();
    }
}
