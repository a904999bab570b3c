package dev.permwatch.poller;

import dev.permwatch.avro.Snapshot;
import dev.permwatch.poller.PollFailure.Reason;
import dev.permwatch.poller.cloudflare.CloudflareClient;
import dev.permwatch.poller.cloudflare.FetchResult;
import dev.permwatch.poller.config.SourceConfig;
import dev.permwatch.poller.publish.PublishException;
import dev.permwatch.poller.publish.SnapshotPublisher;
import dev.permwatch.poller.snapshot.SnapshotFactory;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.util.Objects;

/**
 * Runs one poll of one source: fetch, build the snapshot, write it, report the outcome.
 *
 * <p>Not safe for concurrent calls of {@link #poll()}; the scheduler runs at most one poll per
 * source at a time.
 */
final class SourcePoller {

    private static final Logger LOG = LoggerFactory.getLogger(SourcePoller.class);

    private final SourceConfig source;
    private final CloudflareClient client;
    private final SnapshotPublisher publisher;
    private final PollListener listener;
    private final Clock clock;

    /** Polls before this time are skipped after Cloudflare returned HTTP 429. Null when not paused. */
    private Instant pausedUntil;
    private int consecutiveFailures;

    SourcePoller(final SourceConfig source, final CloudflareClient client, final SnapshotPublisher publisher,
                 final PollListener listener, final Clock clock) {
        this.source = Objects.requireNonNull(source, "source");
        this.client = Objects.requireNonNull(client, "client");
        this.publisher = Objects.requireNonNull(publisher, "publisher");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Polls once. Never throws: every failure is logged and reported to the listener. */
    void poll() {
        if (pausedUntil != null && clock.instant().isBefore(pausedUntil)) {
            LOG.info("source={} poll skipped: Cloudflare rate limit, paused until {}", source.name(), pausedUntil);
            return;
        }
        pausedUntil = null;

        try {
            final FetchResult result = client.fetch(source.source());
            if (result instanceof FetchResult.Failed failed) {
                fail(failed.failure());
                return;
            }
            publish((FetchResult.Accepted) result);
        } catch (final RuntimeException e) {
            LOG.error("source={} poll failed with an unexpected error", source.name(), e);
            fail(PollFailure.of(Reason.UNEXPECTED_ERROR, "Unexpected error: " + e));
        }
    }

    private void publish(final FetchResult.Accepted accepted) {
        final Snapshot snapshot = SnapshotFactory.create(source.source(), accepted.receivedAt(), accepted.groups(),
                accepted.metadata());
        final RecordMetadata written;
        try {
            written = publisher.publish(snapshot);
        } catch (final PublishException e) {
            fail(PollFailure.of(Reason.PUBLISH_FAILED, e.getMessage()));
            return;
        }

        if (consecutiveFailures > 0) {
            LOG.info("source={} recovered after {} failed polls", source.name(), consecutiveFailures);
            consecutiveFailures = 0;
        }
        LOG.info("source={} groups={} snapshot={} partition={} offset={} latencyMs={}", source.name(),
                snapshot.getGroups().size(), snapshot.getSnapshotId(), written.partition(), written.offset(),
                snapshot.getPoll().getLatencyMillis());
        try {
            listener.onSnapshot(source.name(), snapshot);
        } catch (final RuntimeException e) {
            LOG.warn("source={} poll listener failed on snapshot {}", source.name(), snapshot.getSnapshotId(), e);
        }
    }

    private void fail(final PollFailure failure) {
        consecutiveFailures++;
        if (failure.reason() == Reason.RATE_LIMITED && failure.retryAfter() != null) {
            pausedUntil = clock.instant().plus(failure.retryAfter());
        }
        LOG.warn("source={} poll failed ({} in a row): {}", source.name(), consecutiveFailures, failure.describe());
        try {
            listener.onFailure(source.name(), failure);
        } catch (final RuntimeException e) {
            LOG.warn("source={} poll listener failed on a failure report", source.name(), e);
        }
    }
}
