package dev.permwatch.local.eos;

import dev.permwatch.avro.Alert;
import dev.permwatch.avro.AlertKind;
import dev.permwatch.avro.CatalogEntry;
import dev.permwatch.avro.ChangeEvent;
import dev.permwatch.avro.ChangeType;
import dev.permwatch.avro.DiffOutcome;
import dev.permwatch.avro.DiffReport;
import dev.permwatch.avro.OperatorCommand;
import dev.permwatch.avro.OperatorCommandType;
import dev.permwatch.avro.PermissionGroup;
import dev.permwatch.avro.PollMetadata;
import dev.permwatch.avro.Snapshot;
import dev.permwatch.avro.Source;
import dev.permwatch.local.kafka.EmbeddedKafkaBroker;
import dev.permwatch.local.kafka.TopicSetup;
import dev.permwatch.local.stack.TopicReader;
import dev.permwatch.poller.snapshot.SnapshotFactory;
import dev.permwatch.registry.LocalSchemaRegistry;
import dev.permwatch.schemas.Sources;
import dev.permwatch.serde.AvroSerializer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
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
import java.util.Random;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Kills the streams app with SIGKILL around each step of the shrink guard's life cycle (the
 * holding snapshot, the confirming snapshots, a returning group, an operator's confirmation on
 * the control topic, and that command sent again) and checks with {@code read_committed} that
 * each REMOVED event and each alert is committed exactly once.
 *
 * <p>Three sources of 60 groups each lose 30 groups in one snapshot, which the default guard
 * (10% or 25 groups) holds. Source A is confirmed by two later snapshots, source B by an operator
 * command, and source C gets 10 of its groups back before the other 20 are confirmed.
 */
class HeldRemovalsUnderKillsTest {

    private static final int GROUPS = 60;
    private static final int DROPPED_FROM = 30;
    private static final int RETURNED_UNTIL = 40;
    private static final Duration RUNNING_TIMEOUT = Duration.ofMinutes(2);
    private static final Duration PROCESSING_TIMEOUT = Duration.ofMinutes(2);
    private static final Instant START = Instant.parse("2026-03-01T00:00:00Z");
    private static final Duration POLL_INTERVAL = Duration.ofMinutes(15);
    /** Seed of the kill delays; set {@code -Dpermwatch.held-kills.seed=N} to try other moments. */
    private static final long SEED = Long.getLong("permwatch.held-kills.seed", 1);
    /**
     * Kafka Streams commits (ends its transaction) this often; 100 ms by default under exactly-once.
     * The longer interval keeps each transaction open long enough for most kills to strike it.
     */
    private static final String COMMIT_INTERVAL_MILLIS = "1500";
    /** Kills strike up to this long after the write, within the first commit interval. */
    private static final int MAX_KILL_DELAY_MILLIS = 1200;

    private static final Source SOURCE_A = Sources.user();
    private static final Source SOURCE_B = Sources.account("b0000000000000000000000000000000");
    private static final Source SOURCE_C = Sources.account("c0000000000000000000000000000000");

    @TempDir
    Path workDir;

    private EmbeddedKafkaBroker broker;
    private Map<String, Object> serdeConfig;
    private StreamsInstance instance;
    private final List<String> killLog = new ArrayList<>();
    private final Random random = new Random(SEED);

