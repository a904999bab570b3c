package dev.permwatch.poller.config;

import java.time.Duration;

/**
 * Rate-limit keys of the configuration.
 *
 * @param requestsPerWindow requests Cloudflare allows the token's user per window
 * @param window            length of the sliding window
 * @param share             fraction of {@code requestsPerWindow} this poller may send, in (0, 1]
 */
public record RateLimitSettings(int requestsPerWindow, Duration window, double share) {
}
