package org.lipreg.training.runner;

/**
 * A request, from another thread, that training stop at the next batch boundary (e.g. from a
 * shutdown hook on Ctrl-C). The runner then throws {@link TrainingInterruptedException}; the
 * checkpoints of finished epochs stay, so the run can be resumed.
 */
public final class StopRequest {

    private volatile boolean requested;

    /** Asks the runner to stop before its next batch. Safe from any thread; idempotent. */
    public void request() {
        requested = true;
    }

    /**
     * Tells whether a stop was requested.
     *
     * @return true once {@link #request} was called
     */
    public boolean isRequested() {
        return requested;
    }
}
