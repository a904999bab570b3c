package dev.permwatch.serde;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

import java.util.HashMap;
import java.util.Map;

/**
 * Kafka Streams serde for generated Avro records in the Confluent wire format: an
 * {@link AvroSerializer} and an {@link AvroDeserializer} with {@code specific.avro.reader=true}.
 * Configure it with the same keys as Confluent's {@code SpecificAvroSerde}.
 */
public class SpecificAvroSerde<T extends SpecificRecord> implements Serde<T> {

    static {
        AvroTrustedPackages.ensureTrusted();
    }

    private final AvroSerializer<T> serializer;
    private final AvroDeserializer<T> deserializer;

    /** Creates a serde that gets its registry from {@link #configure}. */
    public SpecificAvroSerde() {
        this.serializer = new AvroSerializer<>();
        this.deserializer = new AvroDeserializer<>();
    }

    /** Creates a serde that uses the given registry client, for tests. */
    public SpecificAvroSerde(final SchemaRegistryClient registry) {
        this.serializer = new AvroSerializer<>(registry);
        this.deserializer = new AvroDeserializer<>(registry, true);
    }

    /** Configures both sides; {@code specific.avro.reader} is always true for this serde. */
    @Override
    public void configure(final Map<String, ?> configs, final boolean isKey) {
        final Map<String, Object> specific = new HashMap<>(configs);
        specific.put(AvroSerdeConfig.SPECIFIC_AVRO_READER, true);
        serializer.configure(specific, isKey);
        deserializer.configure(specific, isKey);
    }

    @Override
    public Serializer<T> serializer() {
        return serializer;
    }

    @Override
    public Deserializer<T> deserializer() {
        return deserializer;
    }

    @Override
    public void close() {
        serializer.close();
        deserializer.close();
    }
}
