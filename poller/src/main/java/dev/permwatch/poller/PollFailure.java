package dev.permwatch.poller;

import dev.permwatch.poller.cloudflare.CloudflareError;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Reason and details of a poll that produced no snapshot. Never contains the API token.
 *
 * @param reason           the kind of failure
 * @param message          what failed, in one sentence
 * @param httpStatus       the HTTP status, or null when no response arrived
 * @param cloudflareErrors the errors from the Cloudflare envelope; empty when there were none
 * @param retryAfter       the wait requested by a {@code retry-after} header, or until the
 *                         token may be used again; null when unknown or not rate limited
 * @param localLimit       what stopped the request before it was sent; null when the failure
 *                         came from a response or the transport
 */
public record PollFailure(Reason reason, String message, Integer httpStatus,
                          List<CloudflareError> cloudflareErrors, Duration retryAfter, LocalLimit localLimit) {

    /** Local limits that fail a poll without sending a request. */
    public enum LocalLimit {
        /** Cloudflare returned HTTP 429 for an earlier request and the token is still parked. */
        TOKEN_PARKED,
        /** The poller's own share of the user's request budget is spent. */
        REQUEST_BUDGET
    }

    /**
     * Cloudflare error codes for a missing, invalid or under-privileged token, as returned in the
     * envelope's {@code errors} array: 9109 "Unauthorized to access requested resource", 10000
     * "Authentication error", 6003 "Invalid request headers". Retrying cannot fix them.
     */
    public static final Set<Integer> ACCESS_DENIED_CODES = Set.of(9109, 10000, 6003);

    /** Kinds of poll failure. */
    public enum Reason {
        /** A status other than 200 and 429. */
        HTTP_STATUS,
        /**
         * HTTP 429 from Cloudflare, a token still parked after a 429, or the poller's own request
         * budget spent. {@link #localLimit()} distinguishes them.
         */
        RATE_LIMITED,
        /** HTTP 200 with {@code success: false}, for example error 9109 for a token without the permission. */
        API_ERROR,
        /** A Content-Type other than application/json. */
        UNEXPECTED_CONTENT_TYPE,
        /** The body was not a complete, valid permission-group list. */
        INVALID_RESPONSE,
        /** The body was larger than {@code permwatch.http.max.body.bytes}. */
        BODY_TOO_LARGE,
        /** Connecting, or reading the whole response, took longer than the configured timeout. */
        TIMEOUT,
        /** The connection was refused, reset or closed early. */
        CONNECTION_FAILED,
        /** The TLS handshake failed, for example on an untrusted certificate. */
        TLS_FAILED,
        /** The poller was stopped while the request was running. */
        INTERRUPTED,
        /** The snapshot was built but Kafka did not acknowledge it. */
        PUBLISH_FAILED,
        /** A bug or unexpected runtime error; the log has the stack trace. */
        UNEXPECTED_ERROR
    }

    public PollFailure {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(message, "message");
        cloudflareErrors = cloudflareErrors == null ? List.of() : List.copyOf(cloudflareErrors);
    }

    /** Creates a failure that came from a response or a transport error, not from a local limit. */
    public PollFailure(final Reason reason, final String message, final Integer httpStatus,
                       final List<CloudflareError> cloudflareErrors, final Duration retryAfter) {
        this(reason, message, httpStatus, cloudflareErrors, retryAfter, null);
    }

    /** Creates a failure with neither an HTTP status nor Cloudflare errors. */
    public static PollFailure of(final Reason reason, final String message) {
        return new PollFailure(reason, message, null, List.of(), null);
    }

    /**
     * Returns whether the token was rejected: HTTP 401 or 403, or one of
     * {@link #ACCESS_DENIED_CODES} in the envelope whatever the status.
     */
    public boolean isAccessDenied() {
        if (httpStatus != null && (httpStatus == 401 || httpStatus == 403)) {
            return true;
        }
        return cloudflareErrors.stream().anyMatch(error -> ACCESS_DENIED_CODES.contains(error.code()));
    }

    /**
     * Returns whether another attempt within the same poll may succeed: HTTP 5xx, HTTP 429 from
     * Cloudflare, timeouts and broken connections. Never for a rejected token, TLS failures,
     * other 4xx statuses, invalid or oversized content, or a local rate limit.
     */
    public boolean isRetryable() {
        if (isAccessDenied() || localLimit != null) {
            return false;
        }
        return switch (reason) {
            case TIMEOUT, CONNECTION_FAILED, RATE_LIMITED -> true;
            case HTTP_STATUS -> httpStatus != null && httpStatus >= 500;
            default -> false;
        };
    }

    /** Returns the Cloudflare error codes, leaving out entries without a code. */
    public List<Integer> cloudflareErrorCodes() {
        return cloudflareErrors.stream().map(CloudflareError::code).filter(Objects::nonNull).toList();
    }

    /** Returns the failure as {@code key=value} pairs for a log line. */
    public String describe() {
        final StringBuilder text = new StringBuilder("reason=").append(reason);
        if (httpStatus != null) {
            text.append(" status=").append(httpStatus);
        }
        if (!cloudflareErrors.isEmpty()) {
            text.append(" cloudflareErrors=").append(cloudflareErrors);
        }
        if (retryAfter != null) {
            text.append(" retryAfterSeconds=").append(retryAfter.toSeconds());
        }
        if (localLimit != null) {
            text.append(" localLimit=").append(localLimit);
        }
        return text.append(" message=\"").append(message).append('"').toString();
    }
}
