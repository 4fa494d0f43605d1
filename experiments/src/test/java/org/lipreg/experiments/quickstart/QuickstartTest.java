package org.lipreg.experiments.quickstart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lipreg.experiments.config.RunConfig;
import org.lipreg.experiments.config.RunConfigs;

import tech.tablesaw.api.Table;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

class QuickstartTest {

    @TempDir Path dir;

    private static double value(Table results, String metric) {
        Table rows = results.where(results.stringColumn("metric").isEqualTo(metric));
        assertEquals(1, rows.rowCount(), metric);
        return rows.doubleColumn("value").get(0);
    }

    /** The synthetic shapes are learnable: a small CNN passes 90 % in a short run. */
    @Test
    void smallCnnLearnsSyntheticShapesAndTheSavedModelReloads() throws Exception {
        List<String> overrides = new ArrayList<>(Quickstart.CONFIG);
        overrides.addAll(List.of("data.trainSize=3000", "data.testSize=500", "epochs=2"));
        RunConfig config = RunConfigs.load(null, overrides);
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        QuickstartContext context = new Quickstart(new PrintStream(printed, true, StandardCharsets.UTF_8))
                .run(config, dir.resolve("qs"));
        Table results = context.results();
        double trained = value(results, "test accuracy");
        assertTrue(trained > 0.90, "synthetic test accuracy " + trained);
        // DJL accumulates accuracy in float; one example of 500 is 0.002, far above the tolerance.
        assertEquals(trained, value(results, "test accuracy (reloaded model)"), 1e-6,
                "the model saved in the run directory is the model that was evaluated");
        // Certify stage: the trained WS+BCN CNN itself gets a finite certificate at or above the
        // gradient norm it attains in the box, and branch-and-bound never loosens CROWN.
        double lower = value(results, "margin Lipschitz lower bound, attained (eps 0.01)");
        double crown = value(results, "crown margin Lipschitz bound (eps 0.01)");
        double bab = value(results, "bab margin Lipschitz bound (eps 0.01)");
        assertTrue(lower > 0 && Double.isFinite(crown) && crown >= lower, "crown " + crown + ", lower " + lower);
        assertTrue(bab <= crown && bab >= lower, "bab " + bab + ", crown " + crown);
        assertEquals(crown / lower, value(results, "crown upper / attained lower"), 1e-9 * crown / lower);
        assertTrue(java.nio.file.Files.isRegularFile(dir.resolve("qs/certify/summary.csv")));
        // Smoothing stage: the smoothed CNN certifies some test points beyond r = 0.25.
        for (String method : List.of("cohen", "soft")) {
            double certified = value(results, method + " certified accuracy at r=0.25 (sigma 0.25, n 500)");
            assertTrue(certified > 0 && certified <= 1, method + " " + certified);
            assertTrue(value(results, method + " average certified l2 radius") > 0);
        }
        assertTrue(java.nio.file.Files.isRegularFile(dir.resolve("qs/smoothing/certified_accuracy.png")));
        String out = printed.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("quickstart results"), out);
        assertTrue(out.contains("Run directory: " + dir.resolve("qs").toAbsolutePath()), out);
    }
}
