package org.lipreg.experiments.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;

class IdxReaderTest {

    @TempDir Path dir;

    /** IDX bytes: magic, dims, data. */
    static byte[] idx(int magic, int[] dims, byte[] data) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(magic);
        for (int d : dims) {
            out.writeInt(d);
        }
        out.write(data);
        return bytes.toByteArray();
    }

    static byte[] gzip(byte[] raw) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream out = new GZIPOutputStream(bytes)) {
            out.write(raw);
        }
        return bytes.toByteArray();
    }

    /** Writes n 2×3 images whose pixel k of image i is (i*6 + k) * 7 mod 256, labels i mod 3. */
    static void writePair(Path dir, String prefix, int n, boolean gz) throws IOException {
        byte[] pixels = new byte[n * 6];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) (i * 7);
        }
        byte[] labels = new byte[n];
        for (int i = 0; i < n; i++) {
            labels[i] = (byte) (i % 3);
        }
        String suffix = gz ? ".gz" : "";
        byte[] images = idx(0x803, new int[] {n, 2, 3}, pixels);
        byte[] labelBytes = idx(0x801, new int[] {n}, labels);
        Files.write(dir.resolve(prefix + "-images-idx3-ubyte" + suffix), gz ? gzip(images) : images);
        Files.write(dir.resolve(prefix + "-labels-idx1-ubyte" + suffix), gz ? gzip(labelBytes) : labelBytes);
    }

    @Test
    void readsPlainAndGzippedFilesAlike() throws IOException {
        for (boolean gz : new boolean[] {false, true}) {
            Path d = Files.createDirectories(dir.resolve(gz ? "gz" : "plain"));
            writePair(d, "t10k", 10, gz);
            String suffix = gz ? ".gz" : "";
            ImageData data = IdxReader.readImages(d.resolve("t10k-images-idx3-ubyte" + suffix),
                    d.resolve("t10k-labels-idx1-ubyte" + suffix), 3);
            assertEquals(10, data.size());
            assertEquals(3, data.numClasses());
            assertEquals(2, data.height());
            assertEquals(3, data.width());
            for (int i = 0; i < 60; i++) {
                assertEquals(((i * 7) & 0xFF) / 255f, data.pixels()[i], 0f, "pixel " + i);
            }
            assertArrayEquals(new int[] {0, 1, 2, 0, 1, 2, 0, 1, 2, 0}, data.labels());
        }
    }

    @Test
    void badMagicNumberIsNamed() throws IOException {
        Path file = dir.resolve("x-images-idx3-ubyte");
        Files.write(file, idx(0x801, new int[] {1}, new byte[1]));
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> IdxReader.read(file, 3));
        assertEquals(file + ": bad magic number 0x00000801 (expected 0x00000803: unsigned bytes, 3 dimensions)",
                e.getMessage());
    }

    @Test
    void truncatedDataIsNamed() throws IOException {
        Path file = dir.resolve("x-images-idx3-ubyte.gz");
        byte[] full = idx(0x803, new int[] {4, 2, 3}, new byte[24]);
        Files.write(file, gzip(Arrays.copyOf(full, full.length - 5)));
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> IdxReader.read(file, 3));
        assertEquals(file + ": truncated data: the header promises 4×2×3 = 24 bytes, the file has 19", e.getMessage());
    }

    @Test
    void truncatedHeaderIsNamed() throws IOException {
        Path file = dir.resolve("x-labels-idx1-ubyte");
        Files.write(file, new byte[] {0, 0, 8, 1, 0, 0});
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> IdxReader.read(file, 1));
        assertEquals(file + ": truncated header: missing dimension 1", e.getMessage());
    }

    @Test
    void labelImageCountMismatchIsNamed() throws IOException {
        Path images = dir.resolve("a-images-idx3-ubyte");
        Path labels = dir.resolve("a-labels-idx1-ubyte");
        Files.write(images, idx(0x803, new int[] {3, 2, 3}, new byte[18]));
        Files.write(labels, idx(0x801, new int[] {2}, new byte[2]));
        IdxFormatException e = assertThrows(IdxFormatException.class,
                () -> IdxReader.readImages(images, labels, 10));
        assertEquals(images + ": label/image count mismatch: 3 images but " + labels + " has 2 labels",
                e.getMessage());
    }

    @Test
    void corruptGzipIsNamed() throws IOException {
        Path file = dir.resolve("x-labels-idx1-ubyte.gz");
        byte[] gz = gzip(idx(0x801, new int[] {100}, new byte[100]));
        gz[gz.length / 2] ^= 0x55;
        gz[gz.length / 2 + 1] ^= 0x55;
        Files.write(file, gz);
        IOException e = assertThrows(IOException.class, () -> IdxReader.read(file, 1));
        assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
    }

    @Test
    void singlePairIsSplitIntoDisjointFirstAndLast() throws IOException {
        writePair(dir, "t10k", 10, true);
        TrainTestData data = IdxDirectory.load(dir, 6, 3, null);
        assertEquals(6, data.train().size());
        assertEquals(3, data.test().size());
        // Test examples are the last three: labels of indices 7, 8, 9.
        assertArrayEquals(new int[] {1, 2, 0}, data.test().labels());
        IOException e = assertThrows(IOException.class, () -> IdxDirectory.load(dir, 8, 3, null));
        assertTrue(e.getMessage().contains("has 10 examples, fewer than data.trainSize + data.testSize = 8 + 3"),
                e.getMessage());
    }

    @Test
    void trainAndTestPairsAreUsedAsSuch() throws IOException {
        writePair(dir, "train", 12, false);
        writePair(dir, "t10k", 5, true);
        TrainTestData data = IdxDirectory.load(dir, null, null, null);
        assertEquals(12, data.train().size());
        assertEquals(5, data.test().size());
    }

    @Test
    void directoryWithoutFilesIsNamed() {
        IOException e = assertThrows(IOException.class, () -> IdxDirectory.load(dir, null, null, null));
        assertTrue(e.getMessage().startsWith(dir + ": no IDX image/label file pair found"), e.getMessage());
    }

    @Test
    void classCountIsTenForIdxDataWhateverTheLabelsAre() throws IOException {
        // Labels 0, 1, 2 only: the model still gets MNIST's ten classes, in train and test alike.
        writePair(dir, "train", 6, false);
        writePair(dir, "t10k", 3, false);
        TrainTestData data = IdxDirectory.load(dir, null, null, null);
        assertEquals(10, data.train().numClasses());
        assertEquals(10, data.test().numClasses());
        // data.classes overrides the default.
        assertEquals(3, IdxDirectory.load(dir, null, null, 3).numClasses());
    }

    @Test
    void labelOutsideTheClassesIsNamedWithFileAndIndex() throws IOException {
        writePair(dir, "t10k", 10, false);
        Path labels = dir.resolve("t10k-labels-idx1-ubyte");
        byte[] bytes = Files.readAllBytes(labels);
        bytes[8 + 7] = (byte) 200; // example 7 (after the 8-byte header)
        Files.write(labels, bytes);
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> IdxDirectory.load(dir, null, null, null));
        assertEquals(labels + ": example 7 has label 200, outside the 10 classes 0..9"
                + " (data.classes sets the class count; the default for idx data is 10)", e.getMessage());
        // With data.classes 2 the first label of 2 (example 2) is the one named.
        bytes[8 + 7] = 1;
        Files.write(labels, bytes);
        e = assertThrows(IdxFormatException.class, () -> IdxDirectory.load(dir, null, null, 2));
        assertTrue(e.getMessage().startsWith(labels + ": example 2 has label 2, outside the 2 classes 0..1"),
                e.getMessage());
    }

    /** Bytes this thread allocated on the Java heap so far. */
    private static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean())
                .getThreadAllocatedBytes(Thread.currentThread().getId());
    }

    @Test
    void headerPromisingMoreThanTheFileHoldsFailsBeforeAllocating() throws IOException {
        // 100000×140×140 = 1.96e9 bytes promised by a 116-byte file: named, without a 2 GB array.
        int[] dims = {100_000, 140, 140};
        byte[] small = idx(0x803, dims, new byte[100]);
        for (boolean gz : new boolean[] {false, true}) {
            Path file = dir.resolve("huge-images-idx3-ubyte" + (gz ? ".gz" : ""));
            Files.write(file, gz ? gzip(small) : small);
            long before = allocatedBytes();
            IdxFormatException e = assertThrows(IdxFormatException.class, () -> IdxReader.read(file, 3));
            long allocated = allocatedBytes() - before;
            assertEquals(file + ": truncated data: the header promises 100000×140×140 = 1960000000 bytes, "
                    + "the file has 100", e.getMessage());
            assertTrue(allocated < 32L << 20, "allocated " + allocated + " bytes for a " + small.length + "-byte file");
        }
    }

    @Test
    void headerPromisingTwoToTheThirtyOneItemsIsNamed() throws IOException {
        // 2^31 values cannot be a Java array; the short file is reported as such, without allocating.
        int[] dims = {2048, 1024, 1024};
        byte[] small = idx(0x803, dims, new byte[10]);
        for (boolean gz : new boolean[] {false, true}) {
            Path file = dir.resolve("big-images-idx3-ubyte" + (gz ? ".gz" : ""));
            Files.write(file, gz ? gzip(small) : small);
            long before = allocatedBytes();
            IdxFormatException e = assertThrows(IdxFormatException.class, () -> IdxReader.read(file, 3));
            long allocated = allocatedBytes() - before;
            assertEquals(file + ": truncated data: the header promises 2048×1024×1024 = 2147483648 bytes, "
                    + "the file has 10", e.getMessage());
            assertTrue(allocated < 32L << 20, "allocated " + allocated + " bytes");
        }
    }
}
