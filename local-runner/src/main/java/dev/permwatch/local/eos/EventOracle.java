package dev.permwatch.local.eos;

import dev.permwatch.avro.CatalogEntry;
import dev.permwatch.avro.ChangeEvent;
import dev.permwatch.avro.ChangeType;
import dev.permwatch.avro.PermissionGroup;
import dev.permwatch.avro.Source;
import dev.permwatch.schemas.SnapshotHashing;
import dev.permwatch.schemas.Sources;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * Compares what the changes and catalog topics contain with {@link ExpectedEvents}.
 *
 * <p>A record matches an expected event by source, step (through the snapshot id the poller wrote
 * at that step), change type and permission id. A matched record must also carry the expected
 * changed fields, before and after (id, name, description, scopes as a set, extra fields), record
 * key, previous snapshot id (the snapshot of the step before) and event id, which must equal
 * {@link SnapshotHashing#eventId} of its source, snapshot, permission id and type.
 *
 * <p>Order is checked per group key, the unit whose order Kafka keeps: the events of each group
 * that were read must come in the expected order. Events of different groups may interleave.
 */
public final class EventOracle {

    private EventOracle() {
    }

    /**
     * Compares the topics with the expectation.
     *
     * @param expected    the expected events and catalog, never null
     * @param written     per source key, the snapshot the poller wrote at each step (index = step), never null,
     *                    with one snapshot per step for every source of the series
     * @param changes     every record of the changes topic read with read_committed, each partition in offset order,
     *                    never null. Order across partitions does not matter.
     * @param catalog     last value per catalog key, tombstoned keys absent (a null value counts as absent), never null
     * @return the verdict, never null
     * @throws IllegalArgumentException if {@code written} lacks a source of the series or has not one snapshot per step
     */
    public static OracleVerdict check(final ExpectedEvents expected, final Map<String, List<WrittenSnapshot>> written,
                                      final List<ConsumerRecord<String, ChangeEvent>> changes,
                                      final Map<String, CatalogEntry> catalog) {
        Objects.requireNonNull(expected, "expected");
        Objects.requireNonNull(written, "written");
        Objects.requireNonNull(changes, "changes");
        Objects.requireNonNull(catalog, "catalog");

        final Map<String, Map<String, Integer>> stepsBySnapshot = stepsBySnapshot(expected, written);
        final Map<EventKey, ExpectedEvent> expectedByKey = new LinkedHashMap<>();
        for (final String sourceKey : expected.sourceKeys()) {
            for (final ExpectedEvent event : expected.forSource(sourceKey)) {
                expectedByKey.put(EventKey.of(event), event);
            }
        }

        final Comparison comparison = new Comparison(expectedByKey, stepsBySnapshot, written);
        changes.forEach(comparison::add);
        final List<String> missing = expectedByKey.entrySet().stream()
                .filter(entry -> !comparison.seen.contains(entry.getKey()))
                .map(entry -> entry.getValue().describe())
                .toList();

        return new OracleVerdict(expected.total(), changes.size(), missing, comparison.extra, comparison.duplicates,
                outOfOrder(expectedByKey, comparison), catalogDifferences(expected, written, catalog), comparison.mismatched);
    }

    /** Returns, per source key of the series, the step of each snapshot id. */
    private static Map<String, Map<String, Integer>> stepsBySnapshot(final ExpectedEvents expected,
                                                                     final Map<String, List<WrittenSnapshot>> written) {
        final Map<String, Map<String, Integer>> steps = new HashMap<>();
        final int stepCount = expected.series().steps();
        for (final String sourceKey : expected.sourceKeys()) {
            final List<WrittenSnapshot> snapshots = written.get(sourceKey);
            // Not snapshots.contains(null): immutable lists such as List.copyOf throw NullPointerException on it.
            final boolean hasNull = snapshots != null && snapshots.stream().anyMatch(Objects::isNull);
            if (snapshots == null || snapshots.size() != stepCount || hasNull) {
                throw new IllegalArgumentException("Snapshots of source " + sourceKey + " are "
                        + (snapshots == null ? "missing" : snapshots.size() + " snapshots" + (hasNull ? " with nulls" : ""))
                        + "; pass the snapshot the poller wrote at each of the " + stepCount + " steps");
            }
            final Map<String, Integer> bySnapshot = new HashMap<>();
            for (int step = 0; step < snapshots.size(); step++) {
                bySnapshot.put(snapshots.get(step).snapshotId(), step);
            }
            steps.put(sourceKey, bySnapshot);
        }
        return steps;
    }

    /** Returns one line per group key whose matched events came in another order than expected. */
    private static List<String> outOfOrder(final Map<EventKey, ExpectedEvent> expectedByKey,
                                           final Comparison comparison) {
        final Map<String, List<EventKey>> expectedByGroup = new TreeMap<>();
        for (final EventKey key : expectedByKey.keySet()) {
            if (comparison.seen.contains(key)) {
                expectedByGroup.computeIfAbsent(key.groupKey(), group -> new ArrayList<>()).add(key);
            }
        }
        final List<String> lines = new ArrayList<>();
        for (final Map.Entry<String, List<EventKey>> entry : expectedByGroup.entrySet()) {
            final List<EventKey> actual = comparison.readByGroup.getOrDefault(entry.getKey(), List.of());
            if (!actual.equals(entry.getValue())) {
                lines.add(entry.getKey() + " read as " + steps(actual) + ", expected " + steps(entry.getValue()));
            }
        }
        return lines;
    }

    /** Returns, per permission id, the last step with an event that changed the group's state. */
    private static Map<String, Integer> lastChangeSteps(final List<ExpectedEvent> events) {
        final Map<String, Integer> steps = new HashMap<>();
        for (final ExpectedEvent event : events) {
            if (event.type() != ChangeType.REMOVED) {
                steps.merge(event.permissionId(), event.step(), Math::max);
            }
        }
        return steps;
    }

    private static List<String> steps(final List<EventKey> keys) {
        return keys.stream().map(key -> "step " + key.step() + " " + key.type()).toList();
    }

    private static List<String> catalogDifferences(final ExpectedEvents expected,
                                                   final Map<String, List<WrittenSnapshot>> written,
                                                   final Map<String, CatalogEntry> catalog) {
        final List<String> differences = new ArrayList<>();
        final Set<String> expectedKeys = new HashSet<>();
        for (final String sourceKey : expected.sourceKeys()) {
            final Source source = Sources.fromKey(sourceKey);
            final Map<String, Integer> lastChangeSteps = lastChangeSteps(expected.forSource(sourceKey));
            for (final PermissionGroup group : expected.finalCatalog(sourceKey).values()) {
                final String groupKey = Sources.groupKey(source, group.getId());
                expectedKeys.add(groupKey);
                final CatalogEntry entry = catalog.get(groupKey);
                if (entry == null) {
                    differences.add(groupKey + " missing from the catalog (expected name '" + group.getName() + "')");
                    continue;
                }
                final List<String> groupDifferences = new ArrayList<>();
                if (!sourceKey.equals(Sources.key(entry.getSource()))) {
                    groupDifferences.add("source " + Sources.key(entry.getSource()));
                }
                groupDifferences.addAll(GroupComparison.differences("group", group, entry.getGroup()));
                // An entry refers to the snapshot that last changed the group, or the baseline.
                final int step = lastChangeSteps.getOrDefault(group.getId(), 0);
                final WrittenSnapshot changedIn = written.get(sourceKey).get(step);
                if (!changedIn.snapshotId().equals(entry.getSnapshotId())) {
                    groupDifferences.add("snapshotId " + entry.getSnapshotId() + ", expected " + changedIn.snapshotId()
                            + " of step " + step);
                }
                if (!changedIn.fetchedAt().equals(entry.getSnapshotAt())) {
                    groupDifferences.add("snapshotAt " + entry.getSnapshotAt() + ", expected " + changedIn.fetchedAt()
                            + " of step " + step);
                }
                if (!groupDifferences.isEmpty()) {
                    differences.add(groupKey + ": " + String.join(", ", groupDifferences));
                }
            }
        }
        new TreeMap<>(catalog).forEach((key, entry) -> {
            if (entry != null && !expectedKeys.contains(key)) {
                differences.add(key + " in the catalog but not expected (name '" + entry.getGroup().getName()
                        + "'): removed, never listed or of another source");
            }
        });
        return differences;
    }

    /** Identity of an event: what an expected event and a record are matched by. */
    private record EventKey(String sourceKey, int step, ChangeType type, String permissionId) {

        static EventKey of(final ExpectedEvent event) {
            return new EventKey(event.sourceKey(), event.step(), event.type(), event.permissionId());
        }

        String groupKey() {
            return sourceKey + "/" + permissionId;
        }

        String describe() {
            return sourceKey + " step " + step + " " + type + " " + permissionId;
        }
    }

    /** Matches the records one by one against the expected events and collects the differences. */
    private static final class Comparison {

        private final Map<EventKey, ExpectedEvent> expectedByKey;
        private final Map<String, Map<String, Integer>> stepsBySnapshot;
        private final Map<String, List<WrittenSnapshot>> written;
        private final Set<EventKey> seen = new HashSet<>();
        private final Map<String, String> firstByEventId = new HashMap<>();
        private final Map<String, List<EventKey>> readByGroup = new HashMap<>();
        private final List<String> extra = new ArrayList<>();
        private final List<String> duplicates = new ArrayList<>();
        private final List<String> mismatched = new ArrayList<>();

        Comparison(final Map<EventKey, ExpectedEvent> expectedByKey,
                   final Map<String, Map<String, Integer>> stepsBySnapshot,
                   final Map<String, List<WrittenSnapshot>> written) {
            this.expectedByKey = expectedByKey;
            this.stepsBySnapshot = stepsBySnapshot;
            this.written = written;
        }

        void add(final ConsumerRecord<String, ChangeEvent> record) {
            final String where = "partition " + record.partition() + " offset " + record.offset();
            final ChangeEvent event = record.value();
            if (event == null) {
                extra.add("record with key " + record.key() + " and no value at " + where);
                return;
            }
            final String sourceKey = Sources.key(event.getSource());
            final Map<String, Integer> steps = stepsBySnapshot.get(sourceKey);
            if (steps == null) {
                extra.add(sourceKey + " " + event.getType() + " " + event.getPermissionId() + " at " + where
                        + ": the source is not in the series");
                return;
            }
            final Integer step = steps.get(event.getSnapshotId());
            if (step == null) {
                extra.add(sourceKey + " snapshot " + event.getSnapshotId() + " " + event.getType() + " "
                        + event.getPermissionId() + " at " + where + ": the poller wrote no such snapshot");
                return;
            }

            final EventKey key = new EventKey(sourceKey, step, event.getType(), event.getPermissionId());
            final String firstWithId = firstByEventId.putIfAbsent(event.getEventId(), key.describe() + " at " + where);
            if (!seen.add(key)) {
                duplicates.add(key.describe() + " read again at " + where);
                return;
            }
            if (firstWithId != null) {
                duplicates.add(key.describe() + " at " + where + " repeats event id " + event.getEventId() + " of "
                        + firstWithId);
            }
            final ExpectedEvent expected = expectedByKey.get(key);
            if (expected == null) {
                extra.add(key.describe() + " at " + where);
                return;
            }
            readByGroup.computeIfAbsent(key.groupKey(), group -> new ArrayList<>()).add(key);
            final List<String> differences = differences(expected, record);
            if (!differences.isEmpty()) {
                mismatched.add(key.describe() + " at " + where + ": " + String.join(", ", differences));
            }
        }

        private List<String> differences(final ExpectedEvent expected, final ConsumerRecord<String, ChangeEvent> record) {
            final ChangeEvent event = record.value();
            final List<String> differences = new ArrayList<>();
            final String groupKey = Sources.groupKey(event.getSource(), event.getPermissionId());
            if (!groupKey.equals(record.key())) {
                differences.add("record key " + record.key() + ", expected " + groupKey);
            }
            if (!expected.changedFields().equals(List.copyOf(event.getChangedFields()))) {
                differences.add("changedFields " + event.getChangedFields() + ", expected " + expected.changedFields());
            }
            differences.addAll(GroupComparison.differences("before", expected.before(), event.getBefore()));
            differences.addAll(GroupComparison.differences("after", expected.after(), event.getAfter()));

            final List<WrittenSnapshot> snapshots = written.get(expected.sourceKey());
            final WrittenSnapshot previous = snapshots.get(expected.step() - 1);
            if (!previous.snapshotId().equals(event.getPreviousSnapshotId())) {
                differences.add("previousSnapshotId " + event.getPreviousSnapshotId() + ", expected "
                        + previous.snapshotId() + " of step " + (expected.step() - 1));
            }
            if (!previous.fetchedAt().equals(event.getPreviousSnapshotAt())) {
                differences.add("previousSnapshotAt " + event.getPreviousSnapshotAt() + ", expected "
                        + previous.fetchedAt() + " of step " + (expected.step() - 1));
            }
            final WrittenSnapshot current = snapshots.get(expected.step());
            if (!current.fetchedAt().equals(event.getSnapshotAt())) {
                differences.add("snapshotAt " + event.getSnapshotAt() + ", expected " + current.fetchedAt()
                        + " of step " + expected.step());
            }
            final String eventId = SnapshotHashing.eventId(event.getSource(), event.getSnapshotId(),
                    event.getPermissionId(), event.getType());
            if (!eventId.equals(event.getEventId())) {
                differences.add("eventId " + event.getEventId() + ", expected " + eventId);
            }
            if (event.getBaseline()) {
                differences.add("baseline true, expected false after step 0");
            }
            return differences;
        }
    }

    /** Compares two permission groups the way the oracle does: scopes as a set, everything else exactly. */
    static final class GroupComparison {

        private GroupComparison() {
        }

        /**
         * Returns one item per differing field, each starting with {@code label}, or none when equal.
         *
         * @param expected the expected group, or null when none is expected
         * @param actual   the group read, or null
         */
        static List<String> differences(final String label, final PermissionGroup expected,
                                        final PermissionGroup actual) {
            if (expected == null || actual == null) {
                return expected == actual ? List.of()
                        : List.of(label + (expected == null ? " is set, expected none" : " is missing"));
            }
            final List<String> differences = new ArrayList<>();
            compare(differences, label + ".id", expected.getId(), actual.getId());
            compare(differences, label + ".name", expected.getName(), actual.getName());
            compare(differences, label + ".description", expected.getDescription(), actual.getDescription());
            compare(differences, label + ".scopes", expected.getScopes() == null ? null : Set.copyOf(expected.getScopes()),
                    actual.getScopes() == null ? null : Set.copyOf(actual.getScopes()));
            compare(differences, label + ".extraFields", extraFields(expected), extraFields(actual));
            return differences;
        }

        private static void compare(final List<String> differences, final String field, final Object expected,
                                    final Object actual) {
            if (!Objects.equals(expected, actual)) {
                differences.add(field + " " + quote(actual) + ", expected " + quote(expected));
            }
        }

        private static Map<String, String> extraFields(final PermissionGroup group) {
            return group.getExtraFields() == null ? Map.of() : Map.copyOf(group.getExtraFields());
        }

        private static String quote(final Object value) {
            return value instanceof String text ? "'" + text.replace("\n", "\\n") + "'" : String.valueOf(value);
        }
    }
}
