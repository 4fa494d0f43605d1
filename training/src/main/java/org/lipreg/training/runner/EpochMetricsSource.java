package org.lipreg.training.runner;

import ai.djl.Model;

import java.util.Map;

/** Adds columns to each epoch's metrics row (e.g. a Lipschitz monitor). */
@FunctionalInterface
public interface EpochMetricsSource {

    /**
     * Computes this source's columns at the end of an epoch, after evaluation.
     *
     * @param model the model being trained
     * @return column name → value, in column order
     */
    Map<String, Double> epochMetrics(Model model);
}
