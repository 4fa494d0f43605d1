package org.lipreg.certify.ir;

/**
 * A block that the certification IR cannot represent exactly, named by its path in the model
 * with the reason: upper bounds on such a model would be silently wrong, so none are computed.
 */
public final class UnsupportedLayerException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** The block's path in the model. */
    private final String path;
    /** Why it cannot be certified. */
    private final String reason;

    /**
     * Creates the exception.
     *
     * @param path the block's path in the model, e.g. {@code 02GroupNorm}
     * @param reason why it cannot be certified
     */
    public UnsupportedLayerException(String path, String reason) {
        super("block " + path + ": " + reason);
        this.path = path;
        this.reason = reason;
    }

    /**
     * Returns the block's path.
     *
     * @return the path
     */
    public String getPath() {
        return path;
    }

    /**
     * Returns the reason.
     *
     * @return the reason
     */
    public String getReason() {
        return reason;
    }
}
