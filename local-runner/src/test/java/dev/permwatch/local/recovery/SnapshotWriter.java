package dev.permwatch.local.recovery;

import dev.permwatch.avro.Snapshot;
import dev.permwatch.local.kafka.TopicSetup;
import dev.permwatch.local.stack.LocalStack;
import dev.permwatch.schemas.Sources;
import dev.permwatch.serde.AvroSerializer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

/** Writes snapshots to a stack's snapshots topic, keyed by source key as the poller writes them. */
final class SnapshotWriter {

    private SnapshotWriter() {
    }

    /** Sends the snapshots in order, each once, and waits for each acknowledgement. */
    static void write(final LocalStack stack, final List<Snapshot> snapshots)
            throws ExecutionException, InterruptedException {
        final Map<String, Object> props = new HashMap<>(stack.serdeConfig());
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        final AvroSerializer<SpecificRecord> serializer = new AvroSerializer<>();
        serializer.configure(props, false);
        try (KafkaProducer<String, SpecificRecord> producer =
                     new KafkaProducer<>(props, new StringSerializer(), serializer)) {
            for (final Snapshot snapshot : snapshots) {
                producer.send(new ProducerRecord<>(TopicSetup.DEFAULT_SNAPSHOTS_TOPIC,
                        Sources.key(snapshot.getSource()), snapshot)).get();
            }
        }
    }
}
