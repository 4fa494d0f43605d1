package org.lipreg.training.runner;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The metrics of one finished epoch: an ordered map from column name to value.
 *
 * <p>Columns written by the runner: {@code epoch} (from 1), {@code train_<metric>} and {@code
 * test_<metric>} for the loss and each evaluator, {@code learning_rate}, {@code seconds} (wall
 * time of the epoch including evaluation) and {@code rss_mb} (resident memory of the process
 * at the epoch's end, the whole of native plus Java memory; NaN where the OS does not say) and
 * {@code heap_mb} (the Java heap committed then; the difference is mostly native memory), and
 * {@code ndarrays} (NDArrays alive under the model's manager: flat unless a step leaks).
 *
 * @param epoch the 1-based epoch number
 * @param values the column values, in column order
 */
public record EpochMetrics(int epoch, Map<String, Double> values) {

    /**
     * Copies the map so the record stays immutable.
     *
     * @param epoch the 1-based epoch number
     * @param values the column values, in column order
     */
    public EpochMetrics {
        values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    /**
     * Returns one column's value.
     *
     * @param column the column name
     * @return the value
     * @throws IllegalArgumentException if there is no such column
     */
    public double get(String column) {
        Double v = values.get(column);
        if (v == null) {
            throw new IllegalArgumentException(
                    "no metric '" + column + "'; have " + values.keySet());
        }
        return v;
    }
}
