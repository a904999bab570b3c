package dev.permwatch.streams.diff;

import dev.permwatch.avro.Alert;
import dev.permwatch.avro.AlertKind;
import dev.permwatch.avro.AlertSeverity;
import dev.permwatch.avro.HeldRemovals;
import dev.permwatch.avro.Snapshot;
import dev.permwatch.avro.Source;
import dev.permwatch.schemas.Sources;
import dev.permwatch.streams.alert.AlertIds;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Builds the alerts about held removals. */
final class RemovalAlerts {

    private RemovalAlerts() {
    }

    static Alert held(final Snapshot incoming, final RemovalTracker.Outcome outcome, final RemovalPolicy policy,
                      final Instant now) {
        final HeldRemovals hold = outcome.newHold();
        final String sourceKey = Sources.key(incoming.getSource());
        final int count = hold.getPermissionIds().size();
        final int catalogSize = outcome.catalogSize();
        final String share = percent((double) count / catalogSize);

        final String reason;
        if (outcome.overShare() && outcome.overCount()) {
            reason = "more than the maximum share " + percent(policy.maxShare()) + " and more than the maximum count "
                    + policy.maxCount();
        } else if (outcome.overShare()) {
            reason = "more than the maximum share " + percent(policy.maxShare());
        } else {
            reason = "more than the maximum count " + policy.maxCount();
        }

        final Map<String, String> details = new LinkedHashMap<>();
        details.put("heldCount", Integer.toString(count));
        details.put("catalogSize", Integer.toString(catalogSize));
        details.put("maxShare", Double.toString(policy.maxShare()));
        details.put("maxCount", Integer.toString(policy.maxCount()));
        details.put("confirmations", Integer.toString(policy.confirmations()));
        details.put("reason", reason);

        return base(AlertKind.REMOVALS_HELD, AlertSeverity.CRITICAL, incoming.getSource(), hold.getSnapshotId(),
                hold.getSnapshotId(), now)
                .setMessage("Snapshot " + hold.getSnapshotId() + " of source " + sourceKey + " lacks " + count
                        + " of the " + catalogSize + " known permission groups (" + share + "), " + reason
                        + " allowed by the shrink guard. Their removals are held and the groups stay in the catalog.")
                .setAction("Check whether Cloudflare really removed these groups. If it did, wait for "
                        + policy.confirmations() + " later snapshot(s) without them, or confirm now with"
                        + " 'permwatch confirm-removals --source " + sourceKey + " --snapshot " + hold.getSnapshotId()
                        + "'. If they come back, nothing is removed.")
                .setPermissionIds(List.copyOf(hold.getPermissionIds()))
                .setDetails(details)
                .build();
    }

    static Alert confirmedBySnapshot(final Snapshot incoming, final HeldRemovals hold, final Instant now) {
        final Map<String, String> details = new LinkedHashMap<>();
        details.put("confirmedBy", "snapshots");
        details.put("confirmingSnapshotId", incoming.getSnapshotId());
        details.put("laterAbsences", Integer.toString(hold.getLaterAbsences()));
        return base(AlertKind.HELD_REMOVALS_CONFIRMED, AlertSeverity.WARNING, incoming.getSource(),
                hold.getSnapshotId(), hold.getSnapshotId() + "|" + incoming.getSnapshotId(), now)
                .setMessage(hold.getPermissionIds().size() + " removals held since snapshot " + hold.getSnapshotId()
                        + " of source " + Sources.key(incoming.getSource()) + " were confirmed by "
                        + hold.getLaterAbsences() + " later snapshot(s), the last one " + incoming.getSnapshotId()
                        + ", and were emitted as REMOVED change events.")
                .setAction("None required: the REMOVED change events and catalog tombstones are written.")
                .setPermissionIds(List.copyOf(hold.getPermissionIds()))
                .setDetails(details)
                .build();
    }

    static Alert confirmedByOperator(final Source source, final HeldRemovals hold, final String requestedBy,
                                     final Instant requestedAt, final Instant now) {
        final Map<String, String> details = new LinkedHashMap<>();
        details.put("confirmedBy", "operator");
        details.put("requestedBy", requestedBy);
        details.put("requestedAt", requestedAt.toString());
        return base(AlertKind.HELD_REMOVALS_CONFIRMED, AlertSeverity.WARNING, source, hold.getSnapshotId(),
                hold.getSnapshotId() + "|operator|" + requestedAt.toEpochMilli(), now)
                .setMessage(hold.getPermissionIds().size() + " removals held since snapshot " + hold.getSnapshotId()
                        + " of source " + Sources.key(source) + " were confirmed by " + requestedBy
                        + " and emitted as REMOVED change events.")
                .setAction("None required: the REMOVED change events and catalog tombstones are written.")
                .setPermissionIds(List.copyOf(hold.getPermissionIds()))
                .setDetails(details)
                .build();
    }

    static Alert discarded(final Snapshot incoming, final RemovalTracker.Discarded discarded, final Instant now) {
        final HeldRemovals hold = discarded.hold();
        final int stillHeld = hold.getPermissionIds().size() - discarded.returnedIds().size();
        final Map<String, String> details = new LinkedHashMap<>();
        details.put("returningSnapshotId", incoming.getSnapshotId());
        details.put("returnedCount", Integer.toString(discarded.returnedIds().size()));
        details.put("stillHeldCount", Integer.toString(stillHeld));
        return base(AlertKind.HELD_REMOVALS_DISCARDED, AlertSeverity.INFO, incoming.getSource(),
                hold.getSnapshotId(), hold.getSnapshotId() + "|" + incoming.getSnapshotId(), now)
                .setMessage(discarded.returnedIds().size() + " groups held since snapshot " + hold.getSnapshotId()
                        + " of source " + Sources.key(incoming.getSource()) + " are listed again in snapshot "
                        + incoming.getSnapshotId() + ", so they were not removed. " + stillHeld
                        + " groups of that hold are still held.")
                .setAction("None required. If this repeats, the API returned incomplete lists; check the"
                        + " poll-status topic for that source.")
                .setPermissionIds(List.copyOf(discarded.returnedIds()))
                .setDetails(details)
                .build();
    }

    private static Alert.Builder base(final AlertKind kind, final AlertSeverity severity, final Source source,
                                      final String snapshotId, final String trigger, final Instant now) {
        return Alert.newBuilder()
                .setAlertId(AlertIds.of(kind, Sources.key(source), trigger))
                .setKind(kind)
                .setSeverity(severity)
                .setSource(source)
                .setSnapshotId(snapshotId)
                .setRaisedAt(now);
    }

    private static String percent(final double share) {
        return String.format(Locale.ROOT, "%.1f%%", share * 100);
    }
}
