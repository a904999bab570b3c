package dev.permwatch.streams.diff;

import dev.permwatch.avro.ChangeEvent;
import dev.permwatch.avro.ChangeType;
import dev.permwatch.avro.DiffOutcome;
import dev.permwatch.avro.PermissionGroup;
import dev.permwatch.avro.Snapshot;
import dev.permwatch.avro.Source;
import dev.permwatch.schemas.SnapshotHashing;
import dev.permwatch.schemas.Sources;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import static dev.permwatch.streams.TestSnapshots.DNS_READ_ID;
import static dev.permwatch.streams.TestSnapshots.LOGS_WRITE_ACCOUNT_ID;
import static dev.permwatch.streams.TestSnapshots.LOGS_WRITE_ZONE_ID;
import static dev.permwatch.streams.TestSnapshots.TUNNEL_READ_ID;
import static dev.permwatch.streams.TestSnapshots.group;
import static dev.permwatch.streams.TestSnapshots.idAndName;
import static dev.permwatch.streams.TestSnapshots.snapshot;
import static dev.permwatch.streams.TestSnapshots.withExtra;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

class SnapshotDiffTest {

    private static final Instant T1 = Instant.parse("2025-01-01T00:00:00Z");
    private static final Instant T2 = Instant.parse("2025-01-02T00:00:00Z");
    private static final Instant NOW = Instant.parse("2025-02-01T12:00:00.123Z");
    private static final Source USER = Sources.user();

    private static final PermissionGroup DNS_READ =
            group(DNS_READ_ID, "DNS Read", "Grants read access to DNS", "com.cloudflare.api.account.zone");
    private static final PermissionGroup TUNNEL_READ =
            group(TUNNEL_READ_ID, "Argo Tunnel Read", "Grants access to view Argo Tunnels", "com.cloudflare.api.account");

    private final SnapshotDiff diff = new SnapshotDiff(false, RemovalPolicy.immediate(), Clock.fixed(NOW, ZoneOffset.UTC));

    @Test
    void baselineEmitsNothingButCatalogsAll() {
        final Snapshot first = snapshot(USER, T1, DNS_READ, TUNNEL_READ);

        final DiffResult result = diffAgainst(diff, null, first);

        assertThat(result.events()).isEmpty();
        assertThat(result.report().getOutcome()).isEqualTo(DiffOutcome.BASELINE);
        assertThat(result.report().getGroupCount()).isEqualTo(2);
        assertThat(result.report().getAdded()).isZero();
        assertThat(result.catalogUpserts()).extracting(entry -> entry.getGroup().getId())
                .containsExactly(DNS_READ_ID, TUNNEL_READ_ID);
        assertThat(result.catalogUpserts()).allSatisfy(entry -> {
            assertThat(entry.getSnapshotId()).isEqualTo(first.getSnapshotId());
            assertThat(entry.getSnapshotAt()).isEqualTo(T1);
        });
        assertThat(result.removedGroupIds()).isEmpty();
        assertThat(result.newState().getLastSnapshot()).isEqualTo(first);
    }

    @Test
    void baselineWithOptionEmitsAddedForEveryGroup() {
        final SnapshotDiff emitting = new SnapshotDiff(true, RemovalPolicy.immediate(), Clock.fixed(NOW, ZoneOffset.UTC));
        final Snapshot first = snapshot(USER, T1, DNS_READ, TUNNEL_READ);

        final DiffResult result = diffAgainst(emitting, null, first);

        assertThat(result.events()).hasSize(2);
        assertThat(result.events()).allSatisfy(event -> {
            assertThat(event.getType()).isEqualTo(ChangeType.ADDED);
            assertThat(event.getBaseline()).isTrue();
            assertThat(event.getBefore()).isNull();
            assertThat(event.getPreviousSnapshotId()).isNull();
            assertThat(event.getPreviousSnapshotAt()).isNull();
        });
        assertThat(result.report().getOutcome()).isEqualTo(DiffOutcome.BASELINE);
        assertThat(result.report().getAdded()).isEqualTo(2);
    }

