package org.lipreg.training.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * Writes files so that a reader sees either the old content or the new, never half of one: the
 * bytes go to a temporary file in the same directory, are forced to disk, and the temporary file
 * is renamed over the target.
 *
 * <p>Temporaries are named {@code .<target name>.<random>.tmp}. They are created with the
 * default permissions, so the files and directories they become follow the user's umask
 * ({@link Files#createTempFile} would make them 0600 / 0700). A process killed mid-write leaves
 * one behind; {@link #removeTemporaries} deletes them when the directory is next used.
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
        Path temp = temporaryName(target);
        // CREATE_NEW without file attributes: the umask decides the permissions. Opened before
        // the try, so that a name clash (63 random bits) never deletes another writer's file.
        FileChannel created = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        try {
            try (FileChannel channel = created;
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

    /**
     * Creates an empty temporary directory beside a target directory (with the default
     * permissions), to be filled and then renamed onto the target.
     *
     * @param target the directory it will replace
     * @return the new temporary directory
     * @throws IOException if it cannot be created
     */
    public static Path newTemporaryDirectory(Path target) throws IOException {
        Files.createDirectories(target.toAbsolutePath().getParent());
        return Files.createDirectory(temporaryName(target));
    }

    /**
     * Tells whether a path is named like one of this class's temporaries.
     *
     * @param path a file or directory
     * @return true for {@code .<name>.<random>.tmp}
     */
    public static boolean isTemporary(Path path) {
        String name = path.getFileName().toString();
        return name.startsWith(".") && name.endsWith(TEMP_SUFFIX) && name.length() > 1 + TEMP_SUFFIX.length();
    }

    /**
     * Deletes the temporaries (files or whole directories) that writes cut short by a crash left
     * directly inside a directory. Call it only while no other process writes there (for a run
     * directory: while holding its lock).
     *
     * @param dir the directory; a missing one has none
     * @return how many temporaries were removed
     * @throws IOException if one cannot be deleted
     */
    public static int removeTemporaries(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        List<Path> stale;
        try (Stream<Path> entries = Files.list(dir)) {
            stale = entries.filter(AtomicFiles::isTemporary).toList();
        }
        for (Path p : stale) {
            deleteTree(p);
        }
        return stale.size();
    }

    private static Path temporaryName(Path target) {
        long random = ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE;
        return target.toAbsolutePath().resolveSibling("." + target.getFileName() + "." + random + TEMP_SUFFIX);
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
