package org.lipreg.experiments.data;

import java.io.IOException;
import java.nio.file.Path;

/** A numeric table that cannot be read; the message names the file, the line when there is one, and the problem. */
public final class TabularFormatException extends IOException {

    private static final long serialVersionUID = 1L;

    /**
     * A problem with the whole file.
     *
     * @param file the offending file
     * @param problem what is wrong
     */
    public TabularFormatException(Path file, String problem) {
        super(file + ": " + problem);
    }

    /**
     * A problem on one line.
     *
     * @param file the offending file
     * @param line the 1-based line number
     * @param problem what is wrong
     */
    public TabularFormatException(Path file, int line, String problem) {
        super(file + ":" + line + ": " + problem);
    }
}
