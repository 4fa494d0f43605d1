package org.lipreg.experiments.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import tech.tablesaw.api.Table;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

/** {@code lipreg bench rl}: what it writes, and what it refuses without writing. */
class BenchRlCommandTest {

    @TempDir Path dir;

    private static int run(String... args) {
        return LipregCli.execute(new PrintWriter(new StringWriter(), true), new PrintWriter(new StringWriter(), true), args);
    }

    @Test
    void writesOneRowPerSectionWithConsistentRatesAndRefusesToOverwrite() throws IOException {
        Path out = dir.resolve("bench");
        String[] tiny = {"bench", "rl", "--hidden", "8,8", "--batch-size", "16", "--rounds", "2", "--updates", "3",
            "--out", out.toString()};
        assertEquals(0, run(tiny));
        Table table = Table.read().csv(out.resolve("rl.csv").toFile());
        assertEquals(2, table.rowCount());
        assertEquals("sac", table.stringColumn("update").get(0));
        assertEquals("mbpo-model", table.stringColumn("update").get(1));
        for (int r = 0; r < 2; r++) {
            double perSecond = table.numberColumn("updates/s").getDouble(r);
            double ms = table.numberColumn("ms/update").getDouble(r);
            assertTrue(perSecond > 0, "updates/s " + perSecond);
            assertEquals(1000, perSecond * ms, 1000 * 1e-3, "updates/s and ms/update describe the same time");
        }
        String markdown = Files.readString(out.resolve("bench.md"));
        assertTrue(markdown.contains("engine threads: intra-op"), markdown);
        assertTrue(markdown.contains("| update |"), markdown);

        String before = Files.readString(out.resolve("rl.csv"));
        assertEquals(2, run(tiny), "an existing rl.csv is kept without --overwrite");
        assertEquals(before, Files.readString(out.resolve("rl.csv")));
    }

    @Test
    void badSectionExitsTwoAndWritesNothing() {
        Path out = dir.resolve("never");
        assertEquals(2, run("bench", "rl", "--sections", "sac,ppo", "--out", out.toString()));
        assertEquals(2, run("bench", "rl", "--updates", "0", "--out", out.toString()));
        assertFalse(Files.exists(out));
    }
}
