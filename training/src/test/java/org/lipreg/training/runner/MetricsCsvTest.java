package org.lipreg.training.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

class MetricsCsvTest {

    @TempDir Path dir;

    @Test
    void countsAreIntegersFloatsShortAndSecondsToTheMillisecond() throws Exception {
        Map<String, Double> values = new LinkedHashMap<>();
        values.put("epoch", 1.0);
        values.put("test_accuracy", 0.9875);
        values.put("test_loss", 0.12345678912345);
        values.put("learning_rate", (double) 0.002f);
        values.put("seconds", 11.761000370000001);
        values.put("ndarrays", 776.0);
        values.put("lipschitz_product", Double.NaN);
        Path file = dir.resolve("metrics.csv");
        MetricsCsv.write(List.of(new EpochMetrics(1, values)), file);
        assertEquals(List.of("epoch,test_accuracy,test_loss,learning_rate,seconds,ndarrays,lipschitz_product",
                "1,0.9875,0.123456789,0.002,11.761,776,NaN"), Files.readAllLines(file));
    }
}
