package dev.permwatch.local.soak;

import dev.permwatch.poller.PollListener;
import dev.permwatch.poller.SourcePoller;
import dev.permwatch.poller.cloudflare.CloudflareClient;
import dev.permwatch.poller.config.PollerConfig;
import dev.permwatch.poller.config.RateLimitSettings;
import dev.permwatch.poller.config.RetrySettings;
import dev.permwatch.poller.config.SourceConfig;
import dev.permwatch.poller.publish.RecordPublisher;
import dev.permwatch.poller.ratelimit.RequestBudget;
import dev.permwatch.poller.retry.RetryPolicy;
import dev.permwatch.poller.retry.RetryingFetcher;

import java.util.Random;

/**
 * Builds the poller of one source on a {@link ManualClock}, for harnesses that poll in a loop
 * instead of on the Quartz schedule: retry waits and rate-limit parks move the clock instead of
 * sleeping.
 */
public final class ManualClockPoller {

    private ManualClockPoller() {
    }

    /**
     * Builds the poller of source {@code name} with its own client and request budget.
     *
     * @param seed seed of the retry jitter, combined with the source name
     * @throws java.util.NoSuchElementException if {@code config} has no source of that name
     */
    public static SourcePoller create(final PollerConfig config, final String name, final RecordPublisher publisher,
                                      final PollListener listener, final ManualClock clock, final long seed) {
        final SourceConfig source = config.sources().stream()
                .filter(candidate -> candidate.name().equals(name))
                .findFirst()
                .orElseThrow();
        final CloudflareClient client = new CloudflareClient(config.baseUrl(), config.token(), config.connectTimeout(),
                config.requestTimeout(), config.maxBodyBytes(), config.pollerHost(), clock);
        final RateLimitSettings rateLimit = config.rateLimit();
        final RequestBudget budget = new RequestBudget(rateLimit.requestsPerWindow(), rateLimit.share(),
                rateLimit.window(), clock);
        final RetrySettings retry = config.retry();
        final Random jitter = new Random(seed ^ name.hashCode());
        final RetryingFetcher fetcher = new RetryingFetcher(client, budget,
                new RetryPolicy(retry.maxAttempts(), retry.initialBackoff(), retry.maxBackoff()),
                clock::advance, jitter::nextDouble);
        return new SourcePoller(source, fetcher, publisher, listener, clock, config.healthFailureThreshold());
    }
}