    @Test
    void identicalSnapshotEmitsNothing() {
        final Snapshot first = snapshot(USER, T1, DNS_READ, TUNNEL_READ);
        final Snapshot second = snapshot(USER, T2, DNS_READ, TUNNEL_READ);

        final DiffResult result = diffAgainst(diff, first, second);

        assertThat(result.events()).isEmpty();
        assertThat(result.catalogUpserts()).isEmpty();
        assertThat(result.removedGroupIds()).isEmpty();
        assertThat(result.report().getOutcome()).isEqualTo(DiffOutcome.DIFFED);
        assertThat(result.newState().getLastSnapshot().getSnapshotId()).isEqualTo(second.getSnapshotId());
    }

    @Test
    void reorderedSnapshotEmitsNothing() {
        final PermissionGroup twoScopes = group(LOGS_WRITE_ZONE_ID, "Logs Write", "Grants write access to logpush jobs",
                "com.cloudflare.api.account.zone", "com.cloudflare.api.account");
        final PermissionGroup scopesReordered = group(LOGS_WRITE_ZONE_ID, "Logs Write",
                "Grants write access to logpush jobs", "com.cloudflare.api.account", "com.cloudflare.api.account.zone");
        final Snapshot first = snapshot(USER, T1, DNS_READ, twoScopes, TUNNEL_READ);
        final Snapshot second = snapshot(USER, T2, TUNNEL_READ, scopesReordered, DNS_READ);

        final DiffResult result = diffAgainst(diff, first, second);

        assertThat(result.events()).isEmpty();
        assertThat(result.catalogUpserts()).isEmpty();
    }

    @Test
    void matchesByIdWhenNameIsDuplicated() {
        final PermissionGroup accountLogs = group(LOGS_WRITE_ACCOUNT_ID, "Logs Write",
                "Grants write access to logpush jobs", "com.cloudflare.api.account");
        final PermissionGroup zoneLogs = group(LOGS_WRITE_ZONE_ID, "Logs Write",
                "Grants write access to logpush jobs", "com.cloudflare.api.account.zone");
        final Snapshot first = snapshot(USER, T1, accountLogs);
        final Snapshot second = snapshot(USER, T2, zoneLogs);

        final DiffResult result = diffAgainst(diff, first, second);

        assertThat(result.events()).extracting(ChangeEvent::getType, ChangeEvent::getPermissionId)
                .containsExactlyInAnyOrder(
                        tuple(ChangeType.ADDED, LOGS_WRITE_ZONE_ID),
                        tuple(ChangeType.REMOVED, LOGS_WRITE_ACCOUNT_ID));
    }

    @Test
    void renameListsEveryOtherChangedField() {
        final PermissionGroup renamed = withExtra(group(TUNNEL_READ_ID, "Cloudflare Tunnel Read",
                "Grants access to view Cloudflare Tunnels", "com.cloudflare.api.account"), Map.of("category", "\"zt\""));
        final Snapshot first = snapshot(USER, T1, withExtra(TUNNEL_READ, Map.of("category", "\"argo\"")));
        final Snapshot second = snapshot(USER, T2, renamed);

        final DiffResult result = diffAgainst(diff, first, second);

        assertThat(result.events()).hasSize(1);
        final ChangeEvent event = result.events().get(0);
        assertThat(event.getType()).isEqualTo(ChangeType.RENAMED);
        assertThat(event.getChangedFields()).containsExactly("category", "description", "name");
        assertThat(event.getBefore().getName()).isEqualTo("Argo Tunnel Read");
        assertThat(event.getAfter().getName()).isEqualTo("Cloudflare Tunnel Read");
        assertThat(result.report().getRenamed()).isEqualTo(1);
        assertThat(result.report().getUpdated()).isZero();
    }

