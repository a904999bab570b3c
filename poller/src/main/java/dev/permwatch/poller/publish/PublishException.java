package dev.permwatch.poller.publish;

/** Kafka did not acknowledge a snapshot. The snapshot is not written, or its fate is unknown. */
public final class PublishException extends Exception {

    private static final long serialVersionUID = 1L;

    public PublishException(final String message, final Throwable cause) {
        super(message, cause);
    }
}
