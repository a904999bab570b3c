package dev.permwatch.local.stack;

import dev.permwatch.serde.SpecificAvroSerde;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Creates consumers that read permwatch topics without a consumer group, with
 * {@code isolation.level=read_committed}, because the streams app writes in transactions and
 * aborted records must never be shown.
 */
public final class TopicReader {

    private TopicReader() {
    }

    /**
     * Creates a consumer whose values are the given specific Avro record type.
     *
     * @param bootstrapServers Kafka {@code bootstrap.servers}
     * @param serdeConfig      serde settings, at least {@code schema.registry.url}
     */
    public static <T extends SpecificRecord> KafkaConsumer<String, T> consumer(
            final String bootstrapServers, final Map<String, ?> serdeConfig) {
        final Map<String, Object> props = new HashMap<>(serdeConfig);
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put("specific.avro.reader", "true");
        final SpecificAvroSerde<T> valueSerde = new SpecificAvroSerde<>();
        valueSerde.configure(props, false);
        return new KafkaConsumer<>(props, new StringDeserializer(), valueSerde.deserializer());
    }

    /** Returns every partition of {@code topics}, to assign them without a consumer group. */
    public static List<TopicPartition> partitions(final KafkaConsumer<?, ?> consumer, final List<String> topics) {
        final List<TopicPartition> partitions = new ArrayList<>();
        for (final String topic : topics) {
            final List<PartitionInfo> infos = consumer.partitionsFor(topic);
            if (infos == null || infos.isEmpty()) {
                throw new IllegalStateException("Topic " + topic + " not found; it is created at start");
            }
            for (final PartitionInfo info : infos) {
                partitions.add(new TopicPartition(info.topic(), info.partition()));
            }
        }
        return partitions;
    }
}