    @Test
    void changedDescriptionUnderSameNameIsUpdate() {
        final PermissionGroup described = group(DNS_READ_ID, "DNS Read", "Grants read access to DNS records",
                "com.cloudflare.api.account.zone");
        final Snapshot first = snapshot(USER, T1, DNS_READ);
        final Snapshot second = snapshot(USER, T2, described);

        final DiffResult result = diffAgainst(diff, first, second);

        assertThat(result.events()).hasSize(1);
        final ChangeEvent event = result.events().get(0);
        assertThat(event.getType()).isEqualTo(ChangeType.UPDATED);
        assertThat(event.getChangedFields()).containsExactly("description");
        assertThat(result.catalogUpserts()).extracting(entry -> entry.getGroup().getDescription())
                .containsExactly("Grants read access to DNS records");
        assertThat(result.report().getUpdated()).isEqualTo(1);
    }

    @Test
    void scopesCompareAsSets() {
        final PermissionGroup sameSetWithRepeat = group(DNS_READ_ID, "DNS Read", "Grants read access to DNS",
                "com.cloudflare.api.account.zone", "com.cloudflare.api.account.zone");
        final PermissionGroup newScope = group(DNS_READ_ID, "DNS Read", "Grants read access to DNS",
                "com.cloudflare.api.account.zone", "com.cloudflare.edge.r2.bucket");
        final Snapshot first = snapshot(USER, T1, DNS_READ);

        final DiffResult repeated = diffAgainst(diff, first, snapshot(USER, T2, sameSetWithRepeat));
        final DiffResult widened = diffAgainst(diff, first, snapshot(USER, T2, newScope));

        assertThat(repeated.events()).isEmpty();
        assertThat(widened.events()).extracting(ChangeEvent::getChangedFields).containsExactly(List.of("scopes"));
    }

    @Test
    void trailingNewlineInDescriptionIsChange() {
        final PermissionGroup withNewline = group(DNS_READ_ID, "DNS Read", "Grants read access to DNS\n",
                "com.cloudflare.api.account.zone");
        final Snapshot first = snapshot(USER, T1, DNS_READ);
        final Snapshot second = snapshot(USER, T2, withNewline);
        final Snapshot third = snapshot(USER, T2.plusSeconds(60), DNS_READ);

        final DiffResult gained = diffAgainst(diff, first, second);
        final DiffResult lost = diffAgainst(diff, gained.newState().getLastSnapshot(), third);

        assertThat(gained.events()).extracting(ChangeEvent::getType).containsExactly(ChangeType.UPDATED);
        assertThat(gained.events().get(0).getChangedFields()).containsExactly("description");
        assertThat(lost.events()).extracting(ChangeEvent::getType).containsExactly(ChangeType.UPDATED);
        assertThat(lost.events().get(0).getBefore().getDescription()).endsWith("\n");
    }

    @Test
    void changedExtraFieldIsUpdate() {
        final Snapshot first = snapshot(USER, T1, withExtra(DNS_READ, Map.of("is_selectable", "true")));
        final Snapshot second = snapshot(USER, T2, withExtra(DNS_READ, Map.of("is_selectable", "false")));

        final DiffResult result = diffAgainst(diff, first, second);

        assertThat(result.events()).hasSize(1);
        assertThat(result.events().get(0).getType()).isEqualTo(ChangeType.UPDATED);
        assertThat(result.events().get(0).getChangedFields()).containsExactly("is_selectable");
    }

    @Test
    void absentFieldsCarryForwardWithoutEvent() {
        final Snapshot first = snapshot(USER, T1, withExtra(DNS_READ, Map.of("category", "\"dns\"")));
        final Snapshot idAndNameOnly = snapshot(USER, T2, idAndName(DNS_READ_ID, "DNS Read"));

        final DiffResult result = diffAgainst(diff, first, idAndNameOnly);

        assertThat(result.events()).isEmpty();
        assertThat(result.catalogUpserts()).isEmpty();
        final PermissionGroup stored = result.newState().getLastSnapshot().getGroups().get(0);
        assertThat(stored.getDescription()).isEqualTo("Grants read access to DNS");
        assertThat(stored.getScopes()).containsExactly("com.cloudflare.api.account.zone");
        assertThat(stored.getExtraFields()).containsEntry("category", "\"dns\"");
    }

