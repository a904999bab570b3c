package dev.permwatch.poller.retry;

import dev.permwatch.avro.Source;
import dev.permwatch.poller.PollFailure;
import dev.permwatch.poller.PollFailure.LocalLimit;
import dev.permwatch.poller.PollFailure.Reason;
import dev.permwatch.poller.cloudflare.CloudflareClient;
import dev.permwatch.poller.cloudflare.FetchResult;
import dev.permwatch.poller.ratelimit.RequestBudget;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.DoubleSupplier;

/**
 * Runs the attempts of one poll. Each request takes a slot from the token's {@link RequestBudget},
 * and the fetcher retries retryable failures ({@link PollFailure#isRetryable()}) with the {@link RetryPolicy}.
 *
 * <p>An HTTP 429 parks the token for its {@code retry-after} (5 minutes without the header). The
 * poll waits and retries only when that park is no longer than the policy's maximum backoff, and
 * otherwise fails at once, so a poll never blocks its scheduler thread for minutes.
 *
 * <p>Thread-safe when the client and the budget are, so all sources share one instance.
 */
public final class RetryingFetcher {

    /**
     * Outcome of all attempts of one poll.
     *
     * @param result   the accepted list, or the failure of the last attempt
     * @param attempts HTTP requests sent; 0 when the budget admitted none
     */
    public record Outcome(FetchResult result, int attempts) {
        public Outcome {
            Objects.requireNonNull(result, "result");
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(RetryingFetcher.class);

    private final CloudflareClient client;
    private final RequestBudget budget;
    private final RetryPolicy policy;
    private final Sleeper sleeper;
    private final DoubleSupplier random;

    /**
     * @param random returns a value in [0, 1) for the jitter, for example {@code Math::random}
     */
    public RetryingFetcher(final CloudflareClient client, final RequestBudget budget, final RetryPolicy policy,
                           final Sleeper sleeper, final DoubleSupplier random) {
        this.client = Objects.requireNonNull(client, "client");
        this.budget = Objects.requireNonNull(budget, "budget");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
        this.random = Objects.requireNonNull(random, "random");
    }

    /**
     * Fetches the list of one source with up to {@link RetryPolicy#maxAttempts()} requests.
     *
     * @param sourceName the configured name, for log lines
     * @return never null; never throws for HTTP, network or budget problems
     */
    public Outcome fetch(final String sourceName, final Source source) {
        int attempts = 0;
        while (true) {
            final Optional<PollFailure> refused = admit(sourceName);
            if (refused.isPresent()) {
                return new Outcome(new FetchResult.Failed(refused.get()), attempts);
            }
            attempts++;
            final FetchResult result = client.fetch(source);
            if (!(result instanceof FetchResult.Failed failed)) {
                return new Outcome(result, attempts);
            }

            final PollFailure failure = failed.failure();
            final Duration rateLimitWait = parkIfRateLimited(sourceName, failure);
            if (!failure.isRetryable() || attempts >= policy.maxAttempts()) {
                return new Outcome(result, attempts);
            }
            if (rateLimitWait != null && rateLimitWait.compareTo(policy.maxBackoff()) > 0) {
                LOG.info("source={} attempt={} not retried: the token is parked for {}s, longer than the"
                        + " maximum backoff of {}s", sourceName, attempts, rateLimitWait.toSeconds(),
                        policy.maxBackoff().toSeconds());
                return new Outcome(result, attempts);
            }

            final Duration wait = rateLimitWait != null ? rateLimitWait : policy.backoff(attempts, random);
            LOG.info("source={} attempt={} failed, retrying in {} ms: {}", sourceName, attempts, wait.toMillis(),
                    failure.describe());
            try {
                sleeper.sleep(wait);
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Outcome(new FetchResult.Failed(PollFailure.of(Reason.INTERRUPTED,
                        "Interrupted while waiting to retry source " + sourceName + " after attempt " + attempts)),
                        attempts);
            }
        }
    }

    private Optional<PollFailure> admit(final String sourceName) {
        final Optional<Instant> parkedUntil = budget.parkedUntil();
        if (parkedUntil.isPresent()) {
            final Duration remaining = budget.timeUntilAvailable();
            LOG.info("source={} request not sent: the API token is parked until {} after an HTTP 429",
                    sourceName, parkedUntil.get());
            return Optional.of(new PollFailure(Reason.RATE_LIMITED, "Request not sent: Cloudflare rate-limited"
                    + " the API token, which stays parked until " + parkedUntil.get(), null, List.of(), remaining, LocalLimit.TOKEN_PARKED));
        }
        if (!budget.tryAcquire()) {
            final Duration remaining = budget.timeUntilAvailable();
            LOG.warn("source={} request not sent: the poller's request budget of {} requests per {}s is spent;"
                    + " next request possible in {}s", sourceName, budget.capacity(), budget.window().toSeconds(),
                    remaining.toSeconds());
            return Optional.of(new PollFailure(Reason.RATE_LIMITED, "Request not sent: the poller's request budget of "
                    + budget.capacity() + " requests per " + budget.window().toSeconds() + "s for this API token"
                    + " is spent (permwatch.rate.limit.share, permwatch.rate.limit.requests.per.window)",
                    null, List.of(), remaining, LocalLimit.REQUEST_BUDGET));
        }
        return Optional.empty();
    }

    /** Parks the token after an HTTP 429 and returns the park length; null for any other failure. */
    private Duration parkIfRateLimited(final String sourceName, final PollFailure failure) {
        if (failure.reason() != Reason.RATE_LIMITED || failure.localLimit() != null) {
            return null;
        }
        final Duration wait = failure.retryAfter() != null ? failure.retryAfter() : CloudflareClient.DEFAULT_RATE_LIMIT_PAUSE;
        budget.park(wait);
        LOG.warn("source={} API token parked for {}s after HTTP 429; every source using it waits", sourceName,
                wait.toSeconds());
        return wait;
    }
}
