package dev.permwatch.streams.diff;

import dev.permwatch.avro.Alert;
import dev.permwatch.avro.CatalogEntry;
import dev.permwatch.avro.ChangeEvent;
import dev.permwatch.avro.ChangeType;
import dev.permwatch.avro.DiffOutcome;
import dev.permwatch.avro.DiffReport;
import dev.permwatch.avro.HeldRemovals;
import dev.permwatch.avro.OperatorCommand;
import dev.permwatch.avro.PermissionGroup;
import dev.permwatch.avro.Snapshot;
import dev.permwatch.avro.SourceState;
import dev.permwatch.schemas.SnapshotHashing;
import dev.permwatch.schemas.Sources;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Compares a snapshot with the stored state of its source and derives change events, the next
 * stored state and the catalog updates. It does no I/O and uses no Kafka API. The clock only sets
 * {@code detectedAt} and {@code processedAt}.
 *
 * <p>Groups are matched by permission id, never by name, because names are not unique. A field
 * that is absent from an item (null description or scopes, a missing extra field) is unknown: its
 * last known value carries forward and nothing is reported. A field seen for the first time is not
 * a change either, but the stored state and the catalog take its value.
 *
 * <p>A group absent from a snapshot is removed only as the {@link RemovalPolicy} allows: after
 * enough consecutive absences, and, when one snapshot lacks too many groups at once, only after
 * later snapshots or an operator confirm it. Until then it stays in the stored state and the
 * catalog, so a partial list from the API never turns into REMOVED events.
 */
public final class SnapshotDiff {

    /** Names of the fixed fields in {@code changedFields}. An extra field is listed under its own key. */
    public static final String NAME = "name";
    public static final String DESCRIPTION = "description";
    public static final String SCOPES = "scopes";

    private final boolean emitBaselineAdded;
    private final RemovalPolicy removalPolicy;
    private final RemovalTracker removals;
    private final Clock clock;

    /**
     * @param emitBaselineAdded whether the first snapshot of a source emits an ADDED event (with
     *                          {@code baseline=true}) for every group instead of nothing
     * @param removalPolicy     when absent groups are removed, never null
     * @param clock             source of {@code detectedAt}, {@code processedAt} and {@code raisedAt}, never null
     */
    public SnapshotDiff(final boolean emitBaselineAdded, final RemovalPolicy removalPolicy, final Clock clock) {
        this.emitBaselineAdded = emitBaselineAdded;
        this.removalPolicy = Objects.requireNonNull(removalPolicy, "removalPolicy");
        this.removals = new RemovalTracker(removalPolicy);
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Returns the state of a source whose only accepted snapshot is {@code snapshot}, with nothing pending or held. */
    public static SourceState initialState(final Snapshot snapshot) {
        return SourceState.newBuilder()
                .setLastSnapshot(Snapshot.newBuilder(snapshot).build())
                .setPendingAbsences(Map.of())
                .setHeldRemovals(List.of())
                .build();
    }

    /**
     * Diffs {@code incoming} against {@code stored}.
     *
     * @param stored   stored state of the source (the groups of its last snapshot are the last
     *                 known state of each group), or null when the source has no processed snapshot yet
     * @param incoming the new snapshot, never null
     * @return the result, never null. {@link DiffResult#isStale()} and {@link DiffResult#isDuplicate()}
     *         return whether the snapshot was ignored, in which case the result carries only its report.
     * @throws IllegalArgumentException if {@code incoming} lists a permission id twice, or if
     *                                  {@code stored} belongs to another source
     */
    public DiffResult diff(final SourceState stored, final Snapshot incoming) {
        Objects.requireNonNull(incoming, "incoming");
        final Map<String, PermissionGroup> incomingById = indexById(incoming);
        final Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);

        if (stored == null) {
            return baseline(incoming, now);
        }
        requireSameSource(stored.getLastSnapshot(), incoming);
        if (isDuplicate(stored.getLastSnapshot(), incoming)) {
            return ignored(stored, incoming, DiffOutcome.DUPLICATE_IGNORED, now);
        }
        if (isStale(stored.getLastSnapshot(), incoming)) {
            return ignored(stored, incoming, DiffOutcome.STALE_IGNORED, now);
        }
        return compare(stored, incoming, incomingById, now);
    }

    /** Returns whether {@code incoming} was fetched before the last processed snapshot. Equal times are not stale. */
    public static boolean isStale(final Snapshot stored, final Snapshot incoming) {
        return incoming.getFetchedAt().isBefore(stored.getFetchedAt());
    }

    /**
     * Returns whether {@code incoming} is the last processed snapshot delivered again, for example
     * by a producer retry or a replay of the snapshots topic. Diffing it again would count every
     * pending absence a second time for the same poll.
     */
    public static boolean isDuplicate(final Snapshot stored, final Snapshot incoming) {
        return stored.getSnapshotId().equals(incoming.getSnapshotId());
    }

