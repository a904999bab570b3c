package dev.permwatch.local.eos;

import dev.permwatch.avro.ChangeType;
import dev.permwatch.avro.PermissionGroup;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The change events that the streams app must emit for a generated series, and the catalog it
 * must end with, computed without any class of the streams app.
 *
 * <p>The rules, as the streams app documents them:
 * <ul>
 *     <li>Step 0 is the baseline and yields no event (the app runs with
 *     {@code permwatch.baseline.emit-added=false}).</li>
 *     <li>Groups match by permission id. A new id is ADDED. A known id whose name changed is
 *     RENAMED, one with only other fields changed is UPDATED, and {@code changedFields} lists every
 *     changed field, sorted by name ({@code description < name < scopes}).</li>
 *     <li>Scopes compare as a set. A null description or null scopes is unknown: it is never a
 *     change, and the last known value carries forward into {@code after}, the next {@code before}
 *     and the catalog.</li>
 *     <li>A known group absent from {@code removalConfirmations} consecutive snapshots is REMOVED
 *     at the last of them. Until then it stays in the catalog with its last known state.</li>
 *     <li>Within one snapshot, events of listed groups come in list order, then REMOVED events by
 *     permission id.</li>
 * </ul>
 *
 * <p>The shrink guard (more than 10% of the known groups or more than 25 groups newly absent in
 * one snapshot) is not modelled: {@link #compute} rejects a series that would trip it.
 *
 * <p>The events come from a plain diff of consecutive lists. {@link #compute} then checks them
 * against the series' mutation log, so a generator bug cannot hide in both.
 *
 * <p>Immutable and thread-safe.
 */
public final class ExpectedEvents {

    private static final String NAME = "name";
    private static final String DESCRIPTION = "description";
    private static final String SCOPES = "scopes";
    private static final double SHRINK_GUARD_MAX_SHARE = 0.10;
    private static final int SHRINK_GUARD_MAX_COUNT = 25;

    private final GeneratedSeries series;
    private final int removalConfirmations;
    private final Map<String, List<ExpectedEvent>> eventsBySource;
    private final Map<String, Map<String, PermissionGroup>> catalogsBySource;

    private ExpectedEvents(final GeneratedSeries series, final int removalConfirmations,
                           final Map<String, List<ExpectedEvent>> eventsBySource,
                           final Map<String, Map<String, PermissionGroup>> catalogsBySource) {
        this.series = series;
        this.removalConfirmations = removalConfirmations;
        this.eventsBySource = eventsBySource;
        this.catalogsBySource = catalogsBySource;
    }

    /**
     * Computes the expected events and final catalog of every source.
     *
     * @param series               the series, never null
     * @param removalConfirmations {@code permwatch.removal.confirmations} of the streams app, at least 1
     * @return the expectation, never null
     * @throws IllegalArgumentException if {@code removalConfirmations} is below 1, a list repeats a permission id,
     *                                  a snapshot would trip the shrink guard, or the mutation log disagrees with
     *                                  the lists
     */
    public static ExpectedEvents compute(final GeneratedSeries series, final int removalConfirmations) {
        Objects.requireNonNull(series, "series");
        if (removalConfirmations < 1) {
            throw new IllegalArgumentException("Invalid removal confirmations " + removalConfirmations
                    + ": expected 1 or more, as permwatch.removal.confirmations");
        }
        final Map<String, List<ExpectedEvent>> events = new LinkedHashMap<>();
        final Map<String, Map<String, PermissionGroup>> catalogs = new LinkedHashMap<>();
        for (final SourceSeries source : series.sources()) {
            final SourceReplay replay = new SourceReplay(source, removalConfirmations);
            replay.run();
            checkAgainstMutations(source, removalConfirmations, replay.events);
            events.put(source.sourceKey(), List.copyOf(replay.events));
            catalogs.put(source.sourceKey(), Collections.unmodifiableMap(new LinkedHashMap<>(replay.known)));
        }
        return new ExpectedEvents(series, removalConfirmations, Collections.unmodifiableMap(events),
                Collections.unmodifiableMap(catalogs));
    }

    /**
     * Returns the events of one source in the order the app must emit them: by step, and within a
     * step as the class comment describes.
     *
     * @param sourceKey a source key of the series, never null
     * @return the events, possibly empty, never null
     * @throws IllegalArgumentException if the series has no source with that key
     */
    public List<ExpectedEvent> forSource(final String sourceKey) {
        return lookUp(eventsBySource, sourceKey);
    }

    /**
     * Returns the catalog that the app must end with for one source: permission id to group, with
     * unknown fields carried forward. Groups still pending removal are included, as the app keeps them.
     *
     * @param sourceKey a source key of the series, never null
     * @return the catalog, never null
     * @throws IllegalArgumentException if the series has no source with that key
     */
    public Map<String, PermissionGroup> finalCatalog(final String sourceKey) {
        return lookUp(catalogsBySource, sourceKey);
    }

    /** Returns the number of expected events of all sources. */
    public int total() {
        return eventsBySource.values().stream().mapToInt(List::size).sum();
    }

    /** Returns the source keys in series order. Never null. */
    public List<String> sourceKeys() {
        return List.copyOf(eventsBySource.keySet());
    }

    /** Returns the series the expectation was computed for. Never null. */
    public GeneratedSeries series() {
        return series;
    }

    /** Returns the removal confirmations the expectation was computed for. */
    public int removalConfirmations() {
        return removalConfirmations;
    }

    private <T> T lookUp(final Map<String, T> bySource, final String sourceKey) {
        final T value = bySource.get(sourceKey);
        if (value == null) {
            throw new IllegalArgumentException("No source with key '" + sourceKey + "' in the series; its keys are "
                    + bySource.keySet());
        }
        return value;
    }

    /**
     * Replays the lists of one source in the order the app processes them: the known state of each group, and the
     * absence count of each known group missing from the latest lists.
     */
    private static final class SourceReplay {

        private final SourceSeries source;
        private final int removalConfirmations;
        private final List<ExpectedEvent> events = new ArrayList<>();
        private Map<String, PermissionGroup> known = new LinkedHashMap<>();
        private Map<String, Integer> absences = new HashMap<>();

        SourceReplay(final SourceSeries source, final int removalConfirmations) {
            this.source = source;
            this.removalConfirmations = removalConfirmations;
        }

        void run() {
            known.putAll(indexById(0));
            for (int step = 1; step < source.steps(); step++) {
                diff(step);
            }
        }

        private void diff(final int step) {
            final Map<String, PermissionGroup> listed = indexById(step);
            final Map<String, PermissionGroup> next = new LinkedHashMap<>();

            for (final PermissionGroup current : listed.values()) {
                final PermissionGroup last = known.get(current.getId());
                if (last == null) {
                    events.add(event(step, ChangeType.ADDED, current.getId(), List.of(), null, current));
                    next.put(current.getId(), current);
                    continue;
                }
                final PermissionGroup merged = carryForward(last, current);
                final List<String> changed = changedFields(last, current);
                if (!changed.isEmpty()) {
                    final ChangeType type = changed.contains(NAME) ? ChangeType.RENAMED : ChangeType.UPDATED;
                    events.add(event(step, type, current.getId(), changed, last, merged));
                }
                next.put(current.getId(), merged);
            }

            final List<String> absent = new ArrayList<>(known.keySet());
            absent.removeAll(listed.keySet());
            Collections.sort(absent);
            checkShrinkGuard(step, absent);
            final Map<String, Integer> nextAbsences = new HashMap<>();
            for (final String id : absent) {
                final int count = absences.getOrDefault(id, 0) + 1;
                if (count >= removalConfirmations) {
                    events.add(event(step, ChangeType.REMOVED, id, List.of(), known.get(id), null));
                } else {
                    nextAbsences.put(id, count);
                    next.put(id, known.get(id));
                }
            }

            known = next;
            absences = nextAbsences;
        }

        private void checkShrinkGuard(final int step, final List<String> absent) {
            final long newlyAbsent = absent.stream().filter(id -> !absences.containsKey(id)).count();
            if (newlyAbsent > SHRINK_GUARD_MAX_COUNT || (double) newlyAbsent / known.size() > SHRINK_GUARD_MAX_SHARE) {
                throw new IllegalArgumentException("Step " + step + " of source " + source.name() + " makes "
                        + newlyAbsent + " of " + known.size() + " known groups newly absent, which the shrink guard"
                        + " holds; the expected events of held removals are not computed. Remove fewer groups per step");
            }
        }

        private Map<String, PermissionGroup> indexById(final int step) {
            final Map<String, PermissionGroup> byId = new LinkedHashMap<>();
            for (final PermissionGroup group : source.lists().get(step)) {
                if (byId.put(group.getId(), group) != null) {
                    throw new IllegalArgumentException("Step " + step + " of source " + source.name()
                            + " lists permission id " + group.getId() + " twice; each id may appear once per list");
                }
            }
            return byId;
        }

        private ExpectedEvent event(final int step, final ChangeType type, final String permissionId,
                                    final List<String> changedFields, final PermissionGroup before,
                                    final PermissionGroup after) {
            return new ExpectedEvent(source.sourceKey(), step, type, permissionId, changedFields, before, after);
        }
    }

    /** Returns the sorted names of the fields known on both sides whose values differ. */
    static List<String> changedFields(final PermissionGroup last, final PermissionGroup current) {
        final SortedSet<String> changed = new TreeSet<>();
        if (!last.getName().equals(current.getName())) {
            changed.add(NAME);
        }
        if (last.getDescription() != null && current.getDescription() != null
                && !last.getDescription().equals(current.getDescription())) {
            changed.add(DESCRIPTION);
        }
        if (last.getScopes() != null && current.getScopes() != null
                && !new HashSet<>(last.getScopes()).equals(new HashSet<>(current.getScopes()))) {
            changed.add(SCOPES);
        }
        final Map<String, String> lastExtra = extraFields(last);
        for (final Map.Entry<String, String> field : extraFields(current).entrySet()) {
            final String lastValue = lastExtra.get(field.getKey());
            if (lastValue != null && !lastValue.equals(field.getValue())) {
                changed.add(field.getKey());
            }
        }
        return List.copyOf(changed);
    }

    /**
     * Returns {@code current} with each unknown (null or missing) field taken from {@code last}, and with
     * the scopes of {@code last} when both list the same scopes.
     */
    static PermissionGroup carryForward(final PermissionGroup last, final PermissionGroup current) {
        final List<String> scopes;
        if (current.getScopes() == null) {
            scopes = last.getScopes();
        } else if (last.getScopes() != null && new HashSet<>(last.getScopes()).equals(new HashSet<>(current.getScopes()))) {
            // The same scopes in another order keep the known order, as the app stores them.
            scopes = last.getScopes();
        } else {
            scopes = current.getScopes();
        }
        final Map<String, String> extra = new TreeMap<>(extraFields(last));
        extra.putAll(extraFields(current));
        return PermissionGroup.newBuilder()
                .setId(current.getId())
                .setName(current.getName())
                .setDescription(current.getDescription() == null ? last.getDescription() : current.getDescription())
                .setScopes(scopes == null ? null : List.copyOf(scopes))
                .setExtraFields(extra)
                .build();
    }

    private static Map<String, String> extraFields(final PermissionGroup group) {
        return group.getExtraFields() == null ? Map.of() : group.getExtraFields();
    }

    /**
     * Checks that the events from the lists are the ones the mutation log implies: ADD gives ADDED at
     * its step, REMOVE gives REMOVED {@code removalConfirmations - 1} steps later (if the series is long
     * enough), field changes of one group in one step give one RENAMED or UPDATED event listing those
     * fields, and order-only changes give nothing. A DESCRIBE or RESCOPE must therefore change a known
     * value, because a field seen for the first time is no change and must not be logged as one.
     */
    private static void checkAgainstMutations(final SourceSeries source, final int removalConfirmations,
                                              final List<ExpectedEvent> fromLists) {
        final Map<Integer, Set<String>> listed = new TreeMap<>();
        for (final ExpectedEvent event : fromLists) {
            listed.computeIfAbsent(event.step(), step -> new TreeSet<>()).add(summary(event.permissionId(),
                    event.type(), event.changedFields()));
        }

        final Map<Integer, Set<String>> planned = new TreeMap<>();
        for (int step = 1; step < source.steps(); step++) {
            final Map<String, SortedSet<String>> fieldsById = new LinkedHashMap<>();
            for (final Mutation mutation : source.mutations().get(step)) {
                switch (mutation.kind()) {
                    case ADD -> planned.computeIfAbsent(step, key -> new TreeSet<>())
                            .add(summary(mutation.permissionId(), ChangeType.ADDED, List.of()));
                    case REMOVE -> {
                        final int removedAt = step + removalConfirmations - 1;
                        if (removedAt < source.steps()) {
                            planned.computeIfAbsent(removedAt, key -> new TreeSet<>())
                                    .add(summary(mutation.permissionId(), ChangeType.REMOVED, List.of()));
                        }
                    }
                    case RENAME, DESCRIBE, RESCOPE -> fieldsById
                            .computeIfAbsent(mutation.permissionId(), id -> new TreeSet<>())
                            .add(mutation.kind().changedField());
                    case REORDER_GROUPS, REORDER_SCOPES -> {
                        // Order only: no event is due.
                    }
                }
            }
            for (final Map.Entry<String, SortedSet<String>> entry : fieldsById.entrySet()) {
                final ChangeType type = entry.getValue().contains(NAME) ? ChangeType.RENAMED : ChangeType.UPDATED;
                planned.computeIfAbsent(step, key -> new TreeSet<>())
                        .add(summary(entry.getKey(), type, List.copyOf(entry.getValue())));
            }
        }

        if (!listed.equals(planned)) {
            throw new IllegalArgumentException("The mutation log of source " + source.name()
                    + " disagrees with its lists. Events by step from the lists: " + listed
                    + "; from the mutations: " + planned + ". Record every change of a list as a mutation");
        }
    }

    private static String summary(final String permissionId, final ChangeType type, final List<String> fields) {
        return permissionId + " " + type + " " + fields;
    }
}
