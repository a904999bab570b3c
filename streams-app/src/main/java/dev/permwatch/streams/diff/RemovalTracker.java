package dev.permwatch.streams.diff;

import dev.permwatch.avro.HeldRemovals;
import dev.permwatch.avro.PermissionGroup;
import dev.permwatch.avro.Snapshot;
import dev.permwatch.avro.SourceState;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Decides, for one accepted snapshot, which known groups absent from it are removed, which stay
 * pending and which the shrink guard holds. It does no I/O.
 *
 * <p>A group absent for the first time is pending with count 1, and it is removed once the count
 * reaches {@link RemovalPolicy#confirmations()}. When the groups newly absent from one snapshot
 * are more than the guard allows, they are held together instead. A hold is confirmed once
 * {@code confirmations} later snapshots all lack its groups. A held group that comes back leaves
 * the hold and is never removed.
 */
final class RemovalTracker {

    private final RemovalPolicy policy;

    RemovalTracker(final RemovalPolicy policy) {
        this.policy = Objects.requireNonNull(policy, "policy");
    }

    /**
     * Applies {@code incoming} to the pending and held removals of {@code stored}.
     *
     * @param stored     state of the source before {@code incoming}, never null
     * @param incoming   the accepted snapshot, never null
     * @param presentIds permission ids listed in {@code incoming}
     */
    Outcome track(final SourceState stored, final Snapshot incoming, final Set<String> presentIds) {
        final List<String> knownIds = stored.getLastSnapshot().getGroups().stream()
                .map(PermissionGroup::getId)
                .toList();
        final Set<String> removed = new HashSet<>();
        final List<HeldRemovals> nextHolds = new ArrayList<>();
        final List<HeldRemovals> confirmedHolds = new ArrayList<>();
        final List<Discarded> discarded = new ArrayList<>();
        final Set<String> heldIds = new HashSet<>();

        for (final HeldRemovals hold : stored.getHeldRemovals()) {
            heldIds.addAll(hold.getPermissionIds());
            final List<String> returned = new ArrayList<>();
            final List<String> remaining = new ArrayList<>();
            for (final String id : hold.getPermissionIds()) {
                (presentIds.contains(id) ? returned : remaining).add(id);
            }
            if (!returned.isEmpty()) {
                discarded.add(new Discarded(hold, List.copyOf(returned)));
            }
            if (remaining.isEmpty()) {
                continue;
            }
            final HeldRemovals updated = HeldRemovals.newBuilder(hold)
                    .setPermissionIds(remaining)
                    .setLaterAbsences(hold.getLaterAbsences() + 1)
                    .build();
            if (updated.getLaterAbsences() >= policy.confirmations()) {
                confirmedHolds.add(updated);
                removed.addAll(remaining);
            } else {
                nextHolds.add(updated);
            }
        }

        final Map<String, Integer> pending = new LinkedHashMap<>();
        final List<String> newlyAbsent = new ArrayList<>();
        for (final String id : knownIds) {
            if (presentIds.contains(id) || heldIds.contains(id)) {
                continue;
            }
            final Integer prior = stored.getPendingAbsences().get(id);
            if (prior == null) {
                newlyAbsent.add(id);
            } else {
                countAbsence(id, prior + 1, pending, removed);
            }
        }

        HeldRemovals newHold = null;
        final boolean overShare = policy.exceedsShare(newlyAbsent.size(), knownIds.size());
        final boolean overCount = policy.exceedsCount(newlyAbsent.size());
        if (overShare || overCount) {
            newHold = HeldRemovals.newBuilder()
                    .setSnapshotId(incoming.getSnapshotId())
                    .setSnapshotAt(incoming.getFetchedAt())
                    .setPreviousSnapshotId(stored.getLastSnapshot().getSnapshotId())
                    .setPreviousSnapshotAt(stored.getLastSnapshot().getFetchedAt())
                    .setPermissionIds(List.copyOf(newlyAbsent))
                    .setLaterAbsences(0)
                    .build();
            nextHolds.add(newHold);
        } else {
            for (final String id : newlyAbsent) {
                countAbsence(id, 1, pending, removed);
            }
        }

        final List<String> removedInKnownOrder = knownIds.stream().filter(removed::contains).toList();
        return new Outcome(removedInKnownOrder, pending, nextHolds, newHold, overShare, overCount, knownIds.size(),
                confirmedHolds, discarded);
    }

    private void countAbsence(final String id, final int absences, final Map<String, Integer> pending,
                              final Set<String> removed) {
        if (absences >= policy.confirmations()) {
            removed.add(id);
        } else {
            pending.put(id, absences);
        }
    }

    /**
     * What one snapshot did to the removals of its source.
     *
     * @param removedIds      groups to remove now, in the order of the stored state
     * @param pendingAbsences next pending absence counts by permission id
     * @param heldRemovals    holds still open after this snapshot, the new one included
     * @param newHold         the hold this snapshot started, or null
     * @param overShare       whether the newly absent groups were more than the maximum share
     * @param overCount       whether the newly absent groups were more than the maximum count
     * @param catalogSize     number of known groups before this snapshot
     * @param confirmedHolds  holds confirmed by this snapshot, with the groups they remove
     * @param discarded       holds some of whose groups came back in this snapshot
     */
    record Outcome(List<String> removedIds, Map<String, Integer> pendingAbsences, List<HeldRemovals> heldRemovals,
                   HeldRemovals newHold, boolean overShare, boolean overCount, int catalogSize,
                   List<HeldRemovals> confirmedHolds, List<Discarded> discarded) {
    }

    /** Groups of {@code hold} listed again by a later snapshot, so they are not removed. */
    record Discarded(HeldRemovals hold, List<String> returnedIds) {
    }
}
