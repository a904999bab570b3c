package dev.permwatch.poller.snapshot;

import dev.permwatch.avro.PermissionGroup;
import dev.permwatch.avro.PollMetadata;
import dev.permwatch.avro.Snapshot;
import dev.permwatch.avro.Source;
import dev.permwatch.schemas.SnapshotHashing;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;

/** Builds snapshots with their content hash and deterministic snapshot id. */
public final class SnapshotFactory {

    private SnapshotFactory() {
    }

    /**
     * Creates the snapshot of one fetched or replayed list.
     *
     * <p>{@code fetchedAt} is cut to milliseconds first, because the Avro field is
     * {@code timestamp-millis}; the snapshot id is computed from that value, so a reader that
     * recomputes it from the record gets the same id.
     *
     * @param source    the source the list belongs to
     * @param fetchedAt when the response was received, or the recorded time of a replayed file
     * @param groups    the groups in response order; must not be empty
     * @param poll      how the list was obtained
     * @throws IllegalArgumentException if {@code groups} is empty, because an empty list is never a snapshot
     */
    public static Snapshot create(final Source source, final Instant fetchedAt, final List<PermissionGroup> groups,
                                  final PollMetadata poll) {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(fetchedAt, "fetchedAt");
        Objects.requireNonNull(groups, "groups");
        Objects.requireNonNull(poll, "poll");
        if (groups.isEmpty()) {
            throw new IllegalArgumentException("A snapshot needs at least one permission group; an empty list is never a snapshot");
        }

        final Instant fetchedAtMillis = fetchedAt.truncatedTo(ChronoUnit.MILLIS);
        final String contentHash = SnapshotHashing.contentHash(groups);
        return Snapshot.newBuilder()
                .setSnapshotId(SnapshotHashing.snapshotId(source, fetchedAtMillis, contentHash))
                .setSource(source)
                .setFetchedAt(fetchedAtMillis)
                .setContentHash(contentHash)
                .setPoll(poll)
                .setGroups(List.copyOf(groups))
                .build();
    }
}
