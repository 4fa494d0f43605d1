package org.lipreg.experiments.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;

/** {@code lipreg bench lipschitz --run}: a directory that is not a run is refused by name, before any work. */
class BenchLipschitzCommandTest {

    @TempDir Path dir;

    @Test
    void runThatIsNotARunDirectoryExitsTwoNamingTheOption() {
        StringWriter err = new StringWriter();
        int code = LipregCli.execute(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true),
                "bench", "lipschitz", "--run", dir.resolve("missing").toString(), "--points", "1", "--method", "crown");
        assertEquals(2, code);
        assertTrue(err.toString().contains("--run") && err.toString().contains("not a run directory"), err.toString());
    }
}
