package dev.permwatch.serde;

/**
 * A Schema Registry request that failed: the registry returned an error, or no registry URL could
 * be reached. The message names the subject or schema id, the HTTP status and the registry's
 * error code and message when there was a response, and what to do. It never contains the
 * registry credentials.
 */
public final class SchemaRegistryException extends RuntimeException {

    /** Value of {@link #httpStatus()} and {@link #errorCode()} when no response was received. */
    public static final int NO_RESPONSE = -1;

    private final int httpStatus;
    private final int errorCode;

    /** Creates an error for a registry response. */
    public SchemaRegistryException(final String message, final int httpStatus, final int errorCode) {
        super(message);
        this.httpStatus = httpStatus;
        this.errorCode = errorCode;
    }

    /** Creates an error for a request that received no response. */
    public SchemaRegistryException(final String message, final Throwable cause) {
        super(message, cause);
        this.httpStatus = NO_RESPONSE;
        this.errorCode = NO_RESPONSE;
    }

    /** Returns the HTTP status of the registry response, or {@link #NO_RESPONSE}. */
    public int httpStatus() {
        return httpStatus;
    }

    /**
     * Returns the registry's {@code error_code} (for example 40401 subject not found), the HTTP
     * status when the body had none, or {@link #NO_RESPONSE}.
     */
    public int errorCode() {
        return errorCode;
    }
}
