package dev.permwatch.poller.config;

import java.time.Duration;

/**
 * Retry keys of the configuration.
 *
 * @param maxAttempts    HTTP requests per poll, the first included
 * @param initialBackoff upper bound of the random wait before the first retry
 * @param maxBackoff     upper bound of any wait between attempts
 */
public record RetrySettings(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {
}
