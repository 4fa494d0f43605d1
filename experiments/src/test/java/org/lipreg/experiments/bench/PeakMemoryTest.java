package org.lipreg.experiments.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

/** The high-water mark sees memory the process touched after a reset, and only then. */
class PeakMemoryTest {

    @Test
    void touchingAFreshBufferRaisesThePeakByItsSize() {
        assumeTrue(PeakMemory.reset(), "no /proc/self/clear_refs here (not Linux)");
        double before = PeakMemory.peakMib();
        ByteBuffer buffer = ByteBuffer.allocateDirect(128 << 20);
        for (int i = 0; i < buffer.capacity(); i += 4096) {
            buffer.put(i, (byte) 1); // resident only once written
        }
        double after = PeakMemory.peakMib();
        assertTrue(after - before >= 120, "peak " + before + " → " + after + " MiB after touching 128 MiB");
        assertTrue(buffer.get(4096) == 1);
        // A reset starts again from the current resident size, which still holds the buffer.
        assertTrue(PeakMemory.reset());
        assertTrue(PeakMemory.peakMib() <= after + 16, "a reset never raises the peak");
    }
}