    private DiffResult baseline(final Snapshot incoming, final Instant now) {
        final List<ChangeEvent> events = new ArrayList<>();
        final List<CatalogEntry> upserts = new ArrayList<>();
        for (final PermissionGroup group : incoming.getGroups()) {
            upserts.add(catalogEntry(incoming, group));
            if (emitBaselineAdded) {
                events.add(event(ChangeType.ADDED, group.getId(), List.of(), null, group, null, incoming, now, true));
            }
        }
        final DiffReport report = report(incoming, DiffOutcome.BASELINE, events, now);
        return new DiffResult(events, initialState(incoming), upserts, List.of(), List.of(), report);
    }

    /** Returns the result of a snapshot that is not diffed: the stored state unchanged and only a report. */
    private static DiffResult ignored(final SourceState stored, final Snapshot incoming, final DiffOutcome outcome,
                                      final Instant now) {
        final DiffReport report = report(incoming, outcome, List.of(), now);
        return new DiffResult(List.of(), stored, List.of(), List.of(), List.of(), report);
    }

    private DiffResult compare(final SourceState state, final Snapshot incoming,
                               final Map<String, PermissionGroup> incomingById, final Instant now) {
        final Snapshot stored = state.getLastSnapshot();
        final Map<String, PermissionGroup> knownById = indexById(stored);
        final List<ChangeEvent> events = new ArrayList<>();
        final List<PermissionGroup> nextGroups = new ArrayList<>();
        final List<CatalogEntry> upserts = new ArrayList<>();

        for (final PermissionGroup current : incoming.getGroups()) {
            final PermissionGroup known = knownById.get(current.getId());
            if (known == null) {
                final PermissionGroup added = copy(current);
                nextGroups.add(added);
                upserts.add(catalogEntry(incoming, added));
                events.add(event(ChangeType.ADDED, added.getId(), List.of(), null, added, stored, incoming, now, false));
                continue;
            }

            final PermissionGroup merged = carryForward(known, current);
            nextGroups.add(merged);
            final List<String> changed = changedFields(known, current);
            if (!changed.isEmpty()) {
                final ChangeType type = changed.contains(NAME) ? ChangeType.RENAMED : ChangeType.UPDATED;
                events.add(event(type, merged.getId(), changed, copy(known), merged, stored, incoming, now, false));
            }
            if (!changed.isEmpty() || !firstSeenFields(known, current).isEmpty()) {
                upserts.add(catalogEntry(incoming, merged));
            }
        }

        final RemovalTracker.Outcome outcome = removals.track(state, incoming, incomingById.keySet());
        final Set<String> removedIds = Set.copyOf(outcome.removedIds());
        // By id, not in stored order: the stored order depends on which earlier snapshots were partial,
        // and the same removals must come out in the same order whatever the history.
        final List<PermissionGroup> knownInIdOrder = new ArrayList<>(stored.getGroups());
        knownInIdOrder.sort(Comparator.comparing(PermissionGroup::getId));
        for (final PermissionGroup known : knownInIdOrder) {
            if (incomingById.containsKey(known.getId())) {
                continue;
            }
            if (removedIds.contains(known.getId())) {
                events.add(event(ChangeType.REMOVED, known.getId(), List.of(), copy(known), null, stored, incoming,
                        now, false));
            } else {
                // Pending or held: the group keeps its last known state until its removal is confirmed.
                nextGroups.add(copy(known));
            }
        }

        final List<Alert> alerts = new ArrayList<>();
        for (final RemovalTracker.Discarded discarded : outcome.discarded()) {
            alerts.add(RemovalAlerts.discarded(incoming, discarded, now));
        }
        for (final HeldRemovals confirmed : outcome.confirmedHolds()) {
            alerts.add(RemovalAlerts.confirmedBySnapshot(incoming, confirmed, now));
        }
        if (outcome.newHold() != null) {
            alerts.add(RemovalAlerts.held(incoming, outcome, removalPolicy, now));
        }

        final SourceState newState = SourceState.newBuilder()
                .setLastSnapshot(Snapshot.newBuilder(incoming).setGroups(nextGroups).build())
                .setPendingAbsences(outcome.pendingAbsences())
                .setHeldRemovals(outcome.heldRemovals())
                .build();
        final DiffReport report = report(incoming, DiffOutcome.DIFFED, events, now);
        return new DiffResult(events, newState, upserts, outcome.removedIds(), alerts, report);
    }

