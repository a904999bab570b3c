package dev.permwatch.streams;

import dev.permwatch.avro.Alert;
import dev.permwatch.avro.AlertKind;
import dev.permwatch.avro.AlertSeverity;
import dev.permwatch.avro.CatalogEntry;
import dev.permwatch.avro.ChangeEvent;
import dev.permwatch.avro.ChangeType;
import dev.permwatch.avro.DiffOutcome;
import dev.permwatch.avro.DiffReport;
import dev.permwatch.avro.OperatorCommand;
import dev.permwatch.avro.OperatorCommandType;
import dev.permwatch.avro.PermissionGroup;
import dev.permwatch.avro.Snapshot;
import dev.permwatch.avro.Source;
import dev.permwatch.avro.SourceState;
import dev.permwatch.schemas.Sources;
import dev.permwatch.streams.diff.RemovalPolicy;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.IntStream;

import static dev.permwatch.streams.TestSnapshots.group;
import static dev.permwatch.streams.TestSnapshots.snapshot;
import static org.assertj.core.api.Assertions.assertThat;

/** Removal confirmation, the shrink guard and operator confirmation, through the production topology. */
class RemovalConfirmationTest {

    private static final Instant T0 = Instant.parse("2025-03-01T00:00:00Z");
    private static final Instant NOW = Instant.parse("2025-03-02T08:00:00Z");
    private static final Source USER = Sources.user();

    @TempDir
    Path stateDir;

    private TopologyHarness harness;
    private int snapshotCount;

    @AfterEach
    void closeDriver() {
        if (harness != null) {
            harness.close();
        }
    }

    @Test
    void absenceShorterThanConfirmationsEmitsNothing() {
        start(RemovalPolicy.defaults().withConfirmations(3));
        final List<PermissionGroup> all = groups(20);

        pipe(all);
        pipe(without(all, 0));
        pipe(without(all, 0));
        assertThat(harness.readChanges()).isEmpty();
        assertThat(harness.readCatalog()).hasSize(20);
        assertThat(state().getPendingAbsences()).containsEntry(id(0), 2);
        assertThat(state().getLastSnapshot().getGroups()).hasSize(20);

        pipe(all);

        assertThat(harness.readChanges()).isEmpty();
        assertThat(harness.readCatalog()).isEmpty();
        assertThat(state().getPendingAbsences()).isEmpty();
        assertThat(harness.readAlerts()).isEmpty();
    }

    @Test
    void returnWithChangedNameEmitsOnlyRename() {
        start(RemovalPolicy.defaults());
        final List<PermissionGroup> all = groups(20);
        pipe(all);
        pipe(without(all, 0));

        final List<PermissionGroup> renamed = new ArrayList<>(all);
        renamed.set(0, PermissionGroup.newBuilder(all.get(0)).setName("Renamed Group").build());
        pipe(renamed);

        final List<ChangeEvent> changes = values(harness.readChanges());
        assertThat(changes).extracting(ChangeEvent::getType).containsExactly(ChangeType.RENAMED);
        assertThat(changes.get(0).getBefore().getName()).isEqualTo("Group 0");
    }

    @Test
    void absenceForConfirmationsEmitsRemovedOnce() {
        start(RemovalPolicy.defaults());
        final List<PermissionGroup> all = groups(20);
        pipe(all);
        harness.readCatalog();

        pipe(without(all, 0));
        assertThat(harness.readChanges()).isEmpty();
        assertThat(harness.readCatalog()).isEmpty();

        final Snapshot confirming = pipe(without(all, 0));
        final List<ChangeEvent> changes = values(harness.readChanges());
        assertThat(changes).extracting(ChangeEvent::getType).containsExactly(ChangeType.REMOVED);
        final ChangeEvent removed = changes.get(0);
        assertThat(removed.getPermissionId()).isEqualTo(id(0));
        assertThat(removed.getBefore()).isEqualTo(all.get(0));
        assertThat(removed.getSnapshotId()).isEqualTo(confirming.getSnapshotId());
        final List<KeyValue<String, CatalogEntry>> catalog = harness.readCatalog();
        assertThat(catalog).extracting(record -> record.key).containsExactly("user/" + id(0));
        assertThat(catalog.get(0).value).isNull();
        assertThat(harness.readDiffReports()).extracting(record -> record.value.getRemoved()).containsExactly(0, 0, 1);

        pipe(without(all, 0));
        assertThat(harness.readChanges()).isEmpty();
        assertThat(state().getPendingAbsences()).isEmpty();
        assertThat(state().getLastSnapshot().getGroups()).hasSize(19);
    }

