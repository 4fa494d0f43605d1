package org.lipreg.experiments.cli;

/** The CLI's exit codes. */
public final class ExitCodes {

    /** Success. */
    public static final int OK = 0;

    /** A failure during the run (I/O, engine). */
    public static final int FAILURE = 1;

    /** Bad input: usage, config, data files or output directory; nothing was written. */
    public static final int BAD_INPUT = 2;

    /** Training diverged (non-finite loss); the last good checkpoint is kept. */
    public static final int DIVERGED = 3;

    /**
     * Stopped by Ctrl-C (128 + SIGINT); the checkpoints of finished epochs are kept. Stopped by
     * SIGTERM, the process exits with 143 (128 + SIGTERM) instead.
     */
    public static final int INTERRUPTED = 130;

    private ExitCodes() {}
}
