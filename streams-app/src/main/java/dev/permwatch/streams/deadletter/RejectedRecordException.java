package dev.permwatch.streams.deadletter;

/**
 * Thrown by the permwatch processor for a record that decoded but is not valid input, for example
 * a snapshot keyed by another source. {@link DeadLetterProcessingHandler} sends the record to the
 * dead-letter topic and processing goes on with the next record.
 */
public final class RejectedRecordException extends RuntimeException {

    public RejectedRecordException(final String message) {
        super(message);
    }

    public RejectedRecordException(final String message, final Throwable cause) {
        super(message, cause);
    }
}
