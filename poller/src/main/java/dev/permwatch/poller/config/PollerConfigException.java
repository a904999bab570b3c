package dev.permwatch.poller.config;

/**
 * Invalid poller configuration. The message names the key, the rejected value (never a secret)
 * and what to write instead.
 */
public final class PollerConfigException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String key;

    public PollerConfigException(final String key, final String message) {
        super(message);
        this.key = key;
    }

    public PollerConfigException(final String key, final String message, final Throwable cause) {
        super(message, cause);
        this.key = key;
    }

    /** Returns the configuration key the error is about, or an environment variable or file name. */
    public String key() {
        return key;
    }
}