    @Test
    void renameCarriesAbsentFieldsIntoAfter() {
        final Snapshot first = snapshot(USER, T1, TUNNEL_READ);
        final Snapshot renamedWithoutDetails = snapshot(USER, T2, idAndName(TUNNEL_READ_ID, "Cloudflare Tunnel Read"));

        final DiffResult result = diffAgainst(diff, first, renamedWithoutDetails);

        assertThat(result.events()).hasSize(1);
        final ChangeEvent event = result.events().get(0);
        assertThat(event.getChangedFields()).containsExactly("name");
        assertThat(event.getAfter().getDescription()).isEqualTo("Grants access to view Argo Tunnels");
        assertThat(event.getAfter().getScopes()).containsExactly("com.cloudflare.api.account");
    }

    @Test
    void firstAppearanceOfFieldIsNotChange() {
        final Snapshot idAndNameOnly = snapshot(USER, T1, idAndName(DNS_READ_ID, "DNS Read"));
        final Snapshot full = snapshot(USER, T2, withExtra(DNS_READ, Map.of("category", "\"dns\"")));

        final DiffResult result = diffAgainst(diff, idAndNameOnly, full);

        assertThat(result.events()).isEmpty();
        assertThat(result.catalogUpserts()).hasSize(1);
        final PermissionGroup catalogued = result.catalogUpserts().get(0).getGroup();
        assertThat(catalogued.getDescription()).isEqualTo("Grants read access to DNS");
        assertThat(catalogued.getExtraFields()).containsEntry("category", "\"dns\"");
        assertThat(result.catalogUpserts().get(0).getSnapshotId()).isEqualTo(full.getSnapshotId());
        assertThat(result.newState().getLastSnapshot().getGroups().get(0)).isEqualTo(catalogued);
    }

    @Test
    void removedGroupIsReportedWithLastKnownState() {
        final Snapshot first = snapshot(USER, T1, DNS_READ, TUNNEL_READ);
        final Snapshot second = snapshot(USER, T2, DNS_READ);

        final DiffResult result = diffAgainst(diff, first, second);

        assertThat(result.events()).hasSize(1);
        final ChangeEvent event = result.events().get(0);
        assertThat(event.getType()).isEqualTo(ChangeType.REMOVED);
        assertThat(event.getBefore()).isEqualTo(TUNNEL_READ);
        assertThat(event.getAfter()).isNull();
        assertThat(event.getChangedFields()).isEmpty();
        assertThat(result.removedGroupIds()).containsExactly(TUNNEL_READ_ID);
        assertThat(result.newState().getLastSnapshot().getGroups()).extracting(PermissionGroup::getId).containsExactly(DNS_READ_ID);
        assertThat(result.report().getRemoved()).isEqualTo(1);
    }

    @Test
    void newGroupIsAdded() {
        final Snapshot first = snapshot(USER, T1, DNS_READ);
        final Snapshot second = snapshot(USER, T2, DNS_READ, TUNNEL_READ);

        final DiffResult result = diffAgainst(diff, first, second);

        assertThat(result.events()).hasSize(1);
        final ChangeEvent event = result.events().get(0);
        assertThat(event.getType()).isEqualTo(ChangeType.ADDED);
        assertThat(event.getBefore()).isNull();
        assertThat(event.getAfter()).isEqualTo(TUNNEL_READ);
        assertThat(event.getBaseline()).isFalse();
        assertThat(result.catalogUpserts()).extracting(entry -> entry.getGroup().getId()).containsExactly(TUNNEL_READ_ID);
    }

