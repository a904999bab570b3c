package dev.permwatch.local.eos;

import dev.permwatch.avro.CatalogEntry;
import dev.permwatch.avro.ChangeEvent;
import dev.permwatch.avro.DiffOutcome;
import dev.permwatch.avro.DiffReport;
import dev.permwatch.avro.Snapshot;
import dev.permwatch.local.kafka.TopicSetup;
import dev.permwatch.local.stack.TopicReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Reads the streams app's committed output: every consumer here uses
 * {@code isolation.level=read_committed} (see {@link TopicReader}), so records of aborted
 * transactions, such as those of a killed instance, are never returned, and reading stops at the
 * last stable offset.
 */
final class CommittedOutput {

    private static final Duration POLL_TIMEOUT = Duration.ofMillis(200);

    private final String bootstrapServers;
    private final Map<String, String> serdeConfig;

    CommittedOutput(final String bootstrapServers, final Map<String, String> serdeConfig) {
        this.bootstrapServers = bootstrapServers;
        this.serdeConfig = Map.copyOf(serdeConfig);
    }

    /**
     * Diff reports read until each source has at least as many as snapshots were written to it.
     *
     * @param perSource reports per source key
     * @param outcomes  reports per outcome
     */
    record Reports(Map<String, Integer> perSource, Map<DiffOutcome, Integer> outcomes) {
    }

    /**
     * Waits until each source key has at least {@code expected} diff reports, then reads the rest of
     * the topic, so extra reports are counted too.
     *
     * @param aliveCheck called between polls; throws when the streams app died, to fail fast
     * @throws IllegalStateException if the timeout passes first, naming expected and actual counts
     */
    Reports awaitDiffReports(final Map<String, Integer> expected, final Duration timeout, final Runnable aliveCheck) {
        final Map<String, Integer> perSource = new HashMap<>();
        final Map<DiffOutcome, Integer> outcomes = new EnumMap<>(DiffOutcome.class);
        final Instant deadline = Instant.now().plus(timeout);
        final Consumer<ConsumerRecord<String, DiffReport>> count = record -> {
            perSource.merge(record.key(), 1, Integer::sum);
            outcomes.merge(record.value().getOutcome(), 1, Integer::sum);
        };
        try (KafkaConsumer<String, DiffReport> consumer = consumer(TopicSetup.DEFAULT_DIFF_REPORTS_TOPIC)) {
            while (!covered(expected, perSource)) {
                aliveCheck.run();
                if (Instant.now().isAfter(deadline)) {
                    throw new IllegalStateException("Timed out after " + timeout.toSeconds()
                            + " s waiting for diff reports: expected one per snapshot written " + expected
                            + ", got " + perSource);
                }
                consumer.poll(POLL_TIMEOUT).forEach(count);
            }
            readToEnd(consumer, count);
        }
        return new Reports(Map.copyOf(perSource), Map.copyOf(outcomes));
    }

    /** Returns every record of the changes topic, in partition order. */
    List<ConsumerRecord<String, ChangeEvent>> readChanges() {
        final List<ConsumerRecord<String, ChangeEvent>> changes = new ArrayList<>();
        try (KafkaConsumer<String, ChangeEvent> consumer = consumer(TopicSetup.DEFAULT_CHANGES_TOPIC)) {
            readToEnd(consumer, changes::add);
        }
        return changes;
    }

    /** Returns every record of the snapshots topic, in partition order: the input the streams app read. */
    List<ConsumerRecord<String, Snapshot>> readSnapshots() {
        final List<ConsumerRecord<String, Snapshot>> snapshots = new ArrayList<>();
        try (KafkaConsumer<String, Snapshot> consumer = consumer(TopicSetup.DEFAULT_SNAPSHOTS_TOPIC)) {
            readToEnd(consumer, snapshots::add);
        }
        return snapshots;
    }

    /**
     * Counts the data records of the changes topic with {@code read_uncommitted}, which also returns
     * the records of aborted transactions. Minus the committed records, this is how many change
     * events killed instances wrote and never committed: evidence that kills struck open transactions.
     */
    int countChangeRecordsIncludingAborted() {
        final Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        final int[] count = {0};
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            final List<TopicPartition> partitions = TopicReader.partitions(consumer,
                    List.of(TopicSetup.DEFAULT_CHANGES_TOPIC));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            readToEnd(consumer, record -> count[0]++);
        }
        return count[0];
    }

    /** Returns the last value per catalog key; keys whose last record is a tombstone are left out. */
    Map<String, CatalogEntry> readCatalog() {
        final Map<String, CatalogEntry> catalog = new LinkedHashMap<>();
        try (KafkaConsumer<String, CatalogEntry> consumer = consumer(TopicSetup.DEFAULT_CATALOG_TOPIC)) {
            readToEnd(consumer, record -> {
                if (record.value() == null) {
                    catalog.remove(record.key());
                } else {
                    catalog.put(record.key(), record.value());
                }
            });
        }
        return catalog;
    }

    private static boolean covered(final Map<String, Integer> expected, final Map<String, Integer> actual) {
        return expected.entrySet().stream()
                .allMatch(entry -> actual.getOrDefault(entry.getKey(), 0) >= entry.getValue());
    }

    private static <K, V> void readToEnd(final KafkaConsumer<K, V> consumer,
                                         final Consumer<ConsumerRecord<K, V>> action) {
        // With read_committed, endOffsets returns the last stable offset of each partition.
        final Map<TopicPartition, Long> end = consumer.endOffsets(consumer.assignment());
        while (end.entrySet().stream().anyMatch(entry -> consumer.position(entry.getKey()) < entry.getValue())) {
            consumer.poll(POLL_TIMEOUT).forEach(action);
        }
    }

    private <T extends SpecificRecord> KafkaConsumer<String, T> consumer(final String topic) {
        final KafkaConsumer<String, T> consumer = TopicReader.consumer(bootstrapServers, serdeConfig);
        final List<TopicPartition> partitions = TopicReader.partitions(consumer, List.of(topic));
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        return consumer;
    }
}
