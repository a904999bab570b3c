package dev.permwatch.poller.config;

import java.util.Objects;

/**
 * A Cloudflare API token. {@link #toString()} hides the value so the token cannot reach a log
 * line, exception message or metric by accident; only the HTTP client reads {@link #reveal()}.
 */
public final class Token {

    private static final String MASK = "****";
    /**
     * Shortest piece of the token that {@link #redact} masks on its own. Error texts quote
     * response bodies cut to a maximum length, and a cut inside an echoed token leaves a piece of it.
     */
    static final int MIN_MASKED_PIECE = 8;

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

    /**
     * Returns {@code text} with every occurrence of the token, and every run of at least
     * {@value #MIN_MASKED_PIECE} characters that is a piece of the token, replaced by {@code ****}.
     */
    public String redact(final String text) {
        final String whole = text.replace(value, MASK);
        if (value.length() < MIN_MASKED_PIECE) {
            return whole;
        }
        final StringBuilder redacted = new StringBuilder(whole.length());
        int position = 0;
        while (position < whole.length()) {
            final int pieceLength = longestPieceAt(whole, position);
            if (pieceLength >= MIN_MASKED_PIECE) {
                redacted.append(MASK);
                position += pieceLength;
            } else {
                redacted.append(whole.charAt(position));
                position++;
            }
        }
        return redacted.toString();
    }

    /** Returns the length of the longest substring of the token that starts at {@code start} of {@code text}. */
    private int longestPieceAt(final String text, final int start) {
        int length = 0;
        while (start + length < text.length() && length < value.length()
                && value.contains(text.substring(start, start + length + 1))) {
            length++;
        }
        return length;
    }

    @Override
    public String toString() {
        return MASK;
    }
}
