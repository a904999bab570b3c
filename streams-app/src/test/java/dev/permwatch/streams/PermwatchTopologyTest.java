package dev.permwatch.streams;

import dev.permwatch.avro.CatalogEntry;
import dev.permwatch.avro.ChangeEvent;
import dev.permwatch.avro.ChangeType;
import dev.permwatch.avro.DiffOutcome;
import dev.permwatch.avro.DiffReport;
import dev.permwatch.avro.PermissionGroup;
import dev.permwatch.avro.Snapshot;
import dev.permwatch.avro.Source;
import dev.permwatch.avro.SourceState;
import dev.permwatch.schemas.Sources;
import dev.permwatch.streams.diff.RemovalPolicy;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.permwatch.streams.TestSnapshots.DNS_READ_ID;
import static dev.permwatch.streams.TestSnapshots.LOGS_WRITE_ACCOUNT_ID;
import static dev.permwatch.streams.TestSnapshots.LOGS_WRITE_ZONE_ID;
import static dev.permwatch.streams.TestSnapshots.TUNNEL_READ_ID;
import static dev.permwatch.streams.TestSnapshots.group;
import static dev.permwatch.streams.TestSnapshots.idAndName;
import static dev.permwatch.streams.TestSnapshots.snapshot;
import static dev.permwatch.streams.TestSnapshots.withExtra;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

class PermwatchTopologyTest {

    private static final Instant T1 = Instant.parse("2025-03-01T00:00:00Z");
    private static final Instant T2 = Instant.parse("2025-03-01T00:05:00Z");
    private static final Instant T3 = Instant.parse("2025-03-01T00:10:00Z");
    private static final Instant NOW = Instant.parse("2025-03-02T08:00:00Z");
    private static final Source USER = Sources.user();
    private static final Source ACCOUNT = Sources.account("0123456789abcdef0123456789abcdef");

    private static final PermissionGroup DNS_READ =
            group(DNS_READ_ID, "DNS Read", "Grants read access to DNS", "com.cloudflare.api.account.zone");
    private static final PermissionGroup TUNNEL_READ =
            group(TUNNEL_READ_ID, "Argo Tunnel Read", "Grants access to view Argo Tunnels", "com.cloudflare.api.account");

    @TempDir
    Path stateDir;

    private final String registryScope = "topology-" + UUID.randomUUID();
    private TopologyHarness harness;

    @BeforeEach
    void startDriver() {
        harness = start(settings(false), StreamsConfig.EXACTLY_ONCE_V2);
    }

    @AfterEach
    void closeDriver() {
        harness.close();
    }

    @Test
    void shouldMatchByIdWhenNameIsDuplicated() {
        final PermissionGroup accountLogs = group(LOGS_WRITE_ACCOUNT_ID, "Logs Write",
                "Grants write access to logpush jobs", "com.cloudflare.api.account");
        final PermissionGroup zoneLogs = group(LOGS_WRITE_ZONE_ID, "Logs Write",
                "Grants write access to logpush jobs", "com.cloudflare.api.account.zone");
        final PermissionGroup zoneLogsDescribed = group(LOGS_WRITE_ZONE_ID, "Logs Write",
                "Grants write access to zone logpush jobs", "com.cloudflare.api.account.zone");

        harness.pipe(snapshot(USER, T1, accountLogs, zoneLogs));
        harness.pipe(snapshot(USER, T2, zoneLogsDescribed, accountLogs));

        final List<KeyValue<String, ChangeEvent>> changes = harness.readChanges();
        assertThat(changes).hasSize(1);
        assertThat(changes.get(0).key).isEqualTo("user/" + LOGS_WRITE_ZONE_ID);
        assertThat(changes.get(0).value.getType()).isEqualTo(ChangeType.UPDATED);
        assertThat(changes.get(0).value.getChangedFields()).containsExactly("description");
    }

    @Test
    void shouldEmitRenameWithOtherChangedFields() {
        final PermissionGroup renamed = group(TUNNEL_READ_ID, "Cloudflare Tunnel Read",
                "Grants access to view Cloudflare Tunnels", "com.cloudflare.api.account");

        harness.pipe(snapshot(USER, T1, DNS_READ, TUNNEL_READ));
        harness.pipe(snapshot(USER, T2, DNS_READ, renamed));

        final List<KeyValue<String, ChangeEvent>> changes = harness.readChanges();
        assertThat(changes).hasSize(1);
        final ChangeEvent event = changes.get(0).value;
        assertThat(event.getType()).isEqualTo(ChangeType.RENAMED);
        assertThat(event.getChangedFields()).containsExactly("description", "name");
        assertThat(event.getBefore().getName()).isEqualTo("Argo Tunnel Read");
        assertThat(event.getAfter().getName()).isEqualTo("Cloudflare Tunnel Read");
        assertThat(event.getDetectedAt()).isEqualTo(NOW);
    }

