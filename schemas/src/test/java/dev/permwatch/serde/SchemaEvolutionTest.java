package dev.permwatch.serde;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.permwatch.avro.ChangeEvent;
import dev.permwatch.avro.Snapshot;
import dev.permwatch.registry.LocalSchemaRegistry;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Evolves the change event schema against a real {@link LocalSchemaRegistry}: version 1 is the
 * generated class, version 2 adds an optional {@code evolutionProbe} field, and version 3 adds a field
 * without a default, which the registry rejects under its default level BACKWARD. Records written
 * with versions 1 and 2 are read by the generated class (the old reader) and by a GenericRecord
 * reader with the version 2 schema (the new reader).
 */
class SchemaEvolutionTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String CHANGES_TOPIC = "permwatch.changes";
    private static final String SNAPSHOTS_TOPIC = "permwatch.snapshots";
    private static final String CHANGES_SUBJECT = "permwatch.changes-value";

    @TempDir
    Path folder;

    private final HttpClient http = HttpClient.newHttpClient();
    private LocalSchemaRegistry registry;
    private AvroSerializer<Object> serializer;
    private AvroDeserializer<Object> oldReader;

    @BeforeEach
    void startRegistry() throws IOException {
        registry = new LocalSchemaRegistry(folder);
        final Map<String, Object> config = Map.of(
                AvroSerdeConfig.SCHEMA_REGISTRY_URL, registry.url(),
                AvroSerdeConfig.AUTO_REGISTER_SCHEMAS, true);
        serializer = new AvroSerializer<>();
        serializer.configure(config, false);
        oldReader = new AvroDeserializer<>();
        oldReader.configure(Map.of(
                AvroSerdeConfig.SCHEMA_REGISTRY_URL, registry.url(),
                AvroSerdeConfig.SPECIFIC_AVRO_READER, true), false);
    }

    @AfterEach
    void stopRegistry() {
        serializer.close();
        oldReader.close();
        registry.close();
    }

    @Test
    void oldAndNewReadersReadBothVersions() throws Exception {
        // Version 1: the generated classes, registered by the serializer under <topic>-value.
        assertThat(get("/config").get("compatibilityLevel").asText()).isEqualTo("BACKWARD");
        final ChangeEvent event = SampleRecords.renamed();
        final Snapshot snapshot = SampleRecords.snapshot();
        final byte[] eventV1 = serializer.serialize(CHANGES_TOPIC, event);
        final byte[] snapshotV1 = serializer.serialize(SNAPSHOTS_TOPIC, snapshot);
        assertThat(get("/subjects").toString())
                .isEqualTo("[\"" + CHANGES_SUBJECT + "\",\"permwatch.snapshots-value\"]");
        assertThat(schemaId(eventV1)).isEqualTo(versionId(CHANGES_SUBJECT, 1));

        // Version 2: an optional field with a null default, written as a GenericRecord.
        final Schema changeEventV2 = changeEventWith("evolutionProbe", true);
        final GenericRecord eventWithProbe = toGeneric(event, changeEventV2);
        eventWithProbe.put("evolutionProbe", "CRITICAL");
        final byte[] eventV2 = serializer.serialize(CHANGES_TOPIC, eventWithProbe);
        assertThat(get("/subjects/" + CHANGES_SUBJECT + "/versions").toString()).isEqualTo("[1,2]");
        assertThat(schemaId(eventV2)).isEqualTo(versionId(CHANGES_SUBJECT, 2));

        // The old reader, the generated class, reads both versions and skips the new field.
        assertThat(oldReader.deserialize(CHANGES_TOPIC, eventV1)).isEqualTo(event);
        assertThat(oldReader.deserialize(CHANGES_TOPIC, eventV2)).isEqualTo(event);
        assertThat(oldReader.deserialize(SNAPSHOTS_TOPIC, snapshotV1)).isEqualTo(snapshot);

        // The new reader resolves each writer schema, fetched by the id in the record, to version 2.
        final GenericRecord v1ReadAsV2 = readAs(changeEventV2, eventV1);
        final GenericRecord v2ReadAsV2 = readAs(changeEventV2, eventV2);
        assertThat(v1ReadAsV2.get("evolutionProbe")).isNull();
        assertThat(v2ReadAsV2.get("evolutionProbe")).hasToString("CRITICAL");
        assertThat(v1ReadAsV2.get("eventId")).hasToString(event.getEventId());
        assertThat(v2ReadAsV2.get("eventId")).hasToString(event.getEventId());
        assertThat(v1ReadAsV2.get("snapshotAt")).isEqualTo(event.getSnapshotAt().toEpochMilli());
        assertThat(((GenericRecord) v2ReadAsV2.get("after")).get("name")).hasToString("DNS Records Read");
    }

    @Test
    void registryRejectsIncompatibleVersion() throws Exception {
        serializer.serialize(CHANGES_TOPIC, SampleRecords.renamed());
        final Schema withRequiredField = changeEventWith("evolutionProbeRequired", false);

        final HttpResponse<String> response = post("/subjects/" + CHANGES_SUBJECT + "/versions",
                MAPPER.createObjectNode().put("schema", withRequiredField.toString()).toString());

        assertThat(response.statusCode()).isEqualTo(409);
        assertThat(response.headers().firstValue("Content-Type")).contains(LocalSchemaRegistry.CONTENT_TYPE);
        final JsonNode error = MAPPER.readTree(response.body());
        assertThat(error.get("error_code").asInt()).isEqualTo(409);
        assertThat(error.get("message").asText())
                .contains(CHANGES_SUBJECT)
                .contains("BACKWARD")
                .contains("READER_FIELD_MISSING_DEFAULT_VALUE")
                .contains("evolutionProbeRequired");
        assertThat(get("/subjects/" + CHANGES_SUBJECT + "/versions").toString()).isEqualTo("[1]");
    }

    @Test
    void serializerReportsIncompatibleVersion() {
        serializer.serialize(CHANGES_TOPIC, SampleRecords.renamed());
        // Avro cannot resolve old data to a schema with a new required field, so copy the fields over.
        final GenericRecord withOptionalField = toGeneric(SampleRecords.renamed(), changeEventWith("evolutionProbeRequired", true));
        final GenericRecord withRequiredField = new GenericData.Record(changeEventWith("evolutionProbeRequired", false));
        for (final Schema.Field field : withRequiredField.getSchema().getFields()) {
            withRequiredField.put(field.name(), withOptionalField.get(field.name()));
        }
        withRequiredField.put("evolutionProbeRequired", "high");

        assertThatThrownBy(() -> serializer.serialize(CHANGES_TOPIC, withRequiredField))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining(CHANGES_SUBJECT)
                .hasMessageContaining("409");
    }

    /**
     * Returns the change event schema with a string field added at the end: optional
     * ({@code ["null","string"]}, default null) or required (no default). The field names are
     * ones no real schema uses, so adding a real field to ChangeEvent does not break this test.
     */
    private static Schema changeEventWith(final String fieldName, final boolean optional) {
        final ObjectNode schema;
        try {
            schema = (ObjectNode) MAPPER.readTree(ChangeEvent.getClassSchema().toString());
        } catch (final IOException e) {
            throw new IllegalStateException("Cannot read the ChangeEvent schema as JSON", e);
        }
        final ObjectNode field = ((ArrayNode) schema.get("fields")).addObject().put("name", fieldName);
        if (optional) {
            field.putArray("type").add("null").add("string");
            field.putNull("default");
        } else {
            field.put("type", "string");
        }
        return new Schema.Parser().parse(schema.toString());
    }

    /** Converts a generated record into a GenericRecord of a compatible schema, through Avro's resolution. */
    private static GenericRecord toGeneric(final ChangeEvent event, final Schema schema) {
        try {
            final ByteArrayOutputStream out = new ByteArrayOutputStream();
            final BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
            new SpecificDatumWriter<ChangeEvent>(ChangeEvent.getClassSchema()).write(event, encoder);
            encoder.flush();
            return new GenericDatumReader<GenericRecord>(ChangeEvent.getClassSchema(), schema, GenericData.get())
                    .read(null, DecoderFactory.get().binaryDecoder(out.toByteArray(), null));
        } catch (final IOException e) {
            throw new IllegalStateException("Cannot convert the change event to schema " + schema.getFullName(), e);
        }
    }

    /** Reads wire-format bytes with {@code readerSchema}, resolving the writer schema that the registry has for the id. */
    private GenericRecord readAs(final Schema readerSchema, final byte[] wireFormat) throws IOException {
        final Schema writerSchema = new Schema.Parser()
                .parse(get("/schemas/ids/" + schemaId(wireFormat)).get("schema").asText());
        return new GenericDatumReader<GenericRecord>(writerSchema, readerSchema, GenericData.get())
                .read(null, DecoderFactory.get().binaryDecoder(wireFormat, WireFormat.HEADER_SIZE,
                        wireFormat.length - WireFormat.HEADER_SIZE, null));
    }

    private static int schemaId(final byte[] wireFormat) {
        assertThat(wireFormat[0]).as("magic byte").isEqualTo(WireFormat.MAGIC_BYTE);
        return ByteBuffer.wrap(wireFormat, 1, 4).getInt();
    }

    private int versionId(final String subject, final int version) throws IOException {
        return get("/subjects/" + subject + "/versions/" + version).get("id").asInt();
    }

    private JsonNode get(final String path) throws IOException {
        final HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(registry.url() + path)).GET());
        assertThat(response.statusCode()).as("GET %s: %s", path, response.body()).isEqualTo(200);
        return MAPPER.readTree(response.body());
    }

    private HttpResponse<String> post(final String path, final String body) throws IOException {
        return send(HttpRequest.newBuilder(URI.create(registry.url() + path))
                .header("Content-Type", LocalSchemaRegistry.CONTENT_TYPE)
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private HttpResponse<String> send(final HttpRequest.Builder request) throws IOException {
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted during a registry request", e);
        }
    }
}
