package org.lipreg.experiments.config;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/** What a run logs besides its per-epoch metrics. */
@JsonPropertyOrder({"everySteps"})
@Section("what a run logs besides its per-epoch metrics")
public final class LogConfig {

    /**
     * Write {@code steps.csv}, a row after every this many batches of an epoch (the mean training
     * loss of those batches, the learning rate, the seconds since the epoch began), for epochs too
     * long to wait for; {@code null} (the default) for none.
     */
    @Key(value = "write steps.csv, a row every this many batches of an epoch; unset for none", usedBy = "RunExecutor", min = 1, optional = true)
    public Integer everySteps = null;

    /** Jackson's filter that leaves an unset log config out of the resolved config. */
    static final class Unset {
        @Override
        public boolean equals(Object other) {
            return other instanceof LogConfig log && log.everySteps == null;
        }

        @Override
        public int hashCode() {
            return 0;
        }
    }
}