    @Test
    void heldRemovalsCommittedOnceUnderKills() throws Exception {
        try (EmbeddedKafkaBroker kafka = new EmbeddedKafkaBroker(workDir.resolve("kafka"), 0,
                Map.of("group.min.session.timeout.ms", "1000"));
             LocalSchemaRegistry registry = new LocalSchemaRegistry(workDir.resolve("schema-registry"), 0)) {
            broker = kafka;
            broker.start();
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                    broker.bootstrapServers()))) {
                new TopicSetup(admin, 1, (short) 1).createMissing();
            }
            serdeConfig = Map.of("schema.registry.url", registry.url(), "specific.avro.reader", "true");
            instance = new StreamsInstance("streams-1", workDir.resolve("streams-1"),
                    new StreamsInstance.Settings(broker.bootstrapServers(), registry.url(), "permwatch-held-kills",
                            Duration.ofSeconds(3), 0, Map.of("commit.interval.ms", COMMIT_INTERVAL_MILLIS)));
            try (KafkaProducer<String, SpecificRecord> producer = producer(registry.url())) {
                instance.start();
                assertThat(instance.awaitRunning(RUNNING_TIMEOUT)).as("first start reaches RUNNING").isTrue();
                play(producer);
            } finally {
                instance.close();
            }
        }
    }

    private void play(final KafkaProducer<String, SpecificRecord> producer) throws Exception {
        final Map<Source, List<PermissionGroup>> all = new LinkedHashMap<>();
        for (final Source source : List.of(SOURCE_A, SOURCE_B, SOURCE_C)) {
            all.put(source, groups(source));
        }
        final List<Snapshot> written = new ArrayList<>();

        // Step 0: the baselines, then a kill.
        for (final Source source : all.keySet()) {
            written.add(send(producer, snapshot(source, all.get(source), 0)));
        }
        killAndRestart(random.nextInt(MAX_KILL_DELAY_MILLIS + 1), "after the baselines");

        // Step 1: every source loses 30 of 60 groups, which the shrink guard holds.
        final Map<Source, Snapshot> holding = new HashMap<>();
        for (final Source source : all.keySet()) {
            final Snapshot shrunk = send(producer, snapshot(source, all.get(source).subList(0, DROPPED_FROM), 1));
            holding.put(source, shrunk);
            written.add(shrunk);
        }
        killAndRestart(random.nextInt(MAX_KILL_DELAY_MILLIS + 1), "after the holding snapshots");

        // Step 2: the operator confirms source B's hold, and the kill follows the command. The test then
        // waits for the confirmation, so that no later snapshot of B can confirm the hold first.
        final OperatorCommand command = confirm(SOURCE_B, holding.get(SOURCE_B), START.plusSeconds(3600));
        send(producer, command);
        killAndRestart(random.nextInt(MAX_KILL_DELAY_MILLIS + 1), "after the operator command");
        awaitAlert(alert -> alert.getKind() == AlertKind.HELD_REMOVALS_CONFIRMED
                && alert.getSource().equals(SOURCE_B));

        // Step 3: A and B still lack the dropped groups; C lists 10 of them again.
        written.add(send(producer, snapshot(SOURCE_A, all.get(SOURCE_A).subList(0, DROPPED_FROM), 2)));
        written.add(send(producer, snapshot(SOURCE_B, all.get(SOURCE_B).subList(0, DROPPED_FROM), 2)));
        written.add(send(producer, snapshot(SOURCE_C, all.get(SOURCE_C).subList(0, RETURNED_UNTIL), 2)));
        killAndRestart(random.nextInt(MAX_KILL_DELAY_MILLIS + 1), "after the first confirming snapshots");

        // Step 4: the same confirmation sent again, as an operator who saw a timeout would, while the app is down.
        killLog.add("killed process " + instance.kill() + " before the repeated command");
        send(producer, confirm(SOURCE_B, holding.get(SOURCE_B), START.plusSeconds(7200)));
        restart();

        // Step 5: the second later absence confirms the held removals of A and C.
        written.add(send(producer, snapshot(SOURCE_A, all.get(SOURCE_A).subList(0, DROPPED_FROM), 3)));
        written.add(send(producer, snapshot(SOURCE_B, all.get(SOURCE_B).subList(0, DROPPED_FROM), 3)));
        written.add(send(producer, snapshot(SOURCE_C, all.get(SOURCE_C).subList(0, RETURNED_UNTIL), 3)));
        killAndRestart(random.nextInt(MAX_KILL_DELAY_MILLIS + 1), "after the second confirming snapshots");

        final List<DiffReport> reports = awaitReports(written.size());
        final int aborted = abortedCount(TopicSetup.DEFAULT_CHANGES_TOPIC) + abortedCount(TopicSetup.DEFAULT_ALERTS_TOPIC)
                + abortedCount(TopicSetup.DEFAULT_DIFF_REPORTS_TOPIC);
        System.out.println("Seed " + SEED + ": " + String.join("; ", killLog) + "; " + aborted
                + " aborted records in the changes, alerts and diff-reports topics");
        assertThat(aborted).as("records of aborted transactions: at least one kill must strike an open one")
                .isPositive();
        verify(all, holding, written, reports);
    }

    private void verify(final Map<Source, List<PermissionGroup>> all, final Map<Source, Snapshot> holding,
                        final List<Snapshot> written, final List<DiffReport> reports) {
        final String kills = String.join("; ", killLog);

        assertThat(reports).as("one diff report per snapshot (%s)", kills).hasSize(written.size());
        assertThat(reports).extracting(DiffReport::getSnapshotId).as("diff reports by snapshot id")
                .containsExactlyInAnyOrderElementsOf(written.stream().map(Snapshot::getSnapshotId).toList());
        assertThat(reports).filteredOn(report -> report.getOutcome() == DiffOutcome.BASELINE).hasSize(3);

        final List<ChangeEvent> changes = read(TopicSetup.DEFAULT_CHANGES_TOPIC);
        assertThat(changes).extracting(ChangeEvent::getType).as("change types").containsOnly(ChangeType.REMOVED);
        assertThat(changes).extracting(ChangeEvent::getEventId).as("event ids (%s)", kills).doesNotHaveDuplicates();
        assertThat(removedIds(changes, SOURCE_A)).as("REMOVED of source A")
                .containsExactlyInAnyOrderElementsOf(ids(all.get(SOURCE_A).subList(DROPPED_FROM, GROUPS)));
        assertThat(removedIds(changes, SOURCE_B)).as("REMOVED of source B")
                .containsExactlyInAnyOrderElementsOf(ids(all.get(SOURCE_B).subList(DROPPED_FROM, GROUPS)));
        assertThat(removedIds(changes, SOURCE_C)).as("REMOVED of source C")
                .containsExactlyInAnyOrderElementsOf(ids(all.get(SOURCE_C).subList(RETURNED_UNTIL, GROUPS)));
        assertThat(changes).filteredOn(event -> event.getSource().equals(SOURCE_B))
                .extracting(ChangeEvent::getSnapshotId).as("operator-confirmed events name the holding snapshot")
                .containsOnly(holding.get(SOURCE_B).getSnapshotId());

        final List<Alert> alerts = read(TopicSetup.DEFAULT_ALERTS_TOPIC);
        assertThat(alerts).extracting(Alert::getAlertId).as("alert ids (%s)", kills).doesNotHaveDuplicates();
        assertThat(alertCounts(alerts)).as("alerts per kind and source (%s)", kills).isEqualTo(Map.of(
                "REMOVALS_HELD " + Sources.key(SOURCE_A), 1L,
                "REMOVALS_HELD " + Sources.key(SOURCE_B), 1L,
                "REMOVALS_HELD " + Sources.key(SOURCE_C), 1L,
                "HELD_REMOVALS_CONFIRMED " + Sources.key(SOURCE_A), 1L,
                "HELD_REMOVALS_CONFIRMED " + Sources.key(SOURCE_B), 1L,
                "HELD_REMOVALS_CONFIRMED " + Sources.key(SOURCE_C), 1L,
                "HELD_REMOVALS_DISCARDED " + Sources.key(SOURCE_C), 1L));

        final Map<String, CatalogEntry> catalog = readCatalog();
        assertThat(catalogIds(catalog, SOURCE_A)).as("catalog of source A")
                .containsExactlyInAnyOrderElementsOf(ids(all.get(SOURCE_A).subList(0, DROPPED_FROM)));
        assertThat(catalogIds(catalog, SOURCE_B)).as("catalog of source B")
                .containsExactlyInAnyOrderElementsOf(ids(all.get(SOURCE_B).subList(0, DROPPED_FROM)));
        assertThat(catalogIds(catalog, SOURCE_C)).as("catalog of source C")
                .containsExactlyInAnyOrderElementsOf(ids(all.get(SOURCE_C).subList(0, RETURNED_UNTIL)));
    }

    /** Kills the instance {@code delayMillis} after the last acknowledged write, then restarts it on its state folder. */
    private void killAndRestart(final long delayMillis, final String moment) throws InterruptedException {
        // The delay places the kill relative to the write, not to synchronise with it: it lands before
        // the record is processed, or while the transaction with its outputs is still open.
        Thread.sleep(delayMillis);
        killLog.add("killed process " + instance.kill() + " " + delayMillis + " ms " + moment);
        restart();
    }

    private void restart() throws InterruptedException {
        instance.start();
        assertThat(instance.awaitRunning(RUNNING_TIMEOUT)).as("restart reaches RUNNING; see " + instance.logFile())
                .isTrue();
    }

    private void awaitAlert(final Predicate<Alert> expected) {
        await().atMost(PROCESSING_TIMEOUT).pollInterval(Duration.ofMillis(500))
                .until(() -> this.<Alert>read(TopicSetup.DEFAULT_ALERTS_TOPIC).stream().anyMatch(expected));
    }

    private List<DiffReport> awaitReports(final int count) {
        final List<DiffReport> reports = new ArrayList<>();
        await().atMost(PROCESSING_TIMEOUT).pollInterval(Duration.ofMillis(500)).until(() -> {
            reports.clear();
            reports.addAll(read(TopicSetup.DEFAULT_DIFF_REPORTS_TOPIC));
            return reports.size() >= count;
        });
        return reports;
    }

    private <T extends SpecificRecord> List<T> read(final String topic) {
        return readRecords(topic).stream().map(record -> (T) record.value()).toList();
    }

    private Map<String, CatalogEntry> readCatalog() {
        final Map<String, CatalogEntry> catalog = new HashMap<>();
        for (final ConsumerRecord<String, SpecificRecord> record : readRecords(TopicSetup.DEFAULT_CATALOG_TOPIC)) {
            if (record.value() == null) {
                catalog.remove(record.key());
            } else {
                catalog.put(record.key(), (CatalogEntry) record.value());
            }
        }
        return catalog;
    }

    /** Reads every partition of {@code topic} from its start to its last stable offset with read_committed. */
    private List<ConsumerRecord<String, SpecificRecord>> readRecords(final String topic) {
        final List<ConsumerRecord<String, SpecificRecord>> records = new ArrayList<>();
        try (KafkaConsumer<String, SpecificRecord> consumer = TopicReader.consumer(broker.bootstrapServers(),
                serdeConfig)) {
            final List<TopicPartition> partitions = TopicReader.partitions(consumer, List.of(topic));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            final Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(100)).forEach(records::add);
                return partitions.stream().allMatch(partition -> consumer.position(partition) >= end.get(partition));
            });
        }
        return records;
    }

    /**
     * Returns how many records of {@code topic} only a read_uncommitted consumer receives: the outputs of
     * transactions that a kill aborted. Zero means no kill struck an open transaction on this topic.
     */
    private int abortedCount(final String topic) {
        final Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        final List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            final List<TopicPartition> partitions = TopicReader.partitions(consumer, List.of(topic));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            final Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(100)).forEach(records::add);
                return partitions.stream().allMatch(partition -> consumer.position(partition) >= end.get(partition));
            });
        }
        return records.size() - readRecords(topic).size();
    }

    private KafkaProducer<String, SpecificRecord> producer(final String registryUrl) {
        final Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put("schema.registry.url", registryUrl);
        final AvroSerializer<SpecificRecord> serializer = new AvroSerializer<>();
        serializer.configure(props, false);
        return new KafkaProducer<>(props, new StringSerializer(), serializer);
    }

    private static Snapshot send(final KafkaProducer<String, SpecificRecord> producer, final Snapshot snapshot)
            throws Exception {
        producer.send(new ProducerRecord<>(TopicSetup.DEFAULT_SNAPSHOTS_TOPIC, Sources.key(snapshot.getSource()),
                snapshot)).get();
        return snapshot;
    }

    private static void send(final KafkaProducer<String, SpecificRecord> producer, final OperatorCommand command)
            throws Exception {
        producer.send(new ProducerRecord<>(TopicSetup.DEFAULT_CONTROL_TOPIC, Sources.key(command.getSource()),
                command)).get();
    }

    private static OperatorCommand confirm(final Source source, final Snapshot holding, final Instant requestedAt) {
        return OperatorCommand.newBuilder()
                .setCommand(OperatorCommandType.CONFIRM_HELD_REMOVALS)
                .setSource(source)
                .setSnapshotId(holding.getSnapshotId())
                .setRequestedBy("test-operator")
                .setRequestedAt(requestedAt)
                .build();
    }

    private static Snapshot snapshot(final Source source, final List<PermissionGroup> groups, final int step) {
        return SnapshotFactory.create(source, START.plus(POLL_INTERVAL.multipliedBy(step)), groups,
                PollMetadata.newBuilder().setOrigin("test").build());
    }

    private static List<PermissionGroup> groups(final Source source) {
        final String prefix = source.getAccountId() == null ? "a" : source.getAccountId().substring(0, 1);
        final List<PermissionGroup> groups = new ArrayList<>();
        for (int i = 0; i < GROUPS; i++) {
            groups.add(PermissionGroup.newBuilder()
                    .setId(prefix + String.format("%031x", i + 1))
                    .setName("Group " + i)
                    .setExtraFields(Map.of())
                    .build());
        }
        return groups;
    }

    private static List<String> ids(final List<PermissionGroup> groups) {
        return groups.stream().map(PermissionGroup::getId).toList();
    }

    private static List<String> removedIds(final List<ChangeEvent> changes, final Source source) {
        return changes.stream()
                .filter(event -> event.getSource().equals(source))
                .map(ChangeEvent::getPermissionId)
                .toList();
    }

    private static List<String> catalogIds(final Map<String, CatalogEntry> catalog, final Source source) {
        return catalog.values().stream()
                .filter(entry -> entry.getSource().equals(source))
                .map(entry -> entry.getGroup().getId())
                .toList();
    }

    private static Map<String, Long> alertCounts(final List<Alert> alerts) {
        return alerts.stream().collect(Collectors.groupingBy(
                alert -> alert.getKind() + " " + Sources.key(alert.getSource()), Collectors.counting()));
    }
}
