package dev.permwatch.local.stack;

/**
 * A part of the local stack failed to start for a reason its message states in full, such as a
 * streams app error or a stop request during start. The command prints the message without a
 * stack trace.
 */
public final class StartFailedException extends IllegalStateException {

    public StartFailedException(final String message) {
        super(message);
    }

    public StartFailedException(final String message, final Throwable cause) {
        super(message, cause);
    }
}
