package dev.permwatch.local.eos;

import java.time.Instant;
import java.util.Objects;

/**
 * A snapshot the poller wrote at one step of a series: what change events and catalog entries of
 * that step must refer to.
 *
 * @param snapshotId the snapshot id, never null
 * @param fetchedAt  the snapshot's fetch time, never null
 */
public record WrittenSnapshot(String snapshotId, Instant fetchedAt) {

    public WrittenSnapshot {
        Objects.requireNonNull(snapshotId, "snapshotId");
        Objects.requireNonNull(fetchedAt, "fetchedAt");
    }
}
