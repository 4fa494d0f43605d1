package org.lipreg.experiments.run;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.lipreg.training.runner.EpochMetrics;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

class MetricsTablesTest {

    @Test
    void printedTableShowsIntegersDurationsAndDigits() {
        Map<String, Double> values = new LinkedHashMap<>();
        values.put("epoch", 1.0);
        values.put("test_accuracy", 0.5);
        values.put("learning_rate", (double) 0.002f);
        values.put("seconds", 11.761000370000001);
        values.put("ndarrays", 776.0);
        values.put("rss_mb", 1234.5678);
        String printed = MetricsTables.fromHistory("t", List.of(new EpochMetrics(1, values))).print();
        for (String cell : List.of(" 0.5000 ", " 0.002000 ", " 11.761 ", " 776 ", " 1235 ")) {
            assertTrue(printed.contains(cell), "'" + cell + "' in\n" + printed);
        }
        assertFalse(printed.contains("776.0"), printed);
        assertFalse(printed.contains("1,23"), "no digit grouping\n" + printed);
    }
}
