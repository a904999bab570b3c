package dev.permwatch.local.eos;

import dev.permwatch.avro.CatalogEntry;
import dev.permwatch.avro.ChangeEvent;
import dev.permwatch.avro.ChangeType;
import dev.permwatch.avro.PermissionGroup;
import dev.permwatch.avro.Source;
import dev.permwatch.schemas.SnapshotHashing;
import dev.permwatch.schemas.Sources;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static dev.permwatch.local.eos.SeriesFixtures.ID_A;
import static dev.permwatch.local.eos.SeriesFixtures.ID_C;
import static dev.permwatch.local.eos.SeriesFixtures.ID_D;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EventOracleTest {

    private static final String TOPIC = "permwatch.changes";
    private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

    private ExpectedEvents expected;
    private Map<String, List<WrittenSnapshot>> written;
    private List<ConsumerRecord<String, ChangeEvent>> changes;
    private Map<String, CatalogEntry> catalog;

    /** Builds the topics as a correct app writes them for the hand-made series. */
    @BeforeEach
    void writeTopicsExactly() {
        expected = ExpectedEvents.compute(SeriesFixtures.handMade(), 2);
        written = Map.of("user", IntStream.range(0, 5)
                .mapToObj(step -> new WrittenSnapshot(
                        SnapshotHashing.snapshotId(Sources.user(), fetchedAt(step), "hash" + step), fetchedAt(step)))
                .toList());
        changes = new ArrayList<>();
        for (final ExpectedEvent event : expected.forSource("user")) {
            changes.add(record(changes.size(), changeEvent(event)));
        }
        catalog = new HashMap<>();
        // Each entry refers to the snapshot of the group's last change, or the baseline.
        final Map<String, Integer> lastChange = new HashMap<>();
        for (final ExpectedEvent event : expected.forSource("user")) {
            if (event.type() != ChangeType.REMOVED) {
                lastChange.merge(event.permissionId(), event.step(), Math::max);
            }
        }
        expected.finalCatalog("user").forEach((id, group) -> catalog.put("user/" + id,
                catalogEntry(group, written.get("user").get(lastChange.getOrDefault(id, 0)))));
    }

    @Test
    void exactMatchPasses() {
        final OracleVerdict verdict = check();

        assertThat(verdict.passed()).as(verdict.summary()).isTrue();
        assertThat(verdict.expectedEvents()).isEqualTo(7);
        assertThat(verdict.actualEvents()).isEqualTo(7);
        assertThat(verdict.summary()).startsWith("Oracle passed: 7 events expected, 7 read");
    }

    @Test
    void scopesInOtherOrderStillMatch() {
        final ChangeEvent renamed = changes.get(5).value();
        final List<String> reversed = new ArrayList<>(renamed.getAfter().getScopes());
        Collections.reverse(reversed);
        renamed.getAfter().setScopes(reversed);

        assertThat(check().passed()).isTrue();
    }

    @Test
    void missingEventIsReported() {
        changes.remove(3);

        final OracleVerdict verdict = check();

        assertThat(verdict.passed()).isFalse();
        assertThat(verdict.missing()).containsExactly("user step 3 REMOVED " + ID_D);
        assertThat(verdict.extra()).isEmpty();
        assertThat(verdict.summary()).contains("1 missing: user step 3 REMOVED " + ID_D);
    }

    @Test
    void extraEventIsReported() {
        final ChangeEvent unexpected = ChangeEvent.newBuilder(changes.get(2).value())
                .setPermissionId(ID_A)
                .build();
        changes.add(record(changes.size(), unexpected));

        final OracleVerdict verdict = check();

        assertThat(verdict.extra()).singleElement().asString().startsWith("user step 2 UPDATED " + ID_A);
        assertThat(verdict.missing()).isEmpty();
        assertThat(verdict.actualEvents()).isEqualTo(8);
    }

    @Test
    void eventOfUnknownSnapshotIsExtra() {
        changes.add(record(changes.size(), ChangeEvent.newBuilder(changes.get(0).value())
                .setSnapshotId("0123456789abcdef0123456789abcdef").build()));

        assertThat(check().extra()).singleElement().asString()
                .contains("snapshot 0123456789abcdef0123456789abcdef")
                .contains("the poller wrote no such snapshot");
    }

    @Test
    void swappedBeforeAndAfterIsMismatched() {
        final ChangeEvent renamed = changes.get(0).value();
        final PermissionGroup before = renamed.getBefore();
        renamed.setBefore(renamed.getAfter());
        renamed.setAfter(before);

        final OracleVerdict verdict = check();

        assertThat(verdict.mismatched()).singleElement().asString().contains("before.name").contains("after.name");
        assertThat(verdict.passed()).isFalse();
    }

    @Test
    void eventOfAnotherSourceIsExtra() {
        final Source other = Sources.account("0123456789abcdef0123456789abcdef");
        changes.add(record(changes.size(), ChangeEvent.newBuilder(changes.get(0).value()).setSource(other).build()));

        final OracleVerdict verdict = check();

        assertThat(verdict.extra()).singleElement().asString().contains("the source is not in the series");
        assertThat(verdict.passed()).isFalse();
    }

    @Test
    void sameEventTwiceIsDuplicate() {
        changes.add(record(changes.size(), changes.get(1).value()));

        final OracleVerdict verdict = check();

        assertThat(verdict.duplicates()).singleElement().asString().contains("read again at partition 0 offset 7");
        assertThat(verdict.missing()).isEmpty();
        assertThat(verdict.extra()).isEmpty();
        assertThat(verdict.passed()).isFalse();
    }

    @Test
    void repeatedEventIdIsDuplicate() {
        final ChangeEvent second = changes.get(1).value();
        second.setEventId(changes.get(0).value().getEventId());

        final OracleVerdict verdict = check();

        assertThat(verdict.duplicates()).singleElement().asString().contains("repeats event id");
    }

    @Test
    void reorderedPairOfOneGroupIsOutOfOrder() {
        // The two events of group C: UPDATED at step 2 (index 2) and UPDATED at step 4 (index 4).
        final ChangeEvent first = changes.get(2).value();
        changes.set(2, record(2, changes.get(4).value()));
        changes.set(4, record(4, first));

        final OracleVerdict verdict = check();

        assertThat(verdict.outOfOrder()).containsExactly("user/" + ID_C
                + " read as [step 4 UPDATED, step 2 UPDATED], expected [step 2 UPDATED, step 4 UPDATED]");
        assertThat(verdict.missing()).isEmpty();
        assertThat(verdict.duplicates()).isEmpty();
    }

    @Test
    void eventsOfDifferentGroupsMayInterleave() {
        Collections.swap(changes, 0, 1);

        assertThat(check().passed()).isTrue();
    }

    @Test
    void wrongChangedFieldsAreMismatched() {
        changes.get(0).value().setChangedFields(List.of("name"));

        final OracleVerdict verdict = check();

        assertThat(verdict.mismatched()).singleElement().asString()
                .contains("changedFields [name], expected [name, scopes]");
        assertThat(verdict.passed()).isFalse();
    }

    @Test
    void wrongPreviousSnapshotIsMismatched() {
        changes.get(3).value().setPreviousSnapshotId(written.get("user").get(1).snapshotId());

        assertThat(check().mismatched()).singleElement().asString().contains("expected " + written.get("user").get(2).snapshotId());
    }

    @Test
    void wrongSnapshotTimeIsMismatched() {
        changes.get(3).value().setSnapshotAt(fetchedAt(1));

        final OracleVerdict verdict = check();

        assertThat(verdict.passed()).as("an event whose snapshotAt is the time of another step").isFalse();
    }

    @Test
    void catalogEntryOfWrongSnapshotIsReported() {
        final String otherSnapshot = "ffffffffffffffffffffffffffffffff";
        final Instant otherTime = START.minusSeconds(86_400);
        final CatalogEntry entry = catalog.get("user/" + ID_A);
        entry.setSnapshotId(otherSnapshot);
        entry.setSnapshotAt(otherTime);

        final OracleVerdict verdict = check();

        assertThat(verdict.passed()).isFalse();
        assertThat(verdict.catalogDifferences()).singleElement().asString()
                .contains("snapshotId " + otherSnapshot)
                .contains("snapshotAt " + otherTime);
    }

    @Test
    void catalogDifferencesAreReported() {
        catalog.get("user/" + ID_A).getGroup().setName("Zone Read");
        catalog.remove("user/" + ID_C);
        catalog.put("user/" + ID_D, catalogEntry(SeriesFixtures.D, written.get("user").get(0)));

        final OracleVerdict verdict = check();

        assertThat(verdict.catalogDifferences()).containsExactlyInAnyOrder(
                "user/" + ID_A + ": group.name 'Zone Read', expected 'Zone Settings Read'",
                "user/" + ID_C + " missing from the catalog (expected name 'DNS Read')",
                "user/" + ID_D + " in the catalog but not expected (name 'Teams Report'): removed, never listed"
                        + " or of another source");
        assertThat(verdict.passed()).isFalse();
    }

    @Test
    void nullHostileIdListsAreAccepted() {
        // List.copyOf and List.of reject contains(null) with NullPointerException.
        written = Map.of("user", List.copyOf(written.get("user")));

        assertThat(check().passed()).isTrue();
    }

    @Test
    void missingSnapshotIdsAreRejected() {
        assertThatThrownBy(() -> EventOracle.check(expected, Map.of(), changes, catalog))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Snapshots of source user are missing");
    }

    @Test
    void summaryListsTenItemsPerKind() {
        final List<String> missing = IntStream.range(0, 12).mapToObj(i -> "event " + i).toList();

        final String summary = new OracleVerdict(12, 0, missing, List.of(), List.of(), List.of(), List.of()).summary();

        assertThat(summary).startsWith("Oracle failed: 12 events expected, 0 read; 12 missing: event 0, event 1")
                .contains("event 9 and 2 more")
                .doesNotContain("event 10");
    }

    private OracleVerdict check() {
        return EventOracle.check(expected, written, changes, catalog);
    }

    private static Instant fetchedAt(final int step) {
        return START.plusSeconds(900L * step);
    }

    private ChangeEvent changeEvent(final ExpectedEvent event) {
        final Source source = Sources.fromKey(event.sourceKey());
        final String snapshotId = written.get(event.sourceKey()).get(event.step()).snapshotId();
        return ChangeEvent.newBuilder()
                .setEventId(SnapshotHashing.eventId(source, snapshotId, event.permissionId(), event.type()))
                .setType(event.type())
                .setPermissionId(event.permissionId())
                .setChangedFields(event.changedFields())
                .setBefore(copy(event.before()))
                .setAfter(copy(event.after()))
                .setSource(source)
                .setPreviousSnapshotId(written.get(event.sourceKey()).get(event.step() - 1).snapshotId())
                .setPreviousSnapshotAt(fetchedAt(event.step() - 1))
                .setSnapshotId(snapshotId)
                .setSnapshotAt(fetchedAt(event.step()))
                .setDetectedAt(fetchedAt(event.step()))
                .setBaseline(false)
                .build();
    }

    private static CatalogEntry catalogEntry(final PermissionGroup group, final WrittenSnapshot changedIn) {
        return CatalogEntry.newBuilder()
                .setSource(Sources.user())
                .setGroup(copy(group))
                .setSnapshotId(changedIn.snapshotId())
                .setSnapshotAt(changedIn.fetchedAt())
                .build();
    }

    private static PermissionGroup copy(final PermissionGroup group) {
        return group == null ? null : PermissionGroup.newBuilder(group).build();
    }

    private static ConsumerRecord<String, ChangeEvent> record(final int offset, final ChangeEvent event) {
        return new ConsumerRecord<>(TOPIC, 0, offset, Sources.groupKey(event.getSource(), event.getPermissionId()),
                event);
    }

}
