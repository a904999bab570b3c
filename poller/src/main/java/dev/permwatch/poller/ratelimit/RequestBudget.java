package dev.permwatch.poller.ratelimit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Objects;
import java.util.Optional;

/**
 * The share of one API token's request budget that this poller may spend, and the end of the
 * wait that Cloudflare requested with an HTTP 429.
 *
 * <p>Cloudflare allows 1,200 requests per 5 minutes per user, shared with the dashboard and every
 * other API client of that user. A budget admits at most {@link #capacity()} requests in any
 * sliding window, so the poller leaves the rest for those other clients. After an HTTP 429 the
 * token is parked, and every source that uses it waits.
 *
 * <p>One instance belongs to one token and is shared by all sources of a poller. It holds no
 * token text. NOTE: two poller processes with the same token keep separate budgets, which is why
 * the default share is small.
 *
 * <p>Thread-safe.
 */
public final class RequestBudget {

    private final int capacity;
    private final Duration window;
    private final Clock clock;
    private final Deque<Instant> sent = new ArrayDeque<>();
    private Instant parkedUntil;

    /**
     * @param requestsPerWindow the user's whole budget per window, for example 1200
     * @param share             the fraction of it this poller may spend, in (0, 1]
     * @param window            the length of the sliding window, for example 5 minutes
     */
    public RequestBudget(final int requestsPerWindow, final double share, final Duration window, final Clock clock) {
        if (requestsPerWindow < 1) {
            throw new IllegalArgumentException("requestsPerWindow must be at least 1, was " + requestsPerWindow);
        }
        if (!(share > 0.0 && share <= 1.0)) {
            throw new IllegalArgumentException("share must be in (0, 1], was " + share);
        }
        this.window = Objects.requireNonNull(window, "window");
        if (window.isZero() || window.isNegative()) {
            throw new IllegalArgumentException("window must be positive, was " + window);
        }
        this.clock = Objects.requireNonNull(clock, "clock");
        // At least one request, so a tiny share still lets a poll through.
        this.capacity = Math.max(1, (int) Math.floor(requestsPerWindow * share));
    }

    /** Returns the maximum number of requests in any window. */
    public int capacity() {
        return capacity;
    }

    public Duration window() {
        return window;
    }

    /**
     * Counts one request if the budget allows it and the token is not parked.
     *
     * @return true if the request may be sent
     */
    public synchronized boolean tryAcquire() {
        final Instant now = clock.instant();
        if (parkedUntil(now).isPresent()) {
            return false;
        }
        evictBefore(now.minus(window));
        if (sent.size() >= capacity) {
            return false;
        }
        sent.addLast(now);
        return true;
    }

    /** Returns how long until {@link #tryAcquire()} can admit a request; zero when it can now. */
    public synchronized Duration timeUntilAvailable() {
        final Instant now = clock.instant();
        final Optional<Instant> parked = parkedUntil(now);
        if (parked.isPresent()) {
            return Duration.between(now, parked.get());
        }
        evictBefore(now.minus(window));
        if (sent.size() < capacity) {
            return Duration.ZERO;
        }
        return Duration.between(now, sent.peekFirst().plus(window));
    }

    /** Parks the token: no request is admitted before {@code now + wait}. A longer park is kept. */
    public synchronized void park(final Duration wait) {
        final Instant until = clock.instant().plus(wait);
        if (parkedUntil == null || until.isAfter(parkedUntil)) {
            parkedUntil = until;
        }
    }

    /** Returns the end of the current park, or empty when the token may be used. */
    public synchronized Optional<Instant> parkedUntil() {
        return parkedUntil(clock.instant());
    }

    private Optional<Instant> parkedUntil(final Instant now) {
        if (parkedUntil != null && now.isBefore(parkedUntil)) {
            return Optional.of(parkedUntil);
        }
        parkedUntil = null;
        return Optional.empty();
    }

    private void evictBefore(final Instant windowStart) {
        while (!sent.isEmpty() && !sent.peekFirst().isAfter(windowStart)) {
            sent.removeFirst();
        }
    }
}
