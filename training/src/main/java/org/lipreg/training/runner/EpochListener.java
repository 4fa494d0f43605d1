package org.lipreg.training.runner;

import java.io.IOException;
import java.util.List;

/**
 * Told after each epoch's checkpoint and {@code metrics.csv} row are written, e.g. to redraw the
 * learning curves so that a run stopped later still has them.
 */
@FunctionalInterface
public interface EpochListener {

    /**
     * An epoch's checkpoint and metrics row are on disk.
     *
     * @param history every epoch so far, those before a resume included, oldest first
     * @throws IOException if the listener fails to write; it ends the run
     */
    void epochWritten(List<EpochMetrics> history) throws IOException;
}
