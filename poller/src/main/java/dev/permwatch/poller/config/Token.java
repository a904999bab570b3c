package dev.permwatch.poller.config;

import java.util.Objects;

/**
 * A Cloudflare API token. {@link #toString()} hides the value so the token cannot reach a log
 * line, exception message or metric by accident; only the HTTP client reads {@link #reveal()}.
 */
public final class Token {

    private static final String MASK = "****";

    private final String value;

    private Token(final String value) {
        this.value = value;
    }

    /**
     * Creates a token from its text.
     *
     * @param value trimmed token text, never null
     * @param origin where the token came from (environment variable or file name), used in errors
     * @throws PollerConfigException if the value is empty or contains whitespace or control
     *                               characters, which cannot be sent in an HTTP header
     */
    static Token of(final String value, final String origin) {
        Objects.requireNonNull(value, "value");
        if (value.isEmpty()) {
            throw new PollerConfigException(origin, "The Cloudflare API token from " + origin
                    + " is empty: put the token (and nothing else) there");
        }
        for (int i = 0; i < value.length(); i++) {
            final char c = value.charAt(i);
            if (Character.isWhitespace(c) || Character.isISOControl(c) || c > 0x7e) {
                throw new PollerConfigException(origin, "The Cloudflare API token from " + origin
                        + " contains a whitespace, control or non-ASCII character at position " + i
                        + ": put only the token there, on one line");
            }
        }
        return new Token(value);
    }

    /** Returns the token text, for the {@code Authorization} header only. */
    public String reveal() {
        return value;
    }

    /** Returns {@code text} with every occurrence of the token replaced by {@code ****}. */
    public String redact(final String text) {
        return text.replace(value, MASK);
    }

    @Override
    public String toString() {
        return MASK;
    }
}
