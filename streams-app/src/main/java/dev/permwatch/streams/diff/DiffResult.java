package dev.permwatch.streams.diff;

import dev.permwatch.avro.Alert;
import dev.permwatch.avro.CatalogEntry;
import dev.permwatch.avro.ChangeEvent;
import dev.permwatch.avro.DiffOutcome;
import dev.permwatch.avro.DiffReport;
import dev.permwatch.avro.SourceState;

import java.util.List;
import java.util.Objects;

/**
 * Outcome of diffing one snapshot, or of applying one operator command, against the stored state
 * of its source.
 *
 * @param events           change events in emission order: changed and added groups in snapshot
 *                         order, then removed groups in stored order. Never null.
 * @param newState         state to store for the source. For a stale or duplicate snapshot this
 *                         is the unchanged stored state. Never null.
 * @param catalogUpserts   catalog entries to write, one per group whose stored state changed
 *                         (every group at baseline). Never null.
 * @param removedGroupIds  permission ids to tombstone in the catalog. Never null.
 * @param alerts           alerts about held removals, in the order raised. Never null.
 * @param report           the diff report for the snapshot, with the counts. Null for an operator
 *                         command, which processes no snapshot.
 */
public record DiffResult(
        List<ChangeEvent> events,
        SourceState newState,
        List<CatalogEntry> catalogUpserts,
        List<String> removedGroupIds,
        List<Alert> alerts,
        DiffReport report) {

    public DiffResult {
        events = List.copyOf(events);
        Objects.requireNonNull(newState, "newState");
        catalogUpserts = List.copyOf(catalogUpserts);
        removedGroupIds = List.copyOf(removedGroupIds);
        alerts = List.copyOf(alerts);
    }

    /** Returns whether the snapshot was older than the stored state and therefore not diffed. */
    public boolean isStale() {
        return report != null && report.getOutcome() == DiffOutcome.STALE_IGNORED;
    }

    /** Returns whether the snapshot had the id of the last processed one and was therefore not diffed. */
    public boolean isDuplicate() {
        return report != null && report.getOutcome() == DiffOutcome.DUPLICATE_IGNORED;
    }
}
