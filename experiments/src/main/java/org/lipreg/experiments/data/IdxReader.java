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
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file));
                DataInputStream in = new DataInputStream(maybeGunzip(raw, file))) {
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
            long total = 1;
            for (int i = 0; i < expectedDims; i++) {
                try {
                    dims[i] = in.readInt();
                } catch (EOFException e) {
                    throw new IdxFormatException(file, "truncated header: missing dimension " + (i + 1));
                }
                if (dims[i] < 0) {
                    throw new IdxFormatException(file, "negative dimension " + dims[i]);
                }
                total *= dims[i];
            }
            if (total > Integer.MAX_VALUE - 16) {
                throw new IdxFormatException(file, "too large: " + total + " values");
            }
            byte[] data = new byte[(int) total];
            int read = in.readNBytes(data, 0, data.length);
            if (read < data.length) {
                throw new IdxFormatException(file, "truncated data: the header promises "
                        + describe(dims) + " = " + total + " bytes, the file has " + read);
            }
            if (in.read() != -1) {
                throw new IdxFormatException(file, "trailing bytes after the " + total
                        + " data bytes that the header " + describe(dims) + " promises");
            }
            return new IdxArray(dims, data);
        } catch (java.util.zip.ZipException e) {
            throw new IdxFormatException(file, "corrupt gzip data: " + e.getMessage());
        } catch (EOFException e) {
            throw new IdxFormatException(file, "truncated gzip stream");
        }
    }

    /**
     * Reads an image file and a label file into an {@link ImageData} with pixels scaled to [0, 1].
     *
     * @param images an IDX file of shape (count, height, width)
     * @param labels an IDX file of shape (count)
     * @param numClasses the number of classes, or 0 to use (largest label + 1)
     * @return the examples
     * @throws IOException if either file is malformed or their counts differ
     */
    public static ImageData readImages(Path images, Path labels, int numClasses) throws IOException {
        IdxArray x = read(images, 3);
        IdxArray y = read(labels, 1);
        if (x.dims()[0] != y.dims()[0]) {
            throw new IdxFormatException(images, "label/image count mismatch: " + x.dims()[0]
                    + " images but " + labels + " has " + y.dims()[0] + " labels");
        }
        int count = y.dims()[0];
        int[] labelValues = new int[count];
        int maxLabel = -1;
        for (int i = 0; i < count; i++) {
            labelValues[i] = y.get(i);
            maxLabel = Math.max(maxLabel, labelValues[i]);
        }
        int classes = numClasses > 0 ? numClasses : maxLabel + 1;
        if (maxLabel >= classes) {
            throw new IdxFormatException(labels, "label " + maxLabel + " is not below the " + classes + " classes");
        }
        float[] pixels = new float[x.data().length];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = x.get(i) / 255f;
        }
        return new ImageData(pixels, labelValues, 1, x.dims()[1], x.dims()[2], classes);
    }

    private static InputStream maybeGunzip(InputStream in, Path file) throws IOException {
        in.mark(2);
        int b0 = in.read();
        int b1 = in.read();
        in.reset();
        if (b0 == 0x1f && b1 == 0x8b) {
            return new GZIPInputStream(in);
        }
        return in;
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
