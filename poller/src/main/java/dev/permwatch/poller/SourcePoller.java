package dev.permwatch.poller;

import dev.permwatch.avro.Alert;
import dev.permwatch.avro.PollStatus;
import dev.permwatch.avro.Snapshot;
import dev.permwatch.poller.PollFailure.Reason;
import dev.permwatch.poller.cloudflare.FetchResult;
import dev.permwatch.poller.config.SourceConfig;
import dev.permwatch.poller.health.FailureCause;
import dev.permwatch.poller.health.HealthAlerts;
import dev.permwatch.poller.health.PollStatuses;
import dev.permwatch.poller.health.SourceHealth;
import dev.permwatch.poller.publish.PublishException;
import dev.permwatch.poller.publish.RecordPublisher;
import dev.permwatch.poller.retry.RetryingFetcher;
import dev.permwatch.poller.snapshot.SnapshotFactory;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Runs one poll of one source: fetch with retries, build the snapshot, write it, then write the
 * poll status and any health alert, and report the outcome.
 *
 * <p>A failed poll writes no snapshot, so the streams app diffs the next accepted snapshot against
 * the last accepted one and a fault never reads as removed permission groups.
 *
 * <p>Not safe for concurrent calls of {@link #poll()}; the scheduler runs at most one poll per
 * source at a time. Public so that a harness can drive polls in a loop with its own clock and
 * sleeper instead of the Quartz schedule.
 */
public final class SourcePoller {

    private static final Logger LOG = LoggerFactory.getLogger(SourcePoller.class);

    private final SourceConfig source;
    private final RetryingFetcher fetcher;
    private final RecordPublisher publisher;
    private final PollListener listener;
    private final Clock clock;
    private final SourceHealth health;

    /**
     * @param failureThreshold failed polls in a row after which the source is unhealthy, at least 1
     */
    public SourcePoller(final SourceConfig source, final RetryingFetcher fetcher, final RecordPublisher publisher,
                 final PollListener listener, final Clock clock, final int failureThreshold) {
        this.source = Objects.requireNonNull(source, "source");
        this.fetcher = Objects.requireNonNull(fetcher, "fetcher");
        this.publisher = Objects.requireNonNull(publisher, "publisher");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.health = new SourceHealth(failureThreshold);
    }

    /**
     * Polls once. Throws no RuntimeException: every failure is logged, written as poll status and
     * reported to the listener.
     */
    public void poll() {
        final Instant startedAt = clock.instant();
        int attempts = 0;
        try {
            final RetryingFetcher.Outcome outcome = fetcher.fetch(source.name(), source.source());
            attempts = outcome.attempts();
            if (outcome.result() instanceof FetchResult.Failed failed) {
                fail(failed.failure(), attempts, startedAt);
                return;
            }
            publish((FetchResult.Accepted) outcome.result(), attempts, startedAt);
        } catch (final RuntimeException e) {
            LOG.error("source={} poll failed with an unexpected error", source.name(), e);
            fail(PollFailure.of(Reason.UNEXPECTED_ERROR, "Unexpected error: " + e), attempts, startedAt);
        }
    }

    private void publish(final FetchResult.Accepted accepted, final int attempts, final Instant startedAt) {
        final Snapshot snapshot = SnapshotFactory.create(source.source(), accepted.receivedAt(), accepted.groups(),
                accepted.metadata());
        final RecordMetadata written;
        try {
            written = publisher.publish(snapshot);
        } catch (final PublishException e) {
            fail(PollFailure.of(Reason.PUBLISH_FAILED, e.getMessage()), attempts, startedAt);
            return;
        }

        final int failuresBefore = health.consecutiveFailures();
        final boolean recovered = health.recordSuccess();
        // One INFO line per accepted poll. The change count is only known after the streams app's diff.
        LOG.info("source={} groups={} snapshot={} partition={} offset={} attempts={} latencyMs={} outcome=accepted",
                source.name(), snapshot.getGroups().size(), snapshot.getSnapshotId(), written.partition(),
                written.offset(), attempts, snapshot.getPoll().getLatencyMillis());
        writeStatus(PollStatuses.accepted(source, snapshot, attempts, elapsedMillis(startedAt), startedAt));
        if (recovered) {
            LOG.info("source={} recovered after {} failed polls in a row", source.name(), failuresBefore);
            writeAlert(HealthAlerts.recovered(source, snapshot.getSnapshotId(), failuresBefore, clock.instant()));
        } else if (failuresBefore > 0) {
            LOG.info("source={} polled successfully after {} failed polls", source.name(), failuresBefore);
        }
        try {
            listener.onSnapshot(source.name(), snapshot);
        } catch (final RuntimeException e) {
            LOG.warn("source={} poll listener failed on snapshot {}", source.name(), snapshot.getSnapshotId(), e);
        }
        reportFinished(null, attempts, startedAt);
    }

    private void fail(final PollFailure failure, final int attempts, final Instant startedAt) {
        final boolean turnedUnhealthy = health.recordFailure();
        final int consecutiveFailures = health.consecutiveFailures();
        LOG.warn("source={} poll failed ({} in a row, attempts={}, elapsedMs={}): {}", source.name(),
                consecutiveFailures, attempts, elapsedMillis(startedAt), failure.describe());
        writeStatus(PollStatuses.failed(source, failure, attempts, consecutiveFailures, elapsedMillis(startedAt),
                startedAt));
        if (turnedUnhealthy) {
            final Alert alert = HealthAlerts.unhealthy(source, failure, consecutiveFailures, startedAt);
            LOG.error("source={} unhealthy after {} failed polls in a row: {}", source.name(), consecutiveFailures,
                    alert.getAction());
            writeAlert(alert);
        }
        try {
            listener.onFailure(source.name(), failure);
        } catch (final RuntimeException e) {
            LOG.warn("source={} poll listener failed on a failure report", source.name(), e);
        }
        reportFinished(FailureCause.of(failure), attempts, startedAt);
    }

    private void reportFinished(final FailureCause cause, final int attempts, final Instant startedAt) {
        try {
            listener.onPollFinished(source.name(), cause, Duration.ofMillis(elapsedMillis(startedAt)), attempts);
        } catch (final RuntimeException e) {
            LOG.warn("source={} poll listener failed on the end of a poll", source.name(), e);
        }
    }

    private void writeStatus(final PollStatus status) {
        try {
            publisher.publish(status);
        } catch (final PublishException e) {
            // The snapshot, if any, is already written; a lost status record costs only monitoring.
            LOG.warn("source={} poll status not written: {}", source.name(), e.getMessage());
        }
    }

    private void writeAlert(final Alert alert) {
        try {
            publisher.publish(alert);
        } catch (final PublishException e) {
            LOG.error("source={} alert {} {} not written: {}", source.name(), alert.getKind(), alert.getAlertId(),
                    e.getMessage());
        }
    }

    private long elapsedMillis(final Instant startedAt) {
        return Math.max(0, clock.millis() - startedAt.toEpochMilli());
    }
}
