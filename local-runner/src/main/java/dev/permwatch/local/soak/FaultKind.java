package dev.permwatch.local.soak;

/**
 * Faults the soak's API server injects into a poll. TLS failures are not among them, because the
 * server speaks plain HTTP on 127.0.0.1; the poller's own tests cover certificate and handshake
 * failures.
 */
public enum FaultKind {
    /** HTTP 502 with an HTML page, as a proxy in front of the API returns it. */
    HTTP_5XX(true),
    /** HTTP 429 with {@code retry-after} and {@code x-ratelimit-*} headers and Cloudflare error 971. */
    HTTP_429(true),
    /** Headers sent, then no body until the client's request timeout has passed. */
    READ_TIMEOUT(true),
    /** Half the body, then a TCP reset. */
    CONNECTION_RESET(true),
    /** Half the body, then a normal close, so the body is shorter than its Content-Length. */
    CLOSED_MID_BODY(true),
    /** HTTP 200 with Content-Type application/json and an HTML body. */
    NOT_JSON(false),
    /** HTTP 200 with the first part of a real list. */
    TRUNCATED_JSON(false),
    /** A real list with Content-Type text/html. */
    WRONG_CONTENT_TYPE(false),
    /** A valid envelope larger than the poller's body cap. */
    BODY_TOO_LARGE(false),
    /** HTTP 200, {@code success:false}, error 9109 and {@code result:null}. */
    API_ERROR_9109(false),
    /** HTTP 200, {@code success:false}, error 971 and {@code result:null}. */
    API_ERROR_971(false),
    /** {@code result} is an object instead of a list. */
    RESULT_NOT_LIST(false),
    /** {@code result} is an empty list. */
    EMPTY_LIST(false),
    /** One item of a real list without its {@code id}. */
    ITEM_WITHOUT_ID(false),
    /** One item of a real list with an id that is not 32 lowercase hex characters. */
    BAD_ID(false),
    /** A real list with one item repeated. */
    DUPLICATE_IDS(false),
    /** A real list whose items carry {@code meta}, as member-role permission groups do. */
    MEMBER_ROLE_META(false),
    /**
     * A valid subset of the real list. The poller accepts it, so the streams app's removal
     * confirmation and shrink guard must keep it from removing anything.
     */
    PARTIAL_LIST(false);

    private final boolean retryable;

    FaultKind(final boolean retryable) {
        this.retryable = retryable;
    }

    /** Returns whether the poller retries this fault within the same poll. */
    public boolean retryable() {
        return retryable;
    }
}
