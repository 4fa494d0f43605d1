package org.lipreg.experiments.run;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.function.Consumer;

/**
 * Draws the plots of a run while it goes on, best effort: a plot is a view of the CSV files, so a
 * failure to draw one (a full disk, a missing font library on a headless machine) never stops the
 * run. The first failure is reported, the others would only repeat it.
 */
public final class BestEffortPlots {

    private static final Logger logger = LoggerFactory.getLogger(BestEffortPlots.class);

    /** Draws and writes one or more plots. */
    @FunctionalInterface
    public interface Drawing {
        /**
         * Draws.
         *
         * @throws IOException if writing fails
         */
        void draw() throws IOException;
    }

    private final Consumer<String> warn;
    private boolean warned;

    /** Reports the first failure as a logged warning. */
    public BestEffortPlots() {
        this(logger::warn);
    }

    /**
     * Reports the first failure to {@code warn}.
     *
     * @param warn receives the warning
     */
    public BestEffortPlots(Consumer<String> warn) {
        this.warn = warn;
    }

    /**
     * Draws, reporting a failure instead of throwing it (the first one only).
     *
     * @param what what is drawn, for the warning (e.g. the PNG file)
     * @param drawing the drawing
     * @return true if it was drawn
     */
    public boolean draw(String what, Drawing drawing) {
        try {
            drawing.draw();
            return true;
        } catch (Exception | LinkageError | java.awt.AWTError | InternalError e) {
            // LinkageError, AWTError, InternalError: what AWT throws where its native font or
            // graphics libraries are missing.
            if (!warned) {
                warned = true;
                warn.accept("cannot draw " + what + " (" + e + "); the run goes on (its CSV files are complete), "
                        + "and further failures to draw are not reported");
            }
            return false;
        }
    }
}
