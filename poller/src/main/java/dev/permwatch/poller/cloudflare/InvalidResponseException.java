package dev.permwatch.poller.cloudflare;

import java.util.List;

/**
 * A response body that is not a complete API-token permission-group list. The message gives the
 * precise reason, for example the index and value of a bad id.
 */
public final class InvalidResponseException extends Exception {

    private static final long serialVersionUID = 1L;

    private final transient List<CloudflareError> cloudflareErrors;
    private final boolean apiError;

    InvalidResponseException(final String message) {
        this(message, List.of(), false);
    }

    InvalidResponseException(final String message, final List<CloudflareError> cloudflareErrors,
                             final boolean apiError) {
        super(message);
        this.cloudflareErrors = List.copyOf(cloudflareErrors);
        this.apiError = apiError;
    }

    /** Returns the errors listed in the envelope; empty when there were none or it was unreadable. */
    public List<CloudflareError> cloudflareErrors() {
        return cloudflareErrors;
    }

    /** Returns whether the envelope itself reported the failure with {@code success: false}. */
    public boolean isApiError() {
        return apiError;
    }
}
