package dev.permwatch.config;

/**
 * Configuration error found at start. The message names the key, the value (redacted when the key
 * is a secret) and the fix, and is meant to be printed without a stack trace.
 */
public final class InvalidConfigException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String key;

    public InvalidConfigException(final String key, final String message) {
        super(message);
        this.key = key;
    }

    /** Returns the configuration key or environment variable that is wrong, or null for the file itself. */
    public String key() {
        return key;
    }
}
