package dev.permwatch.poller.ratelimit;

import java.net.http.HttpHeaders;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * The rate-limit headers of a response: {@code x-ratelimit-*} (limit, remaining, reset) and the
 * newer {@code ratelimit} / {@code ratelimit-policy} fields, for the log line of an HTTP 429.
 *
 * @param values the headers by lower-case name, each value cut to 100 characters
 */
public record RateLimitHeaders(Map<String, String> values) {

    private static final int MAX_VALUE_LENGTH = 100;

    public RateLimitHeaders {
        values = Map.copyOf(values);
    }

    /** Collects the rate-limit headers of a response; an empty record when it has none. */
    public static RateLimitHeaders from(final HttpHeaders headers) {
        final Map<String, String> values = new TreeMap<>();
        for (final Map.Entry<String, java.util.List<String>> entry : headers.map().entrySet()) {
            final String name = entry.getKey().toLowerCase(Locale.ROOT);
            if (!name.startsWith("x-ratelimit-") && !name.startsWith("ratelimit")) {
                continue;
            }
            final String value = String.join(",", entry.getValue()).strip();
            values.put(name, value.length() > MAX_VALUE_LENGTH ? value.substring(0, MAX_VALUE_LENGTH) + "..." : value);
        }
        return new RateLimitHeaders(values);
    }

    /** Returns {@code x-ratelimit-<name>} as a whole number, or empty when absent or not a number. */
    public OptionalLong number(final String name) {
        final String value = values.get("x-ratelimit-" + name);
        if (value == null) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(value.trim()));
        } catch (final NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    public boolean isEmpty() {
        return values.isEmpty();
    }

    /** Returns {@code name=value} pairs for a log line, or {@code none} without rate-limit headers. */
    @Override
    public String toString() {
        if (values.isEmpty()) {
            return "none";
        }
        final StringBuilder text = new StringBuilder();
        values.forEach((name, value) -> text.append(text.length() == 0 ? "" : " ").append(name).append('=').append(value));
        return text.toString();
    }
}
