package dev.permwatch.serde;

import dev.permwatch.registry.RegisteredSchema;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericContainer;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Kafka serializer that writes Avro values in the Confluent wire format, registering or looking up
 * the schema in a Schema Registry under the subject {@code <topic>-value} ({@code <topic>-key} for
 * keys). A drop-in replacement for Confluent's {@code KafkaAvroSerializer} with the same config keys
 * (see {@link AvroSerdeConfig}).
 *
 * <p>Accepts SpecificRecord and GenericRecord values (any {@link GenericContainer}) and the
 * primitives null, Boolean, Integer, Long, Float, Double, CharSequence, byte[] and ByteBuffer. A null
 * value becomes a null record value, so deleting from a compacted topic writes a tombstone.
 */
public class AvroSerializer<T> implements Serializer<T> {

    static {
        AvroTrustedPackages.ensureTrusted();
    }

    private SchemaRegistryClient registry;
    private boolean isKey;
    private boolean autoRegister = true;
    private boolean useLatestVersion;
    private final Map<Schema, DatumWriter<Object>> specificWriters = new ConcurrentHashMap<>();
    private final Map<Schema, DatumWriter<Object>> genericWriters = new ConcurrentHashMap<>();

    /** Creates a serializer that gets its registry from {@link #configure}. */
    public AvroSerializer() {
    }

    /**
     * Creates a serializer that uses the given registry client; {@link #configure} may still be
     * called to set {@code auto.register.schemas} and {@code use.latest.version}.
     */
    public AvroSerializer(final SchemaRegistryClient registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    @Override
    public void configure(final Map<String, ?> configs, final boolean isKey) {
        final AvroSerdeConfig config = new AvroSerdeConfig(configs, registry == null);
        if (registry == null) {
            registry = SchemaRegistryClients.fromConfig(config);
        }
        this.isKey = isKey;
        this.autoRegister = config.autoRegisterSchemas();
        this.useLatestVersion = config.useLatestVersion();
    }

    @Override
    public byte[] serialize(final String topic, final T data) {
        if (data == null) {
            return null;
        }
        if (registry == null) {
            throw new IllegalStateException("AvroSerializer is not configured: call configure() with "
                    + AvroSerdeConfig.SCHEMA_REGISTRY_URL + " before serializing");
        }
        final Schema schema = schemaOf(data, topic);
        final String subject = subject(topic, isKey);
        final int id = schemaId(topic, subject, schema);

        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(WireFormat.MAGIC_BYTE);
        out.write(ByteBuffer.allocate(4).putInt(id).array(), 0, 4);
        try {
            final BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
            writer(schema, data).write(data instanceof byte[] bytes ? ByteBuffer.wrap(bytes) : data, encoder);
            encoder.flush();
        } catch (final IOException | RuntimeException e) {
            throw new SerializationException("Cannot write a " + schema.getFullName() + " value for topic '" + topic
                    + "' with schema id " + id + ": " + e.getMessage()
                    + ". Check that every non-null field of the record is set.", e);
        }
        return out.toByteArray();
    }

    @Override
    public void close() {
        if (registry != null) {
            registry.close();
        }
    }

    /** Returns the TopicNameStrategy subject: {@code <topic>-key} or {@code <topic>-value}. */
    public static String subject(final String topic, final boolean isKey) {
        return topic + (isKey ? "-key" : "-value");
    }

    private int schemaId(final String topic, final String subject, final Schema schema) {
        try {
            if (useLatestVersion) {
                return latestVersionId(topic, subject, schema);
            }
            if (autoRegister) {
                return registry.register(subject, schema);
            }
            return registry.getId(subject, schema);
        } catch (final SchemaRegistryException e) {
            final String hint = autoRegister || useLatestVersion
                    ? ""
                    : " With auto.register.schemas=false the schema must be registered under subject '" + subject
                            + "' beforehand.";
            throw new SerializationException("Cannot get a schema id for topic '" + topic + "', subject '" + subject
                    + "', schema " + schema.getFullName() + ": " + e.getMessage() + hint, e);
        }
    }

    /**
     * Returns the id of the subject's latest version. NOTE: unlike Confluent's serializer, which
     * writes the record with the latest schema, this requires the record's schema to equal it.
     */
    private int latestVersionId(final String topic, final String subject, final Schema schema) {
        final RegisteredSchema latest = registry.getLatestSchemaMetadata(subject);
        final Schema latestSchema = registry.getSchemaById(latest.id());
        if (!latestSchema.equals(schema)) {
            throw new SerializationException("Cannot serialize for topic '" + topic + "' with use.latest.version=true:"
                    + " the record's schema " + schema.getFullName() + " differs from version " + latest.version()
                    + " (id " + latest.id() + ") of subject '" + subject + "'. Register the record's schema or build"
                    + " the record from the latest schema.");
        }
        return latest.id();
    }

    private DatumWriter<Object> writer(final Schema schema, final Object data) {
        if (data instanceof SpecificRecord) {
            // The generated class's own model carries its logical-type conversions (Instant).
            return specificWriters.computeIfAbsent(schema,
                    s -> new SpecificDatumWriter<>(s, SpecificData.getForClass(data.getClass())));
        }
        return genericWriters.computeIfAbsent(schema, s -> new GenericDatumWriter<>(s, GenericData.get()));
    }

    private static Schema schemaOf(final Object data, final String topic) {
        if (data instanceof GenericContainer container) {
            return container.getSchema();
        }
        if (data instanceof CharSequence) {
            return Schema.create(Schema.Type.STRING);
        }
        if (data instanceof Integer) {
            return Schema.create(Schema.Type.INT);
        }
        if (data instanceof Long) {
            return Schema.create(Schema.Type.LONG);
        }
        if (data instanceof Boolean) {
            return Schema.create(Schema.Type.BOOLEAN);
        }
        if (data instanceof Float) {
            return Schema.create(Schema.Type.FLOAT);
        }
        if (data instanceof Double) {
            return Schema.create(Schema.Type.DOUBLE);
        }
        if (data instanceof byte[] || data instanceof ByteBuffer) {
            return Schema.create(Schema.Type.BYTES);
        }
        throw new SerializationException("Cannot serialize a " + data.getClass().getName() + " for topic '" + topic
                + "' as Avro: expected a SpecificRecord, GenericRecord or Avro primitive (String, Integer, Long,"
                + " Boolean, Float, Double, byte[]). Use another serializer for this type.");
    }
}