    @Test
    void shouldEmitUpdateWhenNameIsUnchanged() {
        final PermissionGroup selectable = withExtra(DNS_READ, Map.of("is_selectable", "true"));
        final PermissionGroup unselectable = withExtra(DNS_READ, Map.of("is_selectable", "false"));

        harness.pipe(snapshot(USER, T1, selectable));
        harness.pipe(snapshot(USER, T2, unselectable));

        final List<KeyValue<String, ChangeEvent>> changes = harness.readChanges();
        assertThat(changes).hasSize(1);
        assertThat(changes.get(0).value.getType()).isEqualTo(ChangeType.UPDATED);
        assertThat(changes.get(0).value.getChangedFields()).containsExactly("is_selectable");
        assertThat(harness.readCatalog()).extracting(record -> record.value.getGroup().getExtraFields())
                .containsExactly(Map.of("is_selectable", "true"), Map.of("is_selectable", "false"));
    }

    @Test
    void shouldCompareScopesAsSets() {
        final PermissionGroup twoScopes = group(DNS_READ_ID, "DNS Read", "Grants read access to DNS",
                "com.cloudflare.api.account.zone", "com.cloudflare.edge.r2.bucket");
        final PermissionGroup swapped = group(DNS_READ_ID, "DNS Read", "Grants read access to DNS",
                "com.cloudflare.edge.r2.bucket", "com.cloudflare.api.account.zone");
        final PermissionGroup narrowed = group(DNS_READ_ID, "DNS Read", "Grants read access to DNS",
                "com.cloudflare.edge.r2.bucket");

        harness.pipe(snapshot(USER, T1, twoScopes));
        harness.pipe(snapshot(USER, T2, swapped));
        harness.pipe(snapshot(USER, T3, narrowed));

        final List<KeyValue<String, ChangeEvent>> changes = harness.readChanges();
        assertThat(changes).hasSize(1);
        assertThat(changes.get(0).value.getChangedFields()).containsExactly("scopes");
        assertThat(changes.get(0).value.getSnapshotAt()).isEqualTo(T3);
    }

    @Test
    void shouldCompareDescriptionsExactlyIncludingTrailingNewline() {
        final PermissionGroup withNewline = group(DNS_READ_ID, "DNS Read", "Grants read access to DNS\n",
                "com.cloudflare.api.account.zone");

        harness.pipe(snapshot(USER, T1, DNS_READ));
        harness.pipe(snapshot(USER, T2, withNewline));

        final List<KeyValue<String, ChangeEvent>> changes = harness.readChanges();
        assertThat(changes).hasSize(1);
        assertThat(changes.get(0).value.getType()).isEqualTo(ChangeType.UPDATED);
        assertThat(changes.get(0).value.getAfter().getDescription()).isEqualTo("Grants read access to DNS\n");
    }

    @Test
    void reorderedSnapshotEmitsNothing() {
        harness.pipe(snapshot(USER, T1, DNS_READ, TUNNEL_READ));
        harness.readCatalog();

        harness.pipe(snapshot(USER, T2, TUNNEL_READ, DNS_READ));
        harness.pipe(snapshot(USER, T3, TUNNEL_READ, DNS_READ));

        assertThat(harness.readChanges()).isEmpty();
        assertThat(harness.readCatalog()).isEmpty();
        assertThat(harness.readDiffReports()).extracting(record -> record.value.getOutcome())
                .containsExactly(DiffOutcome.BASELINE, DiffOutcome.DIFFED, DiffOutcome.DIFFED);
    }

    @Test
    void shouldCarryAbsentFieldsForward() {
        harness.pipe(snapshot(USER, T1, TUNNEL_READ));
        harness.pipe(snapshot(USER, T2, idAndName(TUNNEL_READ_ID, "Argo Tunnel Read")));
        harness.pipe(snapshot(USER, T3, idAndName(TUNNEL_READ_ID, "Cloudflare Tunnel Read")));

        final List<KeyValue<String, ChangeEvent>> changes = harness.readChanges();
        assertThat(changes).hasSize(1);
        final ChangeEvent rename = changes.get(0).value;
        assertThat(rename.getChangedFields()).containsExactly("name");
        assertThat(rename.getAfter().getDescription()).isEqualTo("Grants access to view Argo Tunnels");
        assertThat(rename.getAfter().getScopes()).containsExactly("com.cloudflare.api.account");
        final Snapshot stored = harness.storedState("user", TopologySettings.DEFAULT_STORE_NAME).getLastSnapshot();
        assertThat(stored.getGroups().get(0).getDescription()).isEqualTo("Grants access to view Argo Tunnels");
    }

