package org.lipreg.training.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lipreg.training.io.RunDirectoryLock;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

class AtomicFilesTest {

    @TempDir Path dir;

    @Test
    void writtenFileHasThePermissionsOfAnOrdinaryNewFile() throws IOException {
        assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"));
        // The reference: what the process's umask gives a file created the ordinary way.
        Set<PosixFilePermission> expected = Files.getPosixFilePermissions(Files.createFile(dir.resolve("plain")));
        Path target = dir.resolve("written.txt");
        AtomicFiles.writeString(target, "new");
        assertEquals(expected, Files.getPosixFilePermissions(target));
        AtomicFiles.writeString(target, "replaced");
        assertEquals(expected, Files.getPosixFilePermissions(target));
        assertEquals("replaced", Files.readString(target));
    }

    @Test
    void temporaryDirectoryHasThePermissionsOfAnOrdinaryNewDirectory() throws IOException {
        assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"));
        Set<PosixFilePermission> expected =
                Files.getPosixFilePermissions(Files.createDirectory(dir.resolve("plain")));
        Path temp = AtomicFiles.newTemporaryDirectory(dir.resolve("model"));
        assertEquals(expected, Files.getPosixFilePermissions(temp));
        assertTrue(AtomicFiles.isTemporary(temp), temp.toString());
    }

    @Test
    void removeTemporariesDeletesWhatAKilledWriterLeftAndNothingElse() throws IOException {
        // Leftovers of writes cut short, named as AtomicFiles names them.
        Path staleFile = Files.writeString(dir.resolve(".metrics.csv.12345.tmp"), "half");
        Path staleDir = Files.createDirectories(dir.resolve(".model.678.tmp").resolve("inner"));
        Files.writeString(staleDir.resolve("model-0001.params"), "half");
        // Everything else stays, including look-alikes that AtomicFiles never writes.
        List<Path> kept = List.of(
                Files.writeString(dir.resolve("metrics.csv"), "whole"),
                Files.writeString(dir.resolve("notes.tmp"), "user's"),
                Files.writeString(dir.resolve(".hidden"), "user's"),
                Files.writeString(dir.resolve(RunDirectoryLock.FILE_NAME), "1\n"));

        assertEquals(2, AtomicFiles.removeTemporaries(dir));

        assertFalse(Files.exists(staleFile));
        assertFalse(Files.exists(dir.resolve(".model.678.tmp")));
        for (Path p : kept) {
            assertTrue(Files.exists(p), p.toString());
        }
        try (Stream<Path> left = Files.list(dir)) {
            assertEquals(kept.size(), left.count());
        }
        assertEquals(0, AtomicFiles.removeTemporaries(dir.resolve("missing")), "a missing directory has none");
    }
}
