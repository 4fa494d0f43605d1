package org.lipreg.training.io;

import java.io.IOException;
import java.nio.file.Path;

/** Another process holds a run directory's {@link RunDirectoryLock}. */
public final class RunDirectoryLockedException extends IOException {

    private static final long serialVersionUID = 1L;

    private final transient Path directory;
    /** The pid of the process holding the lock, or -1 if unknown. */
    private final long holderPid;

    /**
     * Creates the exception.
     *
     * @param directory the locked run directory
     * @param holderPid the holder's pid, or -1 if it could not be read
     */
    public RunDirectoryLockedException(Path directory, long holderPid) {
        super(directory + " is in use by another lipreg process"
                + (holderPid > 0 ? " (pid " + holderPid + ")" : "")
                + "; wait for it to finish or stop it first");
        this.directory = directory;
        this.holderPid = holderPid;
    }

    /**
     * The locked directory.
     *
     * @return the locked directory
     */
    public Path directory() {
        return directory;
    }

    /**
     * The pid of the process holding the lock, or -1 if unknown.
     *
     * @return the pid, or -1
     */
    public long holderPid() {
        return holderPid;
    }
}
