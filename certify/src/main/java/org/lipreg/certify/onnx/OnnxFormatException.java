package org.lipreg.certify.onnx;

import java.io.IOException;
import java.nio.file.Path;

/**
 * An ONNX model that cannot be read into the certification IR: not an ONNX file, an operator or
 * attribute outside what lipreg reads, shapes that do not fit, or a NaN or infinite weight. The
 * message names the file, the node (its name and op type) or initializer, and what is wrong.
 */
public final class OnnxFormatException extends IOException {

    private static final long serialVersionUID = 1L;

    private final transient Path file;
    /** Where in the graph: {@code node 'name' (OpType)}, {@code initializer 'name'}, or null. */
    private final String where;
    /** What is wrong. */
    private final String reason;

    /**
     * Creates the exception.
     *
     * @param file the model file
     * @param where the node or initializer at fault, or null when the file as a whole is
     * @param reason what is wrong
     * @param cause the underlying error, or null
     */
    public OnnxFormatException(Path file, String where, String reason, Throwable cause) {
        super(file + (where == null ? "" : ": " + where) + ": " + reason, cause);
        this.file = file;
        this.where = where;
        this.reason = reason;
    }

    /** @return the model file */
    public Path getFile() {
        return file;
    }

    /** @return the node or initializer at fault, or null */
    public String getWhere() {
        return where;
    }

    /** @return what is wrong */
    public String getReason() {
        return reason;
    }
}
