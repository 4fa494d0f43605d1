package org.lipreg.training.runner;

import org.lipreg.training.internal.AtomicFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.CRC32;

/**
 * A directory of checkpoints, one file per epoch ({@code checkpoint-0003.ckpt}).
 *
 * <p>Each file is {@code magic, version, payload length, payload, CRC32(payload)} and is written
 * atomically. Loading takes the newest file whose frame and checksum are intact and skips (with a
 * warning) a truncated or corrupted one, so a crash while writing epoch 4 leaves epoch 3
 * loadable. The payload is verified before the caller sees a byte of it, so a bad file can never
 * leave a model half-restored.
 */
public final class CheckpointStore {

    private static final Logger logger = LoggerFactory.getLogger(CheckpointStore.class);
    private static final byte[] MAGIC = "LIPRGCKP".getBytes(StandardCharsets.US_ASCII);
    private static final int FORMAT_VERSION = 1;
    private static final Pattern NAME = Pattern.compile("checkpoint-(\\d+)\\.ckpt");

    private final Path directory;
    private final int keep;

    /** Writes a checkpoint's payload. */
    @FunctionalInterface
    public interface PayloadWriter {
        /**
         * Writes the payload.
         *
         * @param out the payload stream
         * @throws IOException if writing fails
         */
        void write(DataOutputStream out) throws IOException;
    }

    /** A verified checkpoint payload. */
    public record Loaded(int epoch, Path file, byte[] payload) {
        /**
         * Opens the payload for reading.
         *
         * @return a stream over the payload
         */
        public DataInputStream open() {
            return new DataInputStream(new ByteArrayInputStream(payload));
        }
    }

    /**
     * Creates a store.
     *
     * @param directory where the checkpoint files live
     * @param keep how many of the newest checkpoints to keep (at least 1)
     */
    public CheckpointStore(Path directory, int keep) {
        if (keep < 1) {
            throw new IllegalArgumentException("keep must be at least 1, got " + keep);
        }
        this.directory = directory;
        this.keep = keep;
    }

    /**
     * Returns the directory.
     *
     * @return the checkpoint directory
     */
    public Path directory() {
        return directory;
    }

    /**
     * Returns the path of the checkpoint for an epoch.
     *
     * @param epoch the number of finished epochs it holds
     * @return the file path
     */
    public Path fileFor(int epoch) {
        return directory.resolve(String.format("checkpoint-%04d.ckpt", epoch));
    }

    /**
     * Writes the checkpoint for an epoch atomically, then removes checkpoints beyond {@code keep}.
     *
     * @param epoch the number of finished epochs
     * @param writer the payload
     * @return the file written
     * @throws IOException if writing fails (earlier checkpoints are untouched)
     */
    public Path write(int epoch, PayloadWriter writer) throws IOException {
        ByteArrayOutputStream payload = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(payload)) {
            writer.write(out);
        }
        byte[] bytes = payload.toByteArray();
        CRC32 crc = new CRC32();
        crc.update(bytes);
        Path file = fileFor(epoch);
        AtomicFiles.write(
                file,
                os -> {
                    DataOutputStream out = new DataOutputStream(os);
                    out.write(MAGIC);
                    out.writeInt(FORMAT_VERSION);
                    out.writeLong(bytes.length);
                    out.write(bytes);
                    out.writeLong(crc.getValue());
                    out.flush();
                });
        prune();
        return file;
    }

    /**
     * Tells whether the directory holds any checkpoint file (intact or not).
     *
     * @return true if there is at least one {@code checkpoint-NNNN.ckpt}
     * @throws IOException if the directory cannot be listed
     */
    public boolean hasCheckpoints() throws IOException {
        return !listNewestFirst().isEmpty();
    }

    /**
     * Loads the newest intact checkpoint.
     *
     * @return the verified payload, or empty if there is no intact checkpoint
     * @throws IOException if the directory cannot be listed
     */
    public Optional<Loaded> loadLatest() throws IOException {
        for (Path file : listNewestFirst()) {
            int epoch = epochOf(file);
            try {
                return Optional.of(new Loaded(epoch, file, verify(file)));
            } catch (IOException e) {
                logger.warn("Skipping checkpoint {}: {}", file, e.getMessage());
            }
        }
        return Optional.empty();
    }

    /**
     * Reads a checkpoint file and checks its frame and checksum.
     *
     * @param file the file
     * @return the payload
     * @throws IOException naming what is wrong with the file
     */
    public static byte[] verify(Path file) throws IOException {
        byte[] all = Files.readAllBytes(file);
        int header = MAGIC.length + Integer.BYTES + Long.BYTES;
        if (all.length < header + Long.BYTES) {
            throw new IOException("truncated (" + all.length + " bytes)");
        }
        ByteBuffer buf = ByteBuffer.wrap(all);
        byte[] magic = new byte[MAGIC.length];
        buf.get(magic);
        if (!java.util.Arrays.equals(magic, MAGIC)) {
            throw new IOException("not a lipreg checkpoint (bad magic)");
        }
        int version = buf.getInt();
        if (version != FORMAT_VERSION) {
            throw new IOException("checkpoint format version " + version + " is not supported");
        }
        long length = buf.getLong();
        if (length < 0 || length != all.length - header - Long.BYTES) {
            throw new IOException(
                    "truncated: payload should be " + length + " bytes, file has "
                            + (all.length - header - Long.BYTES));
        }
        byte[] payload = new byte[(int) length];
        buf.get(payload);
        long expected = buf.getLong();
        CRC32 crc = new CRC32();
        crc.update(payload);
        if (crc.getValue() != expected) {
            throw new IOException("checksum mismatch (corrupted)");
        }
        return payload;
    }

    private List<Path> listNewestFirst() throws IOException {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        List<Path> files = new ArrayList<>();
        try (Stream<Path> stream = Files.list(directory)) {
            stream.filter(p -> NAME.matcher(p.getFileName().toString()).matches())
                    .forEach(files::add);
        }
        files.sort(Comparator.comparingInt(CheckpointStore::epochOf).reversed());
        return files;
    }

    private void prune() throws IOException {
        List<Path> files = listNewestFirst();
        for (int i = keep; i < files.size(); i++) {
            Files.deleteIfExists(files.get(i));
        }
    }

    private static int epochOf(Path file) {
        Matcher m = NAME.matcher(file.getFileName().toString());
        if (!m.matches()) {
            throw new IllegalArgumentException("not a checkpoint file name: " + file);
        }
        return Integer.parseInt(m.group(1));
    }
}