    @Test
    void oneConfirmationRemovesAtFirstAbsence() {
        start(RemovalPolicy.defaults().withConfirmations(1));
        final List<PermissionGroup> all = groups(20);
        pipe(all);

        pipe(without(all, 3));

        final List<ChangeEvent> changes = values(harness.readChanges());
        assertThat(changes).extracting(ChangeEvent::getType, ChangeEvent::getPermissionId)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(ChangeType.REMOVED, id(3)));
        assertThat(state().getPendingAbsences()).isEmpty();
    }

    @Test
    void shrinkBeyondShareIsHeld() {
        start(RemovalPolicy.defaults());
        final List<PermissionGroup> all = groups(40);
        pipe(all);
        harness.readCatalog();

        final List<PermissionGroup> shrunk = new ArrayList<>(without(all, 0, 1, 2, 3, 4));
        shrunk.add(group(id(100), "Group 100", "New group", "com.cloudflare.api.account"));
        final Snapshot holding = pipe(shrunk);

        final List<ChangeEvent> changes = values(harness.readChanges());
        assertThat(changes).extracting(ChangeEvent::getType).containsExactly(ChangeType.ADDED);
        assertThat(harness.readCatalog()).extracting(record -> record.key).containsExactly("user/" + id(100));
        final Alert alert = onlyAlert();
        assertThat(alert.getKind()).isEqualTo(AlertKind.REMOVALS_HELD);
        assertThat(alert.getSeverity()).isEqualTo(AlertSeverity.CRITICAL);
        assertThat(alert.getSource()).isEqualTo(USER);
        assertThat(alert.getSnapshotId()).isEqualTo(holding.getSnapshotId());
        assertThat(alert.getPermissionIds()).containsExactly(id(0), id(1), id(2), id(3), id(4));
        assertThat(alert.getDetails()).containsEntry("heldCount", "5")
                .containsEntry("catalogSize", "40")
                .containsEntry("maxShare", "0.1")
                .containsEntry("maxCount", "25")
                .containsEntry("confirmations", "2");
        assertThat(alert.getDetails().get("reason")).isEqualTo("more than the maximum share 10.0%");
        assertThat(alert.getMessage()).contains(holding.getSnapshotId(), "5 of the 40", "12.5%");
        assertThat(alert.getAction()).contains("permwatch confirm-removals --source user --snapshot "
                + holding.getSnapshotId());
        assertThat(alert.getRaisedAt()).isEqualTo(NOW);
        assertThat(state().getLastSnapshot().getGroups()).hasSize(41);
        assertThat(state().getHeldRemovals()).hasSize(1);
    }

    @Test
    void shrinkBeyondCountIsHeld() {
        start(RemovalPolicy.defaults());
        final List<PermissionGroup> all = groups(300);
        pipe(all);

        final int[] gone = IntStream.range(0, 26).toArray();
        pipe(without(all, gone));

        assertThat(harness.readChanges()).isEmpty();
        final Alert alert = onlyAlert();
        assertThat(alert.getKind()).isEqualTo(AlertKind.REMOVALS_HELD);
        assertThat(alert.getPermissionIds()).hasSize(26);
        assertThat(alert.getDetails()).containsEntry("heldCount", "26").containsEntry("catalogSize", "300");
        assertThat(alert.getDetails().get("reason")).isEqualTo("more than the maximum count 25");
    }

    @Test
    void shrinkAtLimitsIsNotHeld() {
        start(RemovalPolicy.defaults().withConfirmations(1));
        final List<PermissionGroup> all = groups(250);
        pipe(all);

        pipe(without(all, IntStream.range(0, 25).toArray()));

        assertThat(harness.readChanges()).hasSize(25);
        assertThat(harness.readAlerts()).isEmpty();
    }

    @Test
    void heldRemovalsConfirmedByLaterSnapshots() {
        start(RemovalPolicy.defaults());
        final List<PermissionGroup> all = groups(40);
        pipe(all);
        final List<PermissionGroup> shrunk = without(all, 0, 1, 2, 3, 4);
        final Snapshot holding = pipe(shrunk);
        harness.readAlerts();
        harness.readCatalog();

        pipe(shrunk);
        assertThat(harness.readChanges()).isEmpty();
        assertThat(harness.readAlerts()).isEmpty();

        final Snapshot confirming = pipe(shrunk);
        final List<ChangeEvent> changes = values(harness.readChanges());
        assertThat(changes).extracting(ChangeEvent::getType).containsOnly(ChangeType.REMOVED);
        assertThat(changes).extracting(ChangeEvent::getPermissionId)
                .containsExactly(id(0), id(1), id(2), id(3), id(4));
        assertThat(harness.readCatalog()).extracting(record -> record.value).containsOnlyNulls().hasSize(5);
        final Alert alert = onlyAlert();
        assertThat(alert.getKind()).isEqualTo(AlertKind.HELD_REMOVALS_CONFIRMED);
        assertThat(alert.getSnapshotId()).isEqualTo(holding.getSnapshotId());
        assertThat(alert.getPermissionIds()).hasSize(5);
        assertThat(alert.getDetails()).containsEntry("confirmedBy", "snapshots")
                .containsEntry("confirmingSnapshotId", confirming.getSnapshotId());
        assertThat(state().getHeldRemovals()).isEmpty();

        pipe(shrunk);
        assertThat(harness.readChanges()).isEmpty();
    }

    @Test
    void heldRemovalsDiscardedWhenGroupsReturn() {
        start(RemovalPolicy.defaults());
        final List<PermissionGroup> all = groups(40);
        pipe(all);
        final Snapshot holding = pipe(without(all, 0, 1, 2, 3, 4));
        harness.readAlerts();

        pipe(all);
        pipe(all);
        pipe(all);

        assertThat(harness.readChanges()).isEmpty();
        final Alert alert = onlyAlert();
        assertThat(alert.getKind()).isEqualTo(AlertKind.HELD_REMOVALS_DISCARDED);
        assertThat(alert.getSnapshotId()).isEqualTo(holding.getSnapshotId());
        assertThat(alert.getPermissionIds()).containsExactly(id(0), id(1), id(2), id(3), id(4));
        assertThat(alert.getDetails()).containsEntry("stillHeldCount", "0");
        assertThat(state().getHeldRemovals()).isEmpty();
        assertThat(state().getLastSnapshot().getGroups()).hasSize(40);
    }

    @Test
    void partialReturnKeepsRestHeld() {
        start(RemovalPolicy.defaults());
        final List<PermissionGroup> all = groups(40);
        pipe(all);
        pipe(without(all, 0, 1, 2, 3, 4));
        harness.readAlerts();

        pipe(without(all, 3, 4));
        final Alert discarded = onlyAlert();
        assertThat(discarded.getPermissionIds()).containsExactly(id(0), id(1), id(2));
        assertThat(discarded.getDetails()).containsEntry("stillHeldCount", "2");
        assertThat(harness.readChanges()).isEmpty();

        pipe(without(all, 3, 4));
        assertThat(values(harness.readChanges())).extracting(ChangeEvent::getPermissionId)
                .containsExactly(id(3), id(4));
        assertThat(onlyAlert().getKind()).isEqualTo(AlertKind.HELD_REMOVALS_CONFIRMED);
    }

    @Test
    void operatorConfirmReleasesExactlyHeldRemovals() {
        start(RemovalPolicy.defaults());
        final List<PermissionGroup> all = groups(40);
        pipe(all);
        pipe(without(all, 39));
        final Snapshot holding = pipe(without(all, 39, 0, 1, 2, 3, 4));
        harness.readAlerts();
        harness.readCatalog();
        // Group 39 was absent twice, so its own removal is confirmed; the five others are held.
        assertThat(values(harness.readChanges())).extracting(ChangeEvent::getPermissionId).containsExactly(id(39));

        harness.command("user", command(holding.getSnapshotId()));

        final List<ChangeEvent> changes = values(harness.readChanges());
        assertThat(changes).extracting(ChangeEvent::getType).containsOnly(ChangeType.REMOVED);
        assertThat(changes).extracting(ChangeEvent::getPermissionId)
                .containsExactly(id(0), id(1), id(2), id(3), id(4));
        assertThat(changes.get(0).getSnapshotId()).isEqualTo(holding.getSnapshotId());
        assertThat(changes.get(0).getBefore()).isEqualTo(all.get(0));
        assertThat(harness.readCatalog()).extracting(record -> record.key)
                .containsExactly("user/" + id(0), "user/" + id(1), "user/" + id(2), "user/" + id(3), "user/" + id(4));
        final Alert alert = onlyAlert();
        assertThat(alert.getKind()).isEqualTo(AlertKind.HELD_REMOVALS_CONFIRMED);
        assertThat(alert.getDetails()).containsEntry("confirmedBy", "operator").containsEntry("requestedBy", "alice");
        assertThat(harness.readDiffReports()).hasSize(3);
        assertThat(state().getHeldRemovals()).isEmpty();
        assertThat(state().getPendingAbsences()).isEmpty();
        assertThat(state().getLastSnapshot().getGroups()).hasSize(34);

        harness.command("user", command(holding.getSnapshotId()));
        pipe(without(all, 39, 0, 1, 2, 3, 4));
        assertThat(harness.readChanges()).isEmpty();
        assertThat(harness.readAlerts()).isEmpty();
    }

    @Test
    void confirmWithWrongSnapshotIsRejected() {
        start(RemovalPolicy.defaults());
        final List<PermissionGroup> all = groups(40);
        pipe(all);
        final Snapshot holding = pipe(without(all, 0, 1, 2, 3, 4));
        harness.readAlerts();
        harness.readCatalog();
        final SourceState before = state();

        harness.command("user", command("0123456789abcdef0123456789abcdef"));

        assertThat(harness.readChanges()).isEmpty();
        assertThat(harness.readCatalog()).isEmpty();
        assertThat(harness.readAlerts()).isEmpty();
        assertThat(harness.readDeadLetters()).isEmpty();
        // Avro 1.12 equals() fails on a nullable timestamp inside a nested record, so compare the JSON form.
        assertThat(state().toString()).isEqualTo(before.toString());
        assertThat(state().getHeldRemovals().get(0).getSnapshotId()).isEqualTo(holding.getSnapshotId());
        assertThat(harness.metricValue("rejected-commands-total", "stream-permwatch-metrics")).isEqualTo(1.0);
    }

    @Test
    void duplicateSnapshotCountsNoSecondAbsence() {
        start(RemovalPolicy.defaults().withConfirmations(2));
        final List<PermissionGroup> all = groups(40);
        pipe(all);
        final Snapshot b = pipe(without(all, 39));
        harness.readChanges();
        harness.readCatalog();
        harness.readDiffReports();
        final String stateAfterB = state().toString();

        harness.pipe(Snapshot.newBuilder(b).build());

        assertThat(harness.readChanges()).isEmpty();
        assertThat(harness.readCatalog()).isEmpty();
        assertThat(harness.readAlerts()).isEmpty();
        final List<KeyValue<String, DiffReport>> duplicateReports = harness.readDiffReports();
        assertThat(duplicateReports).hasSize(1);
        final DiffReport duplicateReport = duplicateReports.get(0).value;
        assertThat(duplicateReport.getOutcome()).isEqualTo(DiffOutcome.DUPLICATE_IGNORED);
        assertThat(duplicateReport.getSnapshotId()).isEqualTo(b.getSnapshotId());
        assertThat(duplicateReport.getRemoved()).isZero();
        assertThat(state().getPendingAbsences()).containsExactly(Map.entry(id(39), 1));
        // Avro 1.12 equals() fails on a nullable timestamp inside a nested record, so compare the JSON form.
        assertThat(state().toString()).isEqualTo(stateAfterB);

        pipe(all);

        assertThat(harness.readChanges()).isEmpty();
        assertThat(harness.readCatalog()).isEmpty();
        assertThat(harness.readDiffReports()).extracting(record -> record.value.getOutcome())
                .containsExactly(DiffOutcome.DIFFED);
        assertThat(state().getPendingAbsences()).isEmpty();
        assertThat(state().getLastSnapshot().getGroups()).hasSize(40);
    }

    @Test
    void replayRaisesAlertsWithSameIds() {
        final List<PermissionGroup> all = groups(40);
        final List<List<PermissionGroup>> series = List.of(all, without(all, 0, 1, 2, 3, 4),
                without(all, 0, 1, 2, 3, 4), without(all, 0, 1, 2, 3, 4));

        final List<String> firstIds = alertIdsOf(series);
        harness.close();
        snapshotCount = 0;
        final List<String> replayIds = alertIdsOf(series);

        assertThat(firstIds).hasSize(2);
        assertThat(replayIds).containsExactlyElementsOf(firstIds);
        assertThat(Set.copyOf(firstIds)).hasSize(2);
    }

    /** Runs a series through a fresh topology and returns the ids of the alerts it raised, in order. */
    private List<String> alertIdsOf(final List<List<PermissionGroup>> series) {
        start(RemovalPolicy.defaults());
        series.forEach(this::pipe);
        return harness.readAlerts().stream().map(record -> record.value.getAlertId()).toList();
    }

    private void start(final RemovalPolicy policy) {
        final TopologySettings settings = TopologySettings.defaults()
                .withRemovalPolicy(policy)
                .withClock(Clock.fixed(NOW, ZoneOffset.UTC));
        harness = new TopologyHarness(settings, "removals-" + UUID.randomUUID(), stateDir,
                StreamsConfig.EXACTLY_ONCE_V2);
    }

    /** Pipes a snapshot of {@code groups}, fetched one minute after the previous one. */
    private Snapshot pipe(final List<PermissionGroup> groups) {
        final Snapshot snapshot = snapshot(USER, T0.plus(Duration.ofMinutes(snapshotCount++)), groups);
        harness.pipe(snapshot);
        return snapshot;
    }

    private SourceState state() {
        return harness.storedState("user", TopologySettings.DEFAULT_STORE_NAME);
    }

    private Alert onlyAlert() {
        final List<KeyValue<String, Alert>> alerts = harness.readAlerts();
        assertThat(alerts).hasSize(1);
        assertThat(alerts.get(0).key).isEqualTo("user");
        return alerts.get(0).value;
    }

    private static OperatorCommand command(final String snapshotId) {
        return OperatorCommand.newBuilder()
                .setCommand(OperatorCommandType.CONFIRM_HELD_REMOVALS)
                .setSource(USER)
                .setSnapshotId(snapshotId)
                .setRequestedBy("alice")
                .setRequestedAt(NOW)
                .build();
    }

    private static String id(final int index) {
        return String.format(Locale.ROOT, "%032x", index);
    }

    private static List<PermissionGroup> groups(final int count) {
        return IntStream.range(0, count)
                .mapToObj(index -> group(id(index), "Group " + index, "Description " + index,
                        "com.cloudflare.api.account"))
                .toList();
    }

    private static List<PermissionGroup> without(final List<PermissionGroup> groups, final int... indexes) {
        final Set<String> absentIds = IntStream.of(indexes).mapToObj(RemovalConfirmationTest::id)
                .collect(java.util.stream.Collectors.toSet());
        return groups.stream().filter(group -> !absentIds.contains(group.getId())).toList();
    }

    private static List<ChangeEvent> values(final List<KeyValue<String, ChangeEvent>> records) {
        return records.stream().map(record -> record.value).toList();
    }
}
