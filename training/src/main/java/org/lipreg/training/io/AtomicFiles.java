package org.lipreg.training.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writes files so that a reader sees either the old content or the new, never half of one: the
 * bytes go to a temporary file in the same directory, are forced to disk, and the temporary file
 * is renamed over the target.
 */
public final class AtomicFiles {

    /** Suffix of the temporary files; a crash can leave one behind, and readers ignore them. */
    public static final String TEMP_SUFFIX = ".tmp";

    private AtomicFiles() {}

    /** Writes the content of a file through a stream. */
    @FunctionalInterface
    public interface Writer {
        /**
         * Writes the file's content.
         *
         * @param out the stream to the temporary file
         * @throws IOException if writing fails
         */
        void write(OutputStream out) throws IOException;
    }

    /**
     * Writes a file atomically.
     *
     * @param target the file to create or replace
     * @param writer what to write
     * @throws IOException if writing or renaming fails; the target is then untouched
     */
    public static void write(Path target, Writer writer) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path temp = Files.createTempFile(dir, "." + target.getFileName() + ".", TEMP_SUFFIX);
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE);
                    OutputStream out = java.nio.channels.Channels.newOutputStream(channel)) {
                writer.write(out);
                out.flush();
                channel.force(true);
            }
            try {
                Files.move(
                        temp,
                        target,
                        StandardCopyOption.ATOMIC_MOVE,
                        StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /**
     * Writes a UTF-8 text file atomically.
     *
     * @param target the file
     * @param text its content
     * @throws IOException if writing fails
     */
    public static void writeString(Path target, String text) throws IOException {
        write(target, out -> out.write(text.getBytes(StandardCharsets.UTF_8)));
    }
}
