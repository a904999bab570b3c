package dev.permwatch.poller.publish;

import dev.permwatch.avro.PermissionGroup;
import dev.permwatch.avro.PollMetadata;
import dev.permwatch.avro.Snapshot;
import dev.permwatch.poller.snapshot.SnapshotFactory;
import dev.permwatch.schemas.Sources;
import dev.permwatch.serde.AvroDeserializer;
import dev.permwatch.serde.AvroSerializer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Publishes through the project's Confluent wire-format serializer with an in-memory registry. */
class AvroSerializerPublishTest {

    private static final String TOPIC = "permwatch.snapshots";

    @Test
    void snapshotSurvivesWireFormatRoundTrip() throws PublishException {
        final Map<String, Object> serdeConfig = Map.of("schema.registry.url", "mock://poller-publish-test",
                "specific.avro.reader", "true");
        final AvroSerializer<SpecificRecord> serializer = new AvroSerializer<>();
        serializer.configure(serdeConfig, false);
        final MockProducer<String, SpecificRecord> producer = new MockProducer<>(true, null, new StringSerializer(), serializer);
        final PermissionGroup group = PermissionGroup.newBuilder()
                .setId("c8fed203ed3043cba015a93ad1616f1f")
                .setName("Zone Read")
                .setDescription("Grants read access to zones\n")
                .setScopes(List.of("com.cloudflare.api.account.zone"))
                .setExtraFields(Map.of("is_selectable", "true"))
                .build();
        final Snapshot snapshot = SnapshotFactory.create(Sources.user(), Instant.parse("2026-01-22T10:15:30.123Z"),
                List.of(group), PollMetadata.newBuilder().setOrigin("https://api.cloudflare.com/client/v4").setHttpStatus(200).build());

        new RecordPublisher(producer, new RecordPublisher.Topics(TOPIC, "permwatch.poll-status", "permwatch.alerts"))
                .publish(snapshot);

        final byte[] bytes = serializer.serialize(TOPIC, producer.history().get(0).value());
        assertThat(bytes[0]).as("Confluent magic byte").isZero();
        try (AvroDeserializer<Snapshot> deserializer = new AvroDeserializer<>()) {
            deserializer.configure(serdeConfig, false);
            assertThat(deserializer.deserialize(TOPIC, bytes)).isEqualTo(snapshot);
        }
    }
}
