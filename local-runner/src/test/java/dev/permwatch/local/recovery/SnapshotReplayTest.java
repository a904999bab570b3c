package dev.permwatch.local.recovery;

import dev.permwatch.avro.ChangeEvent;
import dev.permwatch.avro.ChangeType;
import dev.permwatch.avro.DiffOutcome;
import dev.permwatch.avro.DiffReport;
import dev.permwatch.avro.PermissionGroup;
import dev.permwatch.avro.PollMetadata;
import dev.permwatch.avro.Snapshot;
import dev.permwatch.avro.Source;
import dev.permwatch.avro.SourceKind;
import dev.permwatch.local.kafka.TopicSetup;
import dev.permwatch.local.stack.LocalStack;
import dev.permwatch.poller.snapshot.SnapshotFactory;
import dev.permwatch.serde.SpecificAvroSerde;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Writes fixed snapshots into two fresh stacks and checks what an at-least-once path does with
 * them: an exact duplicate of a snapshot (same snapshot id), a replay of the same snapshots into a
 * new data folder, and a sink that reads the changes topic again after a crash before its commit.
 *
 * <p>The first stack gets A, B, B again (the same record, as a producer retry without idempotence
 * writes it) and B2 (list B fetched later). The second stack gets A, B and B2. A to B renames one
 * group, adds one and drops one; the drop is confirmed as REMOVED at its second absence.
 */
class SnapshotReplayTest {

    private static final Source USER = Source.newBuilder().setKind(SourceKind.USER).setAccountId(null).build();
    private static final String RENAMED_ID = "0a1b2c3d4e5f40718293a4b5c6d7e8f9";
    private static final String KEPT_ID = "1b2c3d4e5f6a40718293a4b5c6d7e8f0";
    private static final String REMOVED_ID = "2c3d4e5f6a7b40718293a4b5c6d7e8f1";
    private static final String ADDED_ID = "3d4e5f6a7b8c40718293a4b5c6d7e8f2";
    private static final Instant FETCHED_A = Instant.parse("2026-03-02T09:00:00.123Z");

    private static final Snapshot LIST_A = snapshot(FETCHED_A, List.of(
            group(RENAMED_ID, "Teams Write"), group(KEPT_ID, "DNS Read"), group(REMOVED_ID, "Memberships Read")));
    private static final Snapshot LIST_B = snapshot(FETCHED_A.plus(Duration.ofMinutes(15)), List.of(
            group(RENAMED_ID, "Zero Trust Write"), group(KEPT_ID, "DNS Read"), group(ADDED_ID, "R2 Bucket Read")));
    private static final Snapshot LIST_B_LATER = snapshot(FETCHED_A.plus(Duration.ofMinutes(30)), LIST_B.getGroups());

    @TempDir
    static Path dir;

    private static LocalStack withDuplicate;
    private static LocalStack replayed;

    @BeforeAll
    static void writeSnapshots() throws Exception {
        withDuplicate = startStack(dir.resolve("with-duplicate"));
        SnapshotWriter.write(withDuplicate, List.of(LIST_A, LIST_B, LIST_B, LIST_B_LATER));
        replayed = startStack(dir.resolve("replayed"));
        SnapshotWriter.write(replayed, List.of(LIST_A, LIST_B, LIST_B_LATER));

        await("diff reports of both stacks").atMost(Duration.ofSeconds(30)).until(() ->
                diffReports(withDuplicate).size() >= 4 && diffReports(replayed).size() >= 3);
    }

    @AfterAll
    static void stopStacks() {
        if (withDuplicate != null) {
            withDuplicate.close();
        }
        if (replayed != null) {
            replayed.close();
        }
    }

    @Test
    void repeatedSnapshotIsIgnored() {
        final List<DiffReport> reports = diffReports(withDuplicate);
        assertThat(reports).extracting(DiffReport::getOutcome).containsExactly(DiffOutcome.BASELINE,
                DiffOutcome.DIFFED, DiffOutcome.DUPLICATE_IGNORED, DiffOutcome.DIFFED);
        final DiffReport duplicate = reports.get(2);
        assertThat(duplicate.getSnapshotId()).isEqualTo(LIST_B.getSnapshotId());
        assertThat(duplicate.getAdded()).isZero();
        assertThat(duplicate.getRemoved()).isZero();
        assertThat(duplicate.getRenamed()).isZero();
        assertThat(duplicate.getUpdated()).isZero();

        // Had the duplicate counted as a second absence, REMOVED would carry list B's snapshot id.
        final List<ChangeEvent> events = changeEvents(withDuplicate);
        assertThat(events).extracting(event -> event.getType() + " " + event.getPermissionId() + " "
                        + event.getSnapshotId())
                .containsExactlyInAnyOrder(
                        "RENAMED " + RENAMED_ID + " " + LIST_B.getSnapshotId(),
                        "ADDED " + ADDED_ID + " " + LIST_B.getSnapshotId(),
                        "REMOVED " + REMOVED_ID + " " + LIST_B_LATER.getSnapshotId());
    }