    @Test
    void eventCarriesIdsTimesAndInjectedClock() {
        final Snapshot first = snapshot(USER, T1, DNS_READ);
        final Snapshot second = snapshot(USER, T2, DNS_READ, TUNNEL_READ);

        final ChangeEvent event = diffAgainst(diff, first, second).events().get(0);

        assertThat(event.getEventId()).isEqualTo(
                SnapshotHashing.eventId(USER, second.getSnapshotId(), TUNNEL_READ_ID, ChangeType.ADDED));
        assertThat(event.getSource()).isEqualTo(USER);
        assertThat(event.getPreviousSnapshotId()).isEqualTo(first.getSnapshotId());
        assertThat(event.getPreviousSnapshotAt()).isEqualTo(T1);
        assertThat(event.getSnapshotId()).isEqualTo(second.getSnapshotId());
        assertThat(event.getSnapshotAt()).isEqualTo(T2);
        assertThat(event.getDetectedAt()).isEqualTo(NOW);
    }

    @Test
    void olderSnapshotIsIgnored() {
        final Snapshot newer = snapshot(USER, T2, DNS_READ);
        final Snapshot older = snapshot(USER, T1, TUNNEL_READ);

        final DiffResult result = diffAgainst(diff, newer, older);

        assertThat(result.isStale()).isTrue();
        assertThat(result.events()).isEmpty();
        assertThat(result.catalogUpserts()).isEmpty();
        assertThat(result.removedGroupIds()).isEmpty();
        assertThat(result.newState().getLastSnapshot()).isEqualTo(newer);
        assertThat(result.report().getOutcome()).isEqualTo(DiffOutcome.STALE_IGNORED);
        assertThat(result.report().getSnapshotId()).isEqualTo(older.getSnapshotId());
    }

    @Test
    void repeatedSnapshotIdIsIgnored() {
        final Snapshot first = snapshot(USER, T1, DNS_READ, TUNNEL_READ);

        final Snapshot sameIdFewerGroups = Snapshot.newBuilder(first).setGroups(List.of(DNS_READ)).build();

        final DiffResult result = diffAgainst(diff, first, sameIdFewerGroups);

        assertThat(result.isDuplicate()).isTrue();
        assertThat(result.isStale()).isFalse();
        assertThat(result.events()).isEmpty();
        assertThat(result.catalogUpserts()).isEmpty();
        assertThat(result.removedGroupIds()).isEmpty();
        assertThat(result.alerts()).isEmpty();
        assertThat(result.newState().getLastSnapshot()).isEqualTo(first);
        assertThat(result.report().getOutcome()).isEqualTo(DiffOutcome.DUPLICATE_IGNORED);
        assertThat(result.report().getSnapshotId()).isEqualTo(first.getSnapshotId());
    }

    @Test
    void snapshotWithEqualTimeIsProcessed() {
        final Snapshot first = snapshot(USER, T1, DNS_READ);
        final Snapshot sameTime = snapshot(USER, T1, DNS_READ, TUNNEL_READ);

        final DiffResult result = diffAgainst(diff, first, sameTime);

        assertThat(result.isStale()).isFalse();
        assertThat(result.events()).extracting(ChangeEvent::getType).containsExactly(ChangeType.ADDED);
    }

    @Test
    void duplicatePermissionIdIsRejected() {
        final Snapshot duplicated = snapshot(USER, T1, DNS_READ, DNS_READ);

        assertThatThrownBy(() -> diffAgainst(diff, null, duplicated))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(DNS_READ_ID)
                .hasMessageContaining(duplicated.getSnapshotId());
    }

    @Test
    void storedStateOfOtherSourceIsRejected() {
        final Snapshot userState = snapshot(USER, T1, DNS_READ);
        final Snapshot accountSnapshot = snapshot(Sources.account("0123456789abcdef0123456789abcdef"), T2, DNS_READ);

        assertThatThrownBy(() -> diffAgainst(diff, userState, accountSnapshot))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("account:0123456789abcdef0123456789abcdef");
    }

    /** Diffs {@code incoming} against a source whose only accepted snapshot is {@code stored} (may be null). */
    private static DiffResult diffAgainst(final SnapshotDiff differ, final Snapshot stored, final Snapshot incoming) {
        return differ.diff(stored == null ? null : SnapshotDiff.initialState(stored), incoming);
    }
}
