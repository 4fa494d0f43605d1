package org.lipreg.experiments.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.lipreg.experiments.run.ChildJvm;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The thread settings a bench table names: what the engine and OpenMP actually run with. */
class EngineThreadsTest {

    @Test
    void benchTitlesNameTheThreadsTheEngineRunsWithAndTheOpenMpSettings() throws Exception {
        // OMP_NUM_THREADS=1 in the environment gives the engine one intra-op thread, whatever the
        // core count; the title must say so, not the machine's core count.
        List<String> command = new ArrayList<>(ChildJvm.lipreg(List.of()));
        command.addAll(List.of("bench", "norms", "--sections", "cnn", "--batch-sizes", "2", "--rounds", "1",
                "--examples", "10"));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("OMP_NUM_THREADS", "1");
        builder.environment().put("OMP_WAIT_POLICY", "passive");
        Process child = builder.start();
        String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(child.waitFor(120, TimeUnit.SECONDS), out);
        assertEquals(0, child.exitValue(), out);
        assertTrue(out.contains("training step time by normalization (small CNN, 1x28x28, engine threads: intra-op 1, "
                + "inter-op "), out);
        assertTrue(out.contains("OMP_NUM_THREADS=1, OMP_WAIT_POLICY=passive)"), out);
    }

    @Test
    void theDescriptionNamesEachSettingAndWhatIsUnsetOrUnknown() {
        assertEquals("engine threads: intra-op 2, inter-op 2; OMP_NUM_THREADS unset, OMP_WAIT_POLICY unset",
                EngineThreads.describe(2, 2, null, null, null));
        assertEquals("engine threads: intra-op 1, inter-op 2; OMP_NUM_THREADS=1, OMP_WAIT_POLICY=PASSIVE",
                EngineThreads.describe(1, 2, null, "1", "PASSIVE"));
        assertEquals("engine threads: intra-op 1, inter-op unknown; -Dai.djl.pytorch.num_threads=1, "
                + "OMP_NUM_THREADS=4, OMP_WAIT_POLICY unset", EngineThreads.describe(1, -1, "1", "4", null));
    }
}
