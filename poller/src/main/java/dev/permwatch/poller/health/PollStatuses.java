package dev.permwatch.poller.health;

import dev.permwatch.avro.PollOutcome;
import dev.permwatch.avro.PollStatus;
import dev.permwatch.avro.Snapshot;
import dev.permwatch.poller.PollFailure;
import dev.permwatch.poller.config.SourceConfig;

import java.time.Instant;
import java.util.List;

/** Builds the {@link PollStatus} record of one poll. */
public final class PollStatuses {

    private PollStatuses() {
    }

    /**
     * Builds the record of a poll whose snapshot Kafka acknowledged.
     *
     * @param latencyMillis the whole poll, all attempts and waits included
     */
    public static PollStatus accepted(final SourceConfig source, final Snapshot snapshot, final int attempts,
                                      final long latencyMillis, final Instant polledAt) {
        return PollStatus.newBuilder()
                .setSource(source.source())
                .setSourceName(source.name())
                .setOutcome(PollOutcome.ACCEPTED)
                .setReason(null)
                .setHttpStatus(snapshot.getPoll().getHttpStatus())
                .setCloudflareErrorCodes(List.of())
                .setLatencyMillis(latencyMillis)
                .setAttempts(attempts)
                .setConsecutiveFailures(0)
                .setSnapshotId(snapshot.getSnapshotId())
                .setGroupCount(snapshot.getGroups().size())
                .setPolledAt(polledAt)
                .build();
    }

    /** Builds the record of a poll that wrote no snapshot. */
    public static PollStatus failed(final SourceConfig source, final PollFailure failure, final int attempts,
                                    final int consecutiveFailures, final long latencyMillis, final Instant polledAt) {
        return PollStatus.newBuilder()
                .setSource(source.source())
                .setSourceName(source.name())
                .setOutcome(PollOutcome.FAILED)
                .setReason(failure.reason().name() + ": " + failure.message())
                .setHttpStatus(failure.httpStatus())
                .setCloudflareErrorCodes(failure.cloudflareErrorCodes())
                .setLatencyMillis(latencyMillis)
                .setAttempts(attempts)
                .setConsecutiveFailures(consecutiveFailures)
                .setSnapshotId(null)
                .setGroupCount(null)
                .setPolledAt(polledAt)
                .build();
    }
}
