package org.lipreg.training.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An operating-system lock on a run directory, held while a process writes into it (training,
 * certification, a sweep's child). A second process that tries to lock the same directory is
 * refused with {@link RunDirectoryLockedException}, which names the holder's pid.
 *
 * <p>The lock is an exclusive {@link FileLock} on {@value #FILE_NAME} inside the directory, so
 * the kernel releases it when the holder dies however it dies (kill -9 included): a stale lock
 * file never blocks anybody. The file itself is left in place on release (deleting it would let
 * a waiting process lock an unlinked file while a third locks a new one); it holds the pid of
 * the last holder, for the error message.
 */
public final class RunDirectoryLock implements AutoCloseable {

    /** Name of the lock file in a run directory; run-directory checks ignore it. */
    public static final String FILE_NAME = ".lock";

    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;

    private RunDirectoryLock(Path file, FileChannel channel, FileLock lock) {
        this.file = file;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Locks a run directory, creating it (and its parents) if needed.
     *
     * @param dir the run directory
     * @return the held lock; close it to release
     * @throws RunDirectoryLockedException if another process (or this one) holds it
     * @throws IOException if the directory or the lock file cannot be created
     */
    public static RunDirectoryLock acquire(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path file = dir.resolve(FILE_NAME);
        FileChannel channel =
                FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            // This JVM already holds it (another thread or an unclosed lock).
            lock = null;
        } catch (IOException e) {
            channel.close();
            throw e;
        }
        if (lock == null) {
            channel.close();
            throw new RunDirectoryLockedException(dir, holderPid(file));
        }
        try {
            byte[] pid = (ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII);
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(pid), 0);
            channel.force(false);
        } catch (IOException e) {
            lock.release();
            channel.close();
            throw e;
        }
        return new RunDirectoryLock(file, channel, lock);
    }

    /**
     * Whether some process holds the lock on a directory now (a probe: it locks and releases at
     * once when nobody does).
     *
     * @param dir the run directory
     * @return the holder's pid, or -1 if the directory is free (or has no lock file)
     * @throws IOException if the lock file cannot be opened
     */
    public static long holder(Path dir) throws IOException {
        Path file = dir.resolve(FILE_NAME);
        if (!Files.exists(file)) {
            return -1;
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                return ProcessHandle.current().pid();
            }
            if (lock == null) {
                long pid = holderPid(file);
                return pid > 0 ? pid : Long.MAX_VALUE;
            }
            lock.release();
            return -1;
        } catch (NoSuchFileException e) {
            return -1;
        }
    }

    /**
     * The lock file.
     *
     * @return the lock file
     */
    public Path file() {
        return file;
    }

    /** Releases the lock. */
    @Override
    public void close() throws IOException {
        try {
            if (lock.isValid()) {
                lock.release();
            }
        } finally {
            channel.close();
        }
    }

    private static long holderPid(Path file) {
        try {
            String text = Files.readString(file, StandardCharsets.US_ASCII).trim();
            return text.isEmpty() ? -1 : Long.parseLong(text);
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }
}
