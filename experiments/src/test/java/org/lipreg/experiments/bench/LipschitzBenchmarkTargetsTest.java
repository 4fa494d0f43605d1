package org.lipreg.experiments.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/** Issue #18's targets read from the summary rows they concern, each judged against its goal. */
class LipschitzBenchmarkTargetsTest {

    private static Table summary() {
        return Table.create("summary").addColumns(StringColumn.create("model"), DoubleColumn.create("eps"),
                StringColumn.create("method"), IntColumn.create("n"), DoubleColumn.create("mean_upper"),
                DoubleColumn.create("mean_ratio"), DoubleColumn.create("max_ratio"), DoubleColumn.create("mean_seconds"),
                DoubleColumn.create("max_complete_fraction"), DoubleColumn.create("peak_rss_mib"));
    }

    private static void row(Table t, String model, double eps, String method, double ratio, double seconds,
            double complete, double peak) {
        t.stringColumn("model").append(model);
        t.doubleColumn("eps").append(eps);
        t.stringColumn("method").append(method);
        t.intColumn("n").append(1);
        t.doubleColumn("mean_upper").append(ratio * 100);
        t.doubleColumn("mean_ratio").append(ratio);
        t.doubleColumn("max_ratio").append(ratio);
        t.doubleColumn("mean_seconds").append(seconds);
        t.doubleColumn("max_complete_fraction").append(complete);
        t.doubleColumn("peak_rss_mib").append(peak);
    }

    private static String met(Table targets, String model, String target) {
        Table r = targets.where(targets.stringColumn("model").isEqualTo(model)
                .and(targets.stringColumn("target").isEqualTo(target)));
        assertEquals(1, r.rowCount(), model + ": " + target + " in\n" + targets.print());
        return r.stringColumn("met").get(0);
    }

    @Test
    void eachTargetIsJudgedOnItsOwnModelAndMethod() {
        Table s = summary();
        row(s, "mnist-cnn-4layer", 0.01, "crown", 11, 4.5, 1, 900);
        row(s, "cifar-cnn-4layer", 0.01, "crown", 20, 130, 1, 7000);
        row(s, "quickstart-cnn", 0.01, "crown", 15000, 14, 1, 2000);
        row(s, "mlp", 0.01, "bab", 1, 0.5, 1, 1000);
        row(s, "mlp", 0.05, "bab", 1.01, 9, 0.9, 1000);
        Table t = LipschitzBenchmark.withTargets(s);
        assertEquals("yes", met(t, "mnist-cnn-4layer", "crown seconds per point, eps 0.01"));
        assertEquals("no", met(t, "cifar-cnn-4layer", "crown seconds per point, eps 0.01"));
        assertEquals("yes", met(t, "cifar-cnn-4layer", "peak resident MiB while certifying"));
        assertEquals("yes", met(t, "quickstart-cnn", "crown upper / attained lower, eps 0.01"));
        assertEquals("yes", met(t, "mlp", "bab maximum proven exact, fraction of points, eps 0.01"));
        assertEquals("no", met(t, "mlp", "bab maximum proven exact, fraction of points, eps 0.05"));
    }
}
