package org.lipreg.experiments.data;

import java.io.IOException;
import java.nio.file.Path;

/** An IDX file that cannot be read; the message names the file and what is wrong with it. */
public final class IdxFormatException extends IOException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param file the offending file
     * @param problem what is wrong
     */
    public IdxFormatException(Path file, String problem) {
        super(file + ": " + problem);
    }
}
