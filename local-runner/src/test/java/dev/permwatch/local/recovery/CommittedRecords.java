package dev.permwatch.local.recovery;

import dev.permwatch.local.stack.TopicReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import static org.awaitility.Awaitility.await;

/** Reads a permwatch topic from its start to its current end with read_committed. */
final class CommittedRecords {

    private CommittedRecords() {
    }

    /** Returns the records of every partition of {@code topic}, ordered by partition, then offset. */
    static <T extends SpecificRecord> List<ConsumerRecord<String, T>> read(final String bootstrapServers,
                                                                           final Map<String, ?> serdeConfig,
                                                                           final String topic) {
        final List<ConsumerRecord<String, T>> records = new ArrayList<>();
        try (KafkaConsumer<String, T> consumer = TopicReader.consumer(bootstrapServers, serdeConfig)) {
            final List<TopicPartition> partitions = TopicReader.partitions(consumer, List.of(topic));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            // With read_committed the end offset is the last stable offset, so an open transaction
            // of the streams app does not make this wait.
            final Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(100)).forEach(records::add);
                return partitions.stream().allMatch(partition -> consumer.position(partition) >= end.get(partition));
            });
        }
        records.sort(Comparator.<ConsumerRecord<String, T>>comparingInt(ConsumerRecord::partition)
                .thenComparingLong(ConsumerRecord::offset));
        return records;
    }

    /** Returns the values of {@link #read}, in the same order. */
    static <T extends SpecificRecord> List<T> values(final String bootstrapServers, final Map<String, ?> serdeConfig,
                                                     final String topic) {
        final List<ConsumerRecord<String, T>> records = read(bootstrapServers, serdeConfig, topic);
        return records.stream().map(ConsumerRecord::value).toList();
    }
}
