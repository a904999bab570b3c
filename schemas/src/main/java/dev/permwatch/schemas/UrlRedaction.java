package dev.permwatch.schemas;

/**
 * Hides the user info of URLs before they are echoed in an error message or a log line, because
 * {@code user:password@} in a registry or API URL is a credential.
 */
public final class UrlRedaction {

    /** Text that replaces the user info. */
    public static final String MASK = "***";

    private static final String SCHEME_SEPARATOR = "://";

    private UrlRedaction() {
    }

    /**
     * Returns {@code url} with everything between {@code ://} and the last {@code @} replaced by
     * {@value #MASK}. Text without {@code @} is returned unchanged, and text without {@code ://}
     * before its last {@code @} is hidden from its start.
     *
     * <p>The last {@code @} of the whole text is taken, not the last one before the first
     * {@code /}, {@code ?} or {@code #}, because an unencoded password may contain any of these
     * characters, and {@code @} too. So a URL with {@code @} only in its path or query loses its
     * host in the output as well: this hides more than the user info, never less.
     *
     * @param url a URL as configured, may be null or malformed
     * @return the redacted text, or null when {@code url} is null
     */
    public static String redactUserInfo(final String url) {
        if (url == null) {
            return null;
        }
        final int at = url.lastIndexOf('@');
        if (at < 0) {
            return url;
        }
        final int separator = url.indexOf(SCHEME_SEPARATOR);
        final int userInfoStart = separator >= 0 && separator < at ? separator + SCHEME_SEPARATOR.length() : 0;
        return url.substring(0, userInfoStart) + MASK + url.substring(at);
    }
}