    /**
     * Applies an operator's confirmation of held removals: emits REMOVED for every group still
     * held by the named holding snapshot and drops them from the state.
     *
     * @param stored  stored state of the command's source, or null when the source has none
     * @param command the command, never null
     * @return the result, or empty when no hold of that source has the command's snapshot id
     */
    public Optional<DiffResult> confirmHeld(final SourceState stored, final OperatorCommand command) {
        Objects.requireNonNull(command, "command");
        if (stored == null) {
            return Optional.empty();
        }
        final Optional<HeldRemovals> match = stored.getHeldRemovals().stream()
                .filter(hold -> hold.getSnapshotId().equals(command.getSnapshotId()))
                .findFirst();
        if (match.isEmpty()) {
            return Optional.empty();
        }
        final HeldRemovals hold = match.get();
        final Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        final Snapshot last = stored.getLastSnapshot();
        final Set<String> heldIds = Set.copyOf(hold.getPermissionIds());

        final List<ChangeEvent> events = new ArrayList<>();
        final List<PermissionGroup> nextGroups = new ArrayList<>();
        final List<String> removedIds = new ArrayList<>();
        for (final PermissionGroup known : last.getGroups()) {
            if (heldIds.contains(known.getId())) {
                removedIds.add(known.getId());
                events.add(heldRemovedEvent(last, hold, known, now));
            } else {
                nextGroups.add(copy(known));
            }
        }

        final SourceState newState = SourceState.newBuilder(stored)
                .setLastSnapshot(Snapshot.newBuilder(last).setGroups(nextGroups).build())
                .setHeldRemovals(stored.getHeldRemovals().stream().filter(other -> other != hold).toList())
                .build();
        final Alert alert = RemovalAlerts.confirmedByOperator(last.getSource(), hold, command.getRequestedBy(),
                command.getRequestedAt(), now);
        return Optional.of(new DiffResult(events, newState, List.of(), removedIds, List.of(alert), null));
    }

    /**
     * Builds the REMOVED event of a group released by an operator. It names the holding snapshot,
     * the first one the group was absent from, so replaying the command yields the same event id.
     */
    private static ChangeEvent heldRemovedEvent(final Snapshot last, final HeldRemovals hold,
                                                final PermissionGroup known, final Instant now) {
        return ChangeEvent.newBuilder()
                .setEventId(SnapshotHashing.eventId(last.getSource(), hold.getSnapshotId(), known.getId(),
                        ChangeType.REMOVED))
                .setType(ChangeType.REMOVED)
                .setPermissionId(known.getId())
                .setChangedFields(List.of())
                .setBefore(copy(known))
                .setAfter(null)
                .setSource(last.getSource())
                .setPreviousSnapshotId(hold.getPreviousSnapshotId())
                .setPreviousSnapshotAt(hold.getPreviousSnapshotAt())
                .setSnapshotId(hold.getSnapshotId())
                .setSnapshotAt(hold.getSnapshotAt())
                .setDetectedAt(now)
                .setBaseline(false)
                .build();
    }

    /**
     * Returns the sorted names of the fields whose known and current values differ. A field that
     * is unknown on either side (null, or an extra field missing) is never listed.
     */
    static List<String> changedFields(final PermissionGroup known, final PermissionGroup current) {
        final SortedSet<String> changed = new TreeSet<>();
        if (!known.getName().equals(current.getName())) {
            changed.add(NAME);
        }
        if (bothKnown(known.getDescription(), current.getDescription())
                && !known.getDescription().equals(current.getDescription())) {
            changed.add(DESCRIPTION);
        }
        if (bothKnown(known.getScopes(), current.getScopes())
                && !sameScopes(known.getScopes(), current.getScopes())) {
            changed.add(SCOPES);
        }
        final Map<String, String> knownExtra = extraFields(known);
        for (final Map.Entry<String, String> field : extraFields(current).entrySet()) {
            final String knownValue = knownExtra.get(field.getKey());
            if (knownValue != null && !knownValue.equals(field.getValue())) {
                changed.add(field.getKey());
            }
        }
        return List.copyOf(changed);
    }

    /** Returns the sorted names of the fields that were unknown before and have a value now. */
    static List<String> firstSeenFields(final PermissionGroup known, final PermissionGroup current) {
        final SortedSet<String> firstSeen = new TreeSet<>();
        if (known.getDescription() == null && current.getDescription() != null) {
            firstSeen.add(DESCRIPTION);
        }
        if (known.getScopes() == null && current.getScopes() != null) {
            firstSeen.add(SCOPES);
        }
        final Map<String, String> knownExtra = extraFields(known);
        for (final String name : extraFields(current).keySet()) {
            if (!knownExtra.containsKey(name)) {
                firstSeen.add(name);
            }
        }
        return List.copyOf(firstSeen);
    }

