package org.lipreg.training.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;

class CheckpointStoreTest {

    @TempDir Path dir;

    private CheckpointStore store() {
        return new CheckpointStore(dir, 3);
    }

    private void write(CheckpointStore store, int epoch) throws IOException {
        store.write(epoch, out -> {
            out.writeInt(epoch);
            out.write(new byte[1000]);
        });
    }

    private int latestEpoch() throws IOException {
        Optional<CheckpointStore.Loaded> loaded = store().loadLatest();
        assertTrue(loaded.isPresent());
        assertEquals(loaded.get().epoch(), loaded.get().open().readInt(), "payload belongs to its epoch");
        return loaded.get().epoch();
    }

    @Test
    void newestIntactCheckpointWins() throws IOException {
        write(store(), 1);
        write(store(), 2);
        assertEquals(2, latestEpoch());
    }

    @Test
    void truncatedNewCheckpointFallsBackToPrevious() throws IOException {
        write(store(), 1);
        write(store(), 2);
        Path second = store().fileFor(2);
        byte[] all = Files.readAllBytes(second);
        Files.write(second, Arrays.copyOf(all, all.length / 2));
        assertEquals(1, latestEpoch());
        IOException e = assertThrows(IOException.class, () -> CheckpointStore.verify(second));
        assertTrue(e.getMessage().startsWith("truncated"), e.getMessage());
    }

    @Test
    void corruptedByteIsCaughtByChecksum() throws IOException {
        write(store(), 1);
        write(store(), 2);
        Path second = store().fileFor(2);
        byte[] all = Files.readAllBytes(second);
        all[all.length / 2] ^= 0x40;
        Files.write(second, all);
        assertEquals(1, latestEpoch());
        assertEquals("checksum mismatch (corrupted)",
                assertThrows(IOException.class, () -> CheckpointStore.verify(second)).getMessage());
    }

    @Test
    void leftoverTempFileIsIgnored() throws IOException {
        write(store(), 1);
        // A crash during the write of epoch 2 leaves only a temp file behind.
        Files.write(dir.resolve(".checkpoint-0002.ckpt.123.tmp"), new byte[] {1, 2, 3});
        assertEquals(1, latestEpoch());
    }

    @Test
    void badMagicIsNamed() throws IOException {
        Path file = store().fileFor(5);
        Files.createDirectories(dir);
        Files.write(file, new byte[64]);
        assertEquals("not a lipreg checkpoint (bad magic)",
                assertThrows(IOException.class, () -> CheckpointStore.verify(file)).getMessage());
        assertFalse(store().loadLatest().isPresent());
    }

    @Test
    void keepsOnlyTheNewest() throws IOException {
        for (int e = 1; e <= 5; e++) {
            write(store(), e);
        }
        assertFalse(Files.exists(store().fileFor(2)));
        assertTrue(Files.exists(store().fileFor(3)));
        assertTrue(Files.exists(store().fileFor(5)));
    }
}
