package dev.permwatch.serde;

import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Kafka deserializer for Avro values in the Confluent wire format. A drop-in replacement for
 * Confluent's {@code KafkaAvroDeserializer} with the same config keys (see {@link AvroSerdeConfig}).
 *
 * <p>The writer schema comes from the registry by the id in the record. With
 * {@code specific.avro.reader=true} the value is resolved against the reader schema of the
 * generated class with the writer schema's full name, so data written with an older or newer
 * compatible schema reads into the current class; otherwise it is a GenericRecord (or primitive) in
 * the writer schema, with timestamps as Long like Confluent's default. A null or empty value (a
 * tombstone) deserializes to null.
 */
public class AvroDeserializer<T> implements Deserializer<T> {

    static {
        AvroTrustedPackages.ensureTrusted();
    }

    /** Longest prefix of a bad value shown in hex in an error message. */
    private static final int MAX_HEX_BYTES = 16;

    private SchemaRegistryClient registry;
    private boolean specificReader;
    private final Map<Integer, DatumReader<Object>> readers = new ConcurrentHashMap<>();

    /** Creates a deserializer that gets its registry from {@link #configure}. */
    public AvroDeserializer() {
    }

    /**
     * Creates a deserializer that uses the given registry client; {@link #configure} may still be
     * called to set {@code specific.avro.reader}.
     */
    public AvroDeserializer(final SchemaRegistryClient registry) {
        this(registry, false);
    }

    /**
     * Creates a deserializer that uses the given registry client and returns SpecificRecords when
     * {@code specificReader} is true.
     */
    public AvroDeserializer(final SchemaRegistryClient registry, final boolean specificReader) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.specificReader = specificReader;
    }

    @Override
    public void configure(final Map<String, ?> configs, final boolean isKey) {
        final AvroSerdeConfig config = new AvroSerdeConfig(configs, registry == null);
        if (registry == null) {
            registry = SchemaRegistryClients.fromConfig(config);
        }
        this.specificReader = config.specificAvroReader();
        readers.clear();
    }

    @Override
    @SuppressWarnings("unchecked")
    public T deserialize(final String topic, final byte[] data) {
        if (data == null || data.length == 0) {
            return null;
        }
        if (registry == null) {
            throw new IllegalStateException("AvroDeserializer is not configured: call configure() with "
                    + AvroSerdeConfig.SCHEMA_REGISTRY_URL + " before deserializing");
        }
        if (data.length < WireFormat.HEADER_SIZE) {
            throw new SerializationException("Invalid Avro value on topic '" + topic + "': " + data.length
                    + " bytes (" + hex(data) + ") is shorter than the 5-byte Confluent wire-format header."
                    + " Check that the producer uses an Avro Schema Registry serializer.");
        }
        final ByteBuffer buffer = ByteBuffer.wrap(data);
        final byte magic = buffer.get();
        if (magic != WireFormat.MAGIC_BYTE) {
            throw new SerializationException("Invalid Avro value on topic '" + topic + "': magic byte is " + magic
                    + ", expected 0 (value starts with " + hex(data) + "). The record was not written with the"
                    + " Confluent wire format; check the producer's value serializer.");
        }
        final int id = buffer.getInt();
        final DatumReader<Object> reader = reader(topic, id);
        try {
            final BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(data, WireFormat.HEADER_SIZE,
                    data.length - WireFormat.HEADER_SIZE, null);
            return (T) reader.read(null, decoder);
        } catch (final IOException | RuntimeException e) {
            throw new SerializationException("Cannot read the Avro value on topic '" + topic + "' with schema id "
                    + id + ": " + e + ". The value is truncated or does not match the schema registered"
                    + " under that id.", e);
        }
    }

    @Override
    public void close() {
        if (registry != null) {
            registry.close();
        }
    }

    private DatumReader<Object> reader(final String topic, final int id) {
        final DatumReader<Object> cached = readers.get(id);
        if (cached != null) {
            return cached;
        }
        final Schema writerSchema;
        try {
            writerSchema = registry.getSchemaById(id);
        } catch (final SchemaRegistryException e) {
            throw new SerializationException("Cannot deserialize a value on topic '" + topic + "': schema id " + id
                    + " could not be fetched: " + e.getMessage()
                    + " Check that consumer and producer use the same Schema Registry.", e);
        }
        final DatumReader<Object> reader = specificReader
                ? specificReader(topic, id, writerSchema)
                : new GenericDatumReader<>(writerSchema, writerSchema, GenericData.get());
        readers.putIfAbsent(id, reader);
        return reader;
    }

    private static DatumReader<Object> specificReader(final String topic, final int id, final Schema writerSchema) {
        if (writerSchema.getType() != Schema.Type.RECORD) {
            return new GenericDatumReader<>(writerSchema, writerSchema, GenericData.get());
        }
        final Class<?> type;
        try {
            type = SpecificData.get().getClass(writerSchema);
        } catch (final AvroRuntimeException | SecurityException e) {
            throw new SerializationException("Cannot deserialize schema id " + id + " on topic '" + topic
                    + "' as a SpecificRecord: loading class " + writerSchema.getFullName() + " failed: " + e.getMessage()
                    + ". Add the package to the system property " + AvroTrustedPackages.PROPERTY + ".", e);
        }
        if (type == null) {
            throw new SerializationException("Cannot deserialize schema id " + id + " on topic '" + topic
                    + "' as a SpecificRecord: no generated class " + writerSchema.getFullName()
                    + " on the classpath. Add the jar with the generated classes, or set "
                    + AvroSerdeConfig.SPECIFIC_AVRO_READER + "=false to read GenericRecords.");
        }
        final SpecificData model = SpecificData.getForClass(type);
        final Schema readerSchema = model.getSchema(type);
        return new SpecificDatumReader<>(writerSchema, readerSchema, model);
    }

    private static String hex(final byte[] data) {
        final int shownBytes = Math.min(data.length, MAX_HEX_BYTES);
        final String prefix = HexFormat.ofDelimiter(" ").formatHex(data, 0, shownBytes);
        return shownBytes < data.length ? prefix + " ..." : prefix;
    }
}
