package dev.permwatch.poller.health;

import dev.permwatch.poller.PollFailure;

/** Kind of fault behind a failed poll, each with its own alert action. */
public enum FailureCause {
    /** The token was rejected: HTTP 401 or 403, or an access-denied Cloudflare error code. */
    ACCESS_DENIED,
    /** Cloudflare returned HTTP 429, or the token is still parked after one. */
    CLOUDFLARE_RATE_LIMIT,
    /** The poller's own share of the user's request budget is spent. */
    LOCAL_REQUEST_BUDGET,
    /** HTTP 5xx, timeouts and broken connections. */
    SERVER_OR_NETWORK,
    /** The TLS handshake failed. */
    TLS,
    /** A response arrived but was not a complete permission-group list. */
    INVALID_RESPONSE,
    /** An HTTP status the poller cannot use, such as 404 or a redirect. */
    UNEXPECTED_STATUS,
    /** Kafka did not acknowledge the snapshot. */
    PUBLISH,
    /** Anything else, for example a bug; the log has the stack trace. */
    OTHER;

    /** Classifies a failure. */
    public static FailureCause of(final PollFailure failure) {
        if (failure.isAccessDenied()) {
            return ACCESS_DENIED;
        }
        return switch (failure.reason()) {
            case RATE_LIMITED -> failure.localLimit() == PollFailure.LocalLimit.REQUEST_BUDGET
                    ? LOCAL_REQUEST_BUDGET : CLOUDFLARE_RATE_LIMIT;
            case TIMEOUT, CONNECTION_FAILED -> SERVER_OR_NETWORK;
            case HTTP_STATUS -> failure.httpStatus() != null && failure.httpStatus() >= 500
                    ? SERVER_OR_NETWORK : UNEXPECTED_STATUS;
            case TLS_FAILED -> TLS;
            case API_ERROR, UNEXPECTED_CONTENT_TYPE, INVALID_RESPONSE, BODY_TOO_LARGE -> INVALID_RESPONSE;
            case PUBLISH_FAILED -> PUBLISH;
            case INTERRUPTED, UNEXPECTED_ERROR -> OTHER;
        };
    }
}
