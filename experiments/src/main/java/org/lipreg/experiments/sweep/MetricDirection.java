package org.lipreg.experiments.sweep;

import tech.tablesaw.api.DoubleColumn;

/** Which way a metric improves, and so which of its values is a run's best. */
enum MetricDirection {
    /** Accuracies, radii, returns. */
    HIGHER,
    /** Losses, perplexities, errors. */
    LOWER,
    /**
     * Everything else (time, memory, σ and Lipschitz estimates, the learning rate): no better
     * direction, so no best value.
     */
    NONE;

    static MetricDirection of(String metric) {
        if (metric.contains("accuracy") || metric.contains("radius") || metric.equals("mean_return")
                || metric.equals(RunKind.RETURN_AUC)) {
            return HIGHER;
        }
        if (metric.contains("loss") || metric.contains("perplexity") || metric.contains("error")) {
            return LOWER;
        }
        return NONE;
    }

    /** The best of a run's values; NaN without a direction or without values. */
    double best(DoubleColumn values) {
        if (values.size() == 0) {
            return Double.NaN;
        }
        return switch (this) {
            case HIGHER -> values.max();
            case LOWER -> values.min();
            case NONE -> Double.NaN;
        };
    }
}