    @Test
    void shouldCatalogButNotReportFieldSeenForFirstTime() {
        harness.pipe(snapshot(USER, T1, idAndName(DNS_READ_ID, "DNS Read")));
        harness.readCatalog();

        final Snapshot detailed = snapshot(USER, T2, DNS_READ);
        harness.pipe(detailed);

        assertThat(harness.readChanges()).isEmpty();
        final List<KeyValue<String, CatalogEntry>> catalog = harness.readCatalog();
        assertThat(catalog).hasSize(1);
        assertThat(catalog.get(0).key).isEqualTo("user/" + DNS_READ_ID);
        assertThat(catalog.get(0).value.getGroup().getDescription()).isEqualTo("Grants read access to DNS");
        assertThat(catalog.get(0).value.getSnapshotId()).isEqualTo(detailed.getSnapshotId());
    }

    @Test
    void baselineIsSilentButFillsCatalog() {
        final Snapshot first = snapshot(USER, T1, DNS_READ, TUNNEL_READ);

        harness.pipe(first);

        assertThat(harness.readChanges()).isEmpty();
        assertThat(harness.readCatalog()).extracting(record -> record.key)
                .containsExactly("user/" + DNS_READ_ID, "user/" + TUNNEL_READ_ID);
        final List<KeyValue<String, DiffReport>> reports = harness.readDiffReports();
        assertThat(reports).hasSize(1);
        assertThat(reports.get(0).value.getOutcome()).isEqualTo(DiffOutcome.BASELINE);
        assertThat(reports.get(0).value.getGroupCount()).isEqualTo(2);
    }

    @Test
    void shouldEmitBaselineAddedWhenOptionIsOn() {
        harness.close();
        harness = start(settings(true), StreamsConfig.EXACTLY_ONCE_V2);

        harness.pipe(snapshot(USER, T1, DNS_READ, TUNNEL_READ));

        final List<KeyValue<String, ChangeEvent>> changes = harness.readChanges();
        assertThat(changes).extracting(record -> record.key, record -> record.value.getType(),
                        record -> record.value.getBaseline())
                .containsExactly(
                        tuple("user/" + DNS_READ_ID, ChangeType.ADDED, true),
                        tuple("user/" + TUNNEL_READ_ID, ChangeType.ADDED, true));
        assertThat(harness.readDiffReports().get(0).value.getAdded()).isEqualTo(2);
    }

    @Test
    void shouldIgnoreStaleSnapshotAndReportIt() {
        final Snapshot newer = snapshot(USER, T2, DNS_READ);
        final Snapshot older = snapshot(USER, T1, DNS_READ, TUNNEL_READ);
        final Snapshot latest = snapshot(USER, T3, DNS_READ);

        harness.pipe(newer);
        harness.pipe(older);
        harness.pipe(latest);

        assertThat(harness.readChanges()).isEmpty();
        final List<KeyValue<String, DiffReport>> reports = harness.readDiffReports();
        assertThat(reports).extracting(record -> record.value.getOutcome())
                .containsExactly(DiffOutcome.BASELINE, DiffOutcome.STALE_IGNORED, DiffOutcome.DIFFED);
        assertThat(reports.get(1).value.getSnapshotId()).isEqualTo(older.getSnapshotId());
        assertThat(harness.storedState("user", TopologySettings.DEFAULT_STORE_NAME).getLastSnapshot().getSnapshotId())
                .isEqualTo(latest.getSnapshotId());
    }

    @Test
    void shouldTombstoneCatalogEntryWhenGroupIsRemoved() {
        harness.pipe(snapshot(USER, T1, DNS_READ, TUNNEL_READ));
        harness.readCatalog();

        harness.pipe(snapshot(USER, T2, DNS_READ));

        final List<KeyValue<String, ChangeEvent>> changes = harness.readChanges();
        assertThat(changes).hasSize(1);
        assertThat(changes.get(0).value.getType()).isEqualTo(ChangeType.REMOVED);
        assertThat(changes.get(0).value.getAfter()).isNull();
        final List<KeyValue<String, CatalogEntry>> catalog = harness.readCatalog();
        assertThat(catalog).hasSize(1);
        assertThat(catalog.get(0).key).isEqualTo("user/" + TUNNEL_READ_ID);
        assertThat(catalog.get(0).value).isNull();
    }

