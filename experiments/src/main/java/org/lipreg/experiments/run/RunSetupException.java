package org.lipreg.experiments.run;

/**
 * A run that cannot start because of what the user gave it (the output directory, the data
 * files): exit code 2, nothing written.
 */
public final class RunSetupException extends Exception {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what is wrong, naming the file, directory or key
     * @param cause the underlying error, or {@code null}
     */
    public RunSetupException(String message, Throwable cause) {
        super(message, cause);
    }
}
