package dev.permwatch.streams.diff;

import dev.permwatch.avro.CatalogEntry;
import dev.permwatch.avro.ChangeEvent;
import dev.permwatch.avro.DiffOutcome;
import dev.permwatch.avro.DiffReport;
import dev.permwatch.avro.Snapshot;

import java.util.List;
import java.util.Objects;

/**
 * Outcome of diffing one snapshot against the stored state of its source.
 *
 * @param events           change events in emission order: changed and added groups in snapshot
 *                         order, then removed groups in stored order. Never null.
 * @param newState         state to store for the source. For a stale snapshot this is the
 *                         unchanged stored state. Never null.
 * @param catalogUpserts   catalog entries to write, one per group whose stored state changed
 *                         (every group at baseline). Never null.
 * @param removedGroupIds  permission ids to tombstone in the catalog. Never null.
 * @param report           the diff report for this snapshot, with the counts. Never null.
 */
public record DiffResult(
        List<ChangeEvent> events,
        Snapshot newState,
        List<CatalogEntry> catalogUpserts,
        List<String> removedGroupIds,
        DiffReport report) {

    public DiffResult {
        events = List.copyOf(events);
        Objects.requireNonNull(newState, "newState");
        catalogUpserts = List.copyOf(catalogUpserts);
        removedGroupIds = List.copyOf(removedGroupIds);
        Objects.requireNonNull(report, "report");
    }

    /** Returns whether the snapshot was older than the stored state and therefore not diffed. */
    public boolean isStale() {
        return report.getOutcome() == DiffOutcome.STALE_IGNORED;
    }
}
