package dev.permwatch.poller.retry;

import java.time.Duration;
import java.util.Objects;
import java.util.function.DoubleSupplier;

/**
 * How often and how long a poll retries a retryable failure: exponential backoff with full
 * jitter, so sources that failed together do not retry together.
 *
 * @param maxAttempts    HTTP requests per poll, the first one included; at least 1
 * @param initialBackoff upper bound of the wait before the second attempt
 * @param maxBackoff     upper bound of any wait; not less than {@code initialBackoff}
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {

    public RetryPolicy {
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1, was " + maxAttempts);
        }
        if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("Backoff must satisfy 0 <= initial <= max, was initial="
                    + initialBackoff + " max=" + maxBackoff);
        }
    }

    /**
     * Returns the wait before attempt {@code failedAttempts + 1}: a uniformly random duration from
     * zero to {@code min(maxBackoff, initialBackoff * 2^(failedAttempts - 1))}.
     *
     * @param failedAttempts attempts made so far, at least 1
     * @param random         returns a value in [0, 1)
     */
    public Duration backoff(final int failedAttempts, final DoubleSupplier random) {
        if (failedAttempts < 1) {
            throw new IllegalArgumentException("failedAttempts must be at least 1, was " + failedAttempts);
        }
        // At most 30 doublings keep the shift within a long for any initial backoff the config allows (1 h).
        final int doublings = Math.min(failedAttempts - 1, 30);
        final long ceilingMillis = Math.min(maxBackoff.toMillis(), initialBackoff.toMillis() << doublings);
        final double fraction = Math.min(Math.max(random.getAsDouble(), 0.0), 1.0);
        return Duration.ofMillis((long) Math.floor(fraction * ceilingMillis));
    }
}