    @Test
    void replayGivesSameEventIds() {
        final List<ChangeEvent> original = changeEvents(withDuplicate);
        final List<ChangeEvent> replay = changeEvents(replayed);

        assertThat(replay).hasSameSizeAs(original);
        assertThat(eventsById(replay)).isEqualTo(eventsById(original));
        assertThat(diffReports(replayed)).extracting(DiffReport::getSnapshotId).containsExactly(
                LIST_A.getSnapshotId(), LIST_B.getSnapshotId(), LIST_B_LATER.getSnapshotId());
    }

    @Test
    void sinkDropsRedeliveredEvents() {
        final List<ChangeEvent> naiveSink = new ArrayList<>();
        final Map<String, ChangeEvent> sinkByEventId = new LinkedHashMap<>();
        final Consumer<ChangeEvent> process = event -> {
            naiveSink.add(event);
            // Insert-if-absent on the event id, as a unique key or a MERGE on eventId does in a table.
            sinkByEventId.putIfAbsent(event.getEventId(), event);
        };
        final int eventCount = changeEvents(withDuplicate).size();

        // First run: processes every event but commits only the offset after the first one, then
        // ends without a commit, as a sink process does when it crashes between write and commit.
        try (KafkaConsumer<String, ChangeEvent> sink = sinkConsumer()) {
            final List<ConsumerRecord<String, ChangeEvent>> records = pollUntil(sink, eventCount);
            records.forEach(record -> process.accept(record.value()));
            final ConsumerRecord<String, ChangeEvent> firstRecord = records.get(0);
            sink.commitSync(Map.of(new TopicPartition(firstRecord.topic(), firstRecord.partition()),
                    new OffsetAndMetadata(firstRecord.offset() + 1)));
        }

        // Second run: resumes from the committed offset and so receives every later event again.
        try (KafkaConsumer<String, ChangeEvent> sink = sinkConsumer()) {
            final List<ConsumerRecord<String, ChangeEvent>> redelivered = pollUntil(sink, eventCount - 1);
            redelivered.forEach(record -> process.accept(record.value()));
            sink.commitSync();
        }

        assertThat(naiveSink).as("rows of a sink that appends every delivery").hasSize(2 * eventCount - 1);
        assertThat(sinkByEventId).as("rows of a sink keyed by event id").hasSize(eventCount);
        assertThat(sinkByEventId.keySet()).containsExactlyInAnyOrderElementsOf(
                changeEvents(withDuplicate).stream().map(ChangeEvent::getEventId).toList());
    }

    private static LocalStack startStack(final Path dataDir) {
        // With the default shrink guard, one group absent out of three is held. A maximum share
        // of 0.5 lets the two-snapshot removal confirmation run unheld.
        return LocalStack.start(dataDir, "permwatch-replay", false, Map.of(
                "permwatch.removal.confirmations", "2",
                "permwatch.shrink-guard.max-share", "0.5"));
    }

    private static KafkaConsumer<String, ChangeEvent> sinkConsumer() {
        final Map<String, Object> props = new HashMap<>(withDuplicate.serdeConfig());
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, withDuplicate.bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "recovery-test-sink");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        final SpecificAvroSerde<ChangeEvent> valueSerde = new SpecificAvroSerde<>();
        valueSerde.configure(props, false);
        final KafkaConsumer<String, ChangeEvent> consumer =
                new KafkaConsumer<>(props, new StringDeserializer(), valueSerde.deserializer());
        consumer.subscribe(List.of(TopicSetup.DEFAULT_CHANGES_TOPIC));
        return consumer;
    }

    /** Polls until {@code count} records arrived, then checks that no further record follows. */
    private static List<ConsumerRecord<String, ChangeEvent>> pollUntil(final KafkaConsumer<String, ChangeEvent> consumer,
                                                                      final int count) {
        final List<ConsumerRecord<String, ChangeEvent>> records = new ArrayList<>();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            return records.size() >= count;
        });
        consumer.poll(Duration.ofMillis(500)).forEach(records::add);
        assertThat(records).as("records delivered to the sink").hasSize(count);
        return records;
    }

    /** Returns every field of each event except detectedAt, the processing time, keyed by event id. */
    private static Map<String, String> eventsById(final List<ChangeEvent> events) {
        final Map<String, String> byId = new HashMap<>();
        for (final ChangeEvent event : events) {
            final ChangeEvent copy = ChangeEvent.newBuilder(event).setDetectedAt(Instant.EPOCH).build();
            byId.put(event.getEventId(), copy.toString());
        }
        return byId;
    }

    private static List<ChangeEvent> changeEvents(final LocalStack stack) {
        return CommittedRecords.values(stack.bootstrapServers(), stack.serdeConfig(), TopicSetup.DEFAULT_CHANGES_TOPIC);
    }

    private static List<DiffReport> diffReports(final LocalStack stack) {
        return CommittedRecords.values(stack.bootstrapServers(), stack.serdeConfig(),
                TopicSetup.DEFAULT_DIFF_REPORTS_TOPIC);
    }

    private static Snapshot snapshot(final Instant fetchedAt, final List<PermissionGroup> groups) {
        return SnapshotFactory.create(USER, fetchedAt, groups,
                PollMetadata.newBuilder().setOrigin("test:" + fetchedAt).build());
    }

    private static PermissionGroup group(final String id, final String name) {
        return PermissionGroup.newBuilder()
                .setId(id)
                .setName(name)
                .setDescription(null)
                .setScopes(List.of("com.cloudflare.api.account"))
                .setExtraFields(Map.of())
                .build();
    }
}
