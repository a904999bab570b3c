package dev.permwatch.poller;

import dev.permwatch.poller.cloudflare.CloudflareError;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Reason and details of a poll that produced no snapshot. Never contains the API token.
 *
 * @param reason           the kind of failure
 * @param message          what failed, in one sentence
 * @param httpStatus       the HTTP status, or null when no response arrived
 * @param cloudflareErrors the errors from the Cloudflare envelope; empty when there were none
 * @param retryAfter       the wait requested by a {@code retry-after} header, or null
 */
public record PollFailure(Reason reason, String message, Integer httpStatus,
                          List<CloudflareError> cloudflareErrors, Duration retryAfter) {

    /** Kinds of poll failure. */
    public enum Reason {
        /** A status other than 200 and 429. */
        HTTP_STATUS,
        /** HTTP 429: Cloudflare's rate limit for the user was exceeded. */
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

    /** Creates a failure with neither an HTTP status nor Cloudflare errors. */
    public static PollFailure of(final Reason reason, final String message) {
        return new PollFailure(reason, message, null, List.of(), null);
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
        return text.append(" message=\"").append(message).append('"').toString();
    }
}