    /**
     * Returns the current group with every unknown field taken from the known state. Scopes that
     * equal the known ones as a set keep the known order, so a reorder does not change the stored
     * state.
     */
    static PermissionGroup carryForward(final PermissionGroup known, final PermissionGroup current) {
        final String description = current.getDescription() != null
                ? current.getDescription()
                : known.getDescription();

        final List<String> scopes;
        if (current.getScopes() == null) {
            scopes = known.getScopes();
        } else if (known.getScopes() != null && sameScopes(known.getScopes(), current.getScopes())) {
            scopes = known.getScopes();
        } else {
            scopes = current.getScopes();
        }

        final Map<String, String> extra = new TreeMap<>(extraFields(known));
        extra.putAll(extraFields(current));

        return PermissionGroup.newBuilder()
                .setId(current.getId())
                .setName(current.getName())
                .setDescription(description)
                .setScopes(scopes == null ? null : List.copyOf(scopes))
                .setExtraFields(extra)
                .build();
    }

    /** Returns whether two scope lists contain the same scopes, ignoring order and repeats. */
    static boolean sameScopes(final List<String> known, final List<String> current) {
        return new HashSet<>(known).equals(new HashSet<>(current));
    }

    private static boolean bothKnown(final Object known, final Object current) {
        return known != null && current != null;
    }

    private static Map<String, String> extraFields(final PermissionGroup group) {
        return group.getExtraFields() == null ? Map.of() : group.getExtraFields();
    }

    private static Map<String, PermissionGroup> indexById(final Snapshot snapshot) {
        final Map<String, PermissionGroup> byId = new LinkedHashMap<>();
        for (final PermissionGroup group : snapshot.getGroups()) {
            if (byId.put(group.getId(), group) != null) {
                throw new IllegalArgumentException("Snapshot " + snapshot.getSnapshotId() + " of source "
                        + Sources.key(snapshot.getSource()) + " lists permission id " + group.getId()
                        + " more than once, so it cannot be diffed; the producer of the snapshots topic"
                        + " must write each permission id once per snapshot");
            }
        }
        return byId;
    }

    private static void requireSameSource(final Snapshot stored, final Snapshot incoming) {
        if (!stored.getSource().equals(incoming.getSource())) {
            throw new IllegalArgumentException("Stored state of source " + Sources.key(stored.getSource())
                    + " cannot be diffed against snapshot " + incoming.getSnapshotId() + " of source "
                    + Sources.key(incoming.getSource()) + "; look up the stored state by the snapshot's source key");
        }
    }

    private static PermissionGroup copy(final PermissionGroup group) {
        return PermissionGroup.newBuilder(group).build();
    }

    private static CatalogEntry catalogEntry(final Snapshot incoming, final PermissionGroup group) {
        return CatalogEntry.newBuilder()
                .setSource(incoming.getSource())
                .setGroup(copy(group))
                .setSnapshotId(incoming.getSnapshotId())
                .setSnapshotAt(incoming.getFetchedAt())
                .build();
    }

    private static ChangeEvent event(final ChangeType type, final String permissionId, final List<String> changedFields,
                                     final PermissionGroup before, final PermissionGroup after,
                                     final Snapshot previous, final Snapshot incoming, final Instant now,
                                     final boolean baseline) {
        return ChangeEvent.newBuilder()
                .setEventId(SnapshotHashing.eventId(incoming.getSource(), incoming.getSnapshotId(), permissionId, type))
                .setType(type)
                .setPermissionId(permissionId)
                .setChangedFields(changedFields)
                .setBefore(before)
                .setAfter(after)
                .setSource(incoming.getSource())
                .setPreviousSnapshotId(previous == null ? null : previous.getSnapshotId())
                .setPreviousSnapshotAt(previous == null ? null : previous.getFetchedAt())
                .setSnapshotId(incoming.getSnapshotId())
                .setSnapshotAt(incoming.getFetchedAt())
                .setDetectedAt(now)
                .setBaseline(baseline)
                .build();
    }

    private static DiffReport report(final Snapshot incoming, final DiffOutcome outcome, final List<ChangeEvent> events,
                                     final Instant now) {
        return DiffReport.newBuilder()
                .setSource(incoming.getSource())
                .setSnapshotId(incoming.getSnapshotId())
                .setSnapshotAt(incoming.getFetchedAt())
                .setOutcome(outcome)
                .setGroupCount(incoming.getGroups().size())
                .setAdded(count(events, ChangeType.ADDED))
                .setRemoved(count(events, ChangeType.REMOVED))
                .setRenamed(count(events, ChangeType.RENAMED))
                .setUpdated(count(events, ChangeType.UPDATED))
                .setProcessedAt(now)
                .build();
    }

    private static int count(final List<ChangeEvent> events, final ChangeType type) {
        return (int) events.stream().filter(event -> event.getType() == type).count();
    }
}