    @Test
    void shouldWriteOneDiffReportPerSnapshot() {
        final Snapshot first = snapshot(USER, T1, DNS_READ);
        final Snapshot second = snapshot(USER, T2, DNS_READ, TUNNEL_READ);
        final Snapshot third = snapshot(USER, T3, DNS_READ, TUNNEL_READ);

        harness.pipe(first);
        harness.pipe(second);
        harness.pipe(third);

        final List<KeyValue<String, DiffReport>> reports = harness.readDiffReports();
        assertThat(reports).extracting(record -> record.key).containsExactly("user", "user", "user");
        assertThat(reports).extracting(record -> record.value.getSnapshotId())
                .containsExactly(first.getSnapshotId(), second.getSnapshotId(), third.getSnapshotId());
        assertThat(reports).extracting(record -> record.value.getAdded()).containsExactly(0, 1, 0);
        assertThat(reports).extracting(record -> record.value.getProcessedAt()).containsOnly(NOW);
    }

    @Test
    void shouldKeepSourcesSeparate() {
        harness.pipe(snapshot(USER, T1, DNS_READ));
        harness.pipe(snapshot(ACCOUNT, T1, TUNNEL_READ));
        harness.pipe(snapshot(USER, T2, DNS_READ));
        harness.pipe(snapshot(ACCOUNT, T2, TUNNEL_READ, DNS_READ));

        final List<KeyValue<String, ChangeEvent>> changes = harness.readChanges();
        assertThat(changes).hasSize(1);
        assertThat(changes.get(0).key).isEqualTo("account:0123456789abcdef0123456789abcdef/" + DNS_READ_ID);
        assertThat(changes.get(0).value.getType()).isEqualTo(ChangeType.ADDED);
        assertThat(changes.get(0).value.getSource()).isEqualTo(ACCOUNT);
        assertThat(harness.readDiffReports()).extracting(record -> record.value.getOutcome())
                .containsExactly(DiffOutcome.BASELINE, DiffOutcome.BASELINE, DiffOutcome.DIFFED, DiffOutcome.DIFFED);
    }

    @Test
    void sourceStateStoreIsPersistentWithChangelog() {
        // NOTE: a restart on the same state directory cannot be tested with TopologyTestDriver 4.4,
        // because its close() deletes every task directory (StateDirectory.clean()). This checks the
        // store definition instead. Restart behaviour needs a test against a real broker.
        final StoreBuilder<KeyValueStore<String, SourceState>> builder = PermwatchTopology.sourceStateStore(
                settings(false), Map.of("schema.registry.url", "mock://" + registryScope));

        final KeyValueStore<String, SourceState> store = builder.build();

        assertThat(builder.name()).isEqualTo("permwatch-source-state");
        assertThat(builder.loggingEnabled()).isTrue();
        assertThat(store.persistent()).isTrue();
    }

    @Test
    void shouldRejectRecordWhoseKeyDiffersFromSource() {
        harness.pipe("account:0123456789abcdef0123456789abcdef", snapshot(USER, T1, DNS_READ));
        harness.pipe(null, snapshot(USER, T1, DNS_READ));

        assertThat(harness.readDiffReports()).isEmpty();
        assertThat(harness.readCatalog()).isEmpty();
        assertThat(harness.storedState("user", TopologySettings.DEFAULT_STORE_NAME)).isNull();
    }

    @Test
    void shouldRejectTombstoneAndDuplicateIds() {
        harness.pipe("user", null);
        harness.pipe(snapshot(USER, T1, DNS_READ, DNS_READ));
        harness.pipe(snapshot(USER, T2, DNS_READ));

        assertThat(harness.readDiffReports()).extracting(record -> record.value.getOutcome())
                .containsExactly(DiffOutcome.BASELINE);
        assertThat(harness.metricValue("rejected-snapshots-total", "stream-permwatch-metrics")).isEqualTo(2.0);
    }

    /**
     * Returns settings that remove a group at its first absence and never hold removals, because
     * these tests are about other behaviour.
     */
    private TopologySettings settings(final boolean emitBaselineAdded) {
        return TopologySettings.defaults()
                .withEmitBaselineAdded(emitBaselineAdded)
                .withRemovalPolicy(RemovalPolicy.immediate())
                .withClock(Clock.fixed(NOW, ZoneOffset.UTC));
    }

    private TopologyHarness start(final TopologySettings settings, final String guarantee) {
        return new TopologyHarness(settings, registryScope, stateDir, guarantee);
    }
}
