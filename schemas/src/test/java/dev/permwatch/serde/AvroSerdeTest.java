package dev.permwatch.serde;

import dev.permwatch.avro.CatalogEntry;
import dev.permwatch.avro.ChangeEvent;
import dev.permwatch.avro.DiffReport;
import dev.permwatch.avro.PermissionGroup;
import dev.permwatch.avro.PollMetadata;
import dev.permwatch.avro.Snapshot;
import dev.permwatch.avro.Source;
import dev.permwatch.avro.SourceKind;
import dev.permwatch.schemas.Sources;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

class AvroSerdeTest {

    private static final String TOPIC = "permwatch.snapshots";

    private String scope;
    private Map<String, Object> config;

    @BeforeEach
    void createScope() {
        scope = "serde-test-" + UUID.randomUUID();
        config = new HashMap<>();
        config.put(AvroSerdeConfig.SCHEMA_REGISTRY_URL, "mock://" + scope);
    }

    @AfterEach
    void dropScope() {
        MockSchemaRegistryClient.dropScope(scope);
    }

    @Test
    void userSourceHasExactWireBytes() {
        final byte[] bytes = serializer(false).serialize("permwatch.sources", Sources.user());

        // Magic 0, schema id 1 (first in a fresh registry), enum index 0, union branch 0 (null).
        assertThat(bytes).containsExactly(0, 0, 0, 0, 1, 0, 0);
    }

    @Test
    void accountSourceHasExactWireBytes() {
        final byte[] bytes = serializer(false).serialize("permwatch.sources", new Source(SourceKind.ACCOUNT, "ab"));

        // Enum index 1 and union branch 1 are zigzag 2; the string is length 2 (zigzag 4), then "ab".
        assertThat(bytes).containsExactly(0, 0, 0, 0, 1, 2, 2, 4, 'a', 'b');
    }

    @Test
    void permissionGroupHasExactWireBytes() {
        final PermissionGroup group = PermissionGroup.newBuilder()
                .setId("a1")
                .setName("Read")
                .setScopes(List.of("x"))
                .setExtraFields(Map.of("k", "true"))
                .build();

        final byte[] bytes = serializer(false).serialize("permwatch.groups", group);

        assertThat(bytes).containsExactly(
                0, 0, 0, 0, 1,
                4, 'a', '1',
                8, 'R', 'e', 'a', 'd',
                0,
                2, 2, 2, 'x', 0,
                2, 2, 'k', 8, 't', 'r', 'u', 'e', 0);
    }

    @Test
    void secondSchemaGetsNextIdInHeader() {
        final AvroSerializer<Object> serializer = serializer(false);
        serializer.serialize("permwatch.sources", Sources.user());

        final byte[] bytes = serializer.serialize(TOPIC, SampleRecords.snapshot());

        assertThat(bytes).startsWith(0, 0, 0, 0, 2);
    }

    @Test
    void keySerializerUsesKeySubject() {
        final AvroSerializer<Object> serializer = serializer(true);

        serializer.serialize(TOPIC, Sources.user());

        assertThat(MockSchemaRegistryClient.forScope(scope).store().subjects()).containsExactly(TOPIC + "-key");
    }

    @Test
    void valueSerializerUsesValueSubject() {
        serializer(false).serialize(TOPIC, SampleRecords.snapshot());

        assertThat(MockSchemaRegistryClient.forScope(scope).store().subjects()).containsExactly(TOPIC + "-value");
    }

    static List<SpecificRecord> everyRecordType() {
        return List.of(SampleRecords.account(), SampleRecords.dnsRead(), SampleRecords.minimalGroup(),
                SampleRecords.poll(), new PollMetadata("replay:2024-05-01.json", null, null, null, null, null),
                SampleRecords.snapshot(), SampleRecords.renamed(), SampleRecords.catalogEntry(),
                SampleRecords.diffReport());
    }

    @ParameterizedTest
    @MethodSource("everyRecordType")
    void specificSerdeRoundTripsEveryRecordType(final SpecificRecord record) {
        try (SpecificAvroSerde<SpecificRecord> serde = new SpecificAvroSerde<>()) {
            serde.configure(config, false);

            final byte[] bytes = serde.serializer().serialize(TOPIC, record);
            final SpecificRecord read = serde.deserializer().deserialize(TOPIC, bytes);

            assertThat(read).isInstanceOf(record.getClass());
            assertThat(read).isEqualTo(record);
        }
    }

    @Test
    void specificReaderReturnsGeneratedClass() {
        final byte[] bytes = serializer(false).serialize(TOPIC, SampleRecords.snapshot());
        config.put(AvroSerdeConfig.SPECIFIC_AVRO_READER, true);

        final Object read = deserializer().deserialize(TOPIC, bytes);

        assertThat(read).isInstanceOf(Snapshot.class);
        assertThat(((Snapshot) read).getFetchedAt()).isEqualTo(SampleRecords.FETCHED_AT);
    }

    @Test
    void genericReaderReturnsGenericRecordWithMillis() {
        final byte[] bytes = serializer(false).serialize(TOPIC, SampleRecords.snapshot());

        final Object read = deserializer().deserialize(TOPIC, bytes);

        assertThat(read).isInstanceOf(GenericRecord.class).isNotInstanceOf(Snapshot.class);
        final GenericRecord record = (GenericRecord) read;
        assertThat(record.get("fetchedAt")).isEqualTo(SampleRecords.FETCHED_AT.toEpochMilli());
        assertThat(record.get("snapshotId").toString()).isEqualTo("5d41402abc4b2a76b9719d911017c592");
    }

    @Test
    void genericRecordSerializesLikeSpecific() {
        final Snapshot snapshot = SampleRecords.snapshot();
        final byte[] specificBytes = serializer(false).serialize(TOPIC, snapshot);
        final GenericRecord generic = (GenericRecord) deserializer().deserialize(TOPIC, specificBytes);

        final byte[] genericBytes = serializer(false).serialize(TOPIC, generic);

        // Map entries may come out in another order, so compare the decoded records.
        assertThat(genericBytes).hasSameSizeAs(specificBytes).startsWith(0, 0, 0, 0, 1);
        config.put(AvroSerdeConfig.SPECIFIC_AVRO_READER, true);
        assertThat(deserializer().deserialize(TOPIC, genericBytes)).isEqualTo(snapshot);
    }

    @Test
    void primitivesRoundTrip() {
        final AvroSerializer<Object> serializer = serializer(true);
        final AvroDeserializer<Object> deserializer = deserializer();

        // One topic per type, because the key subject of a topic must stay compatible.
        assertThat(deserializer.deserialize("longs", serializer.serialize("longs", 42L))).isEqualTo(42L);
        assertThat(deserializer.deserialize("flags", serializer.serialize("flags", true))).isEqualTo(true);
        assertThat(deserializer.deserialize("keys", serializer.serialize("keys", "user")).toString()).isEqualTo("user");
        assertThat(serializer.serialize("keys", "user")).containsExactly(0, 0, 0, 0, 3, 8, 'u', 's', 'e', 'r');
    }

    @Test
    void nullValueSerializesToTombstone() {
        assertThat(serializer(false).serialize(TOPIC, null)).isNull();
    }

    @Test
    void nullAndEmptyBytesDeserializeToNull() {
        final AvroDeserializer<Object> deserializer = deserializer();

        assertThat(deserializer.deserialize(TOPIC, null)).isNull();
        assertThat(deserializer.deserialize(TOPIC, new byte[0])).isNull();
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4})
    void shortValueIsRejected(final int length) {
        final byte[] data = new byte[length];

        assertThatThrownBy(() -> deserializer().deserialize(TOPIC, data))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining(TOPIC)
                .hasMessageContaining(length + " bytes")
                .hasMessageContaining("shorter than the 5-byte");
    }

    @Test
    void wrongMagicByteIsRejected() {
        final byte[] data = serializer(false).serialize(TOPIC, SampleRecords.snapshot());
        data[0] = 1;

        assertThatThrownBy(() -> deserializer().deserialize(TOPIC, data))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining(TOPIC)
                .hasMessageContaining("magic byte is 1, expected 0")
                .hasMessageContaining("check the producer's value serializer");
    }

    @Test
    void plainJsonValueIsRejectedAsWrongMagic() {
        final byte[] data = "{\"id\":1}".getBytes(java.nio.charset.StandardCharsets.UTF_8);

        assertThatThrownBy(() -> deserializer().deserialize(TOPIC, data))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("magic byte is 123")
                .hasMessageContaining("7b 22 69 64");
    }

    @Test
    void unknownSchemaIdIsRejected() {
        final byte[] data = {0, 0, 0, 0x30, 0x39, 0};

        assertThatThrownBy(() -> deserializer().deserialize(TOPIC, data))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining(TOPIC)
                .hasMessageContaining("schema id 12345")
                .hasMessageContaining("40403")
                .hasMessageContaining("same Schema Registry");
    }

    @Test
    void truncatedBodyIsRejected() {
        final byte[] full = serializer(false).serialize(TOPIC, SampleRecords.snapshot());
        final byte[] truncated = java.util.Arrays.copyOf(full, full.length - 10);

        assertThatThrownBy(() -> deserializer().deserialize(TOPIC, truncated))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining(TOPIC)
                .hasMessageContaining("schema id 1")
                .hasMessageContaining("truncated");
    }

    @Test
    void unsupportedTypeIsRejected() {
        assertThatThrownBy(() -> serializer(false).serialize(TOPIC, new Object()))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("java.lang.Object")
                .hasMessageContaining(TOPIC);
    }

    @Test
    void missingRequiredFieldIsRejected() {
        final Source incomplete = new Source();

        assertThatThrownBy(() -> serializer(false).serialize(TOPIC, incomplete))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("dev.permwatch.avro.Source")
                .hasMessageContaining(TOPIC);
    }

    @Test
    void unregisteredSchemaFailsWithoutAutoRegister() {
        config.put(AvroSerdeConfig.AUTO_REGISTER_SCHEMAS, false);

        assertThatThrownBy(() -> serializer(false).serialize(TOPIC, SampleRecords.snapshot()))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("subject '" + TOPIC + "-value'")
                .hasMessageContaining("40401")
                .hasMessageContaining("auto.register.schemas=false")
                .hasMessageContaining("registered under subject");
    }

    @Test
    void registeredSchemaIsFoundWithoutAutoRegister() {
        final int id = MockSchemaRegistryClient.forScope(scope).register(TOPIC + "-value", Snapshot.getClassSchema());
        config.put(AvroSerdeConfig.AUTO_REGISTER_SCHEMAS, false);

        final byte[] bytes = serializer(false).serialize(TOPIC, SampleRecords.snapshot());

        assertThat(bytes).startsWith(0, 0, 0, 0, id);
        assertThat(MockSchemaRegistryClient.forScope(scope).store().versions(TOPIC + "-value")).containsExactly(1);
    }

    @Test
    void latestVersionIdIsUsedWhenSchemasMatch() {
        final MockSchemaRegistryClient registry = MockSchemaRegistryClient.forScope(scope);
        registry.register("other-value", Source.getClassSchema());
        final int id = registry.register(TOPIC + "-value", Snapshot.getClassSchema());
        config.put(AvroSerdeConfig.AUTO_REGISTER_SCHEMAS, false);
        config.put(AvroSerdeConfig.USE_LATEST_VERSION, true);

        final byte[] bytes = serializer(false).serialize(TOPIC, SampleRecords.snapshot());

        assertThat(bytes).startsWith(0, 0, 0, 0, id);
    }

    @Test
    void latestVersionMismatchIsRejected() {
        MockSchemaRegistryClient.forScope(scope).register(TOPIC + "-value", Source.getClassSchema());
        config.put(AvroSerdeConfig.USE_LATEST_VERSION, true);

        assertThatThrownBy(() -> serializer(false).serialize(TOPIC, SampleRecords.snapshot()))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("use.latest.version=true")
                .hasMessageContaining("differs from version 1");
    }

    @Test
    void olderWriterSchemaReadsIntoCurrentClass() {
        // An earlier Source without accountId: the current class fills in the default null.
        final Schema older = SchemaBuilder.record("Source").namespace("dev.permwatch.avro").fields()
                .name("kind").type(Source.getClassSchema().getField("kind").schema()).noDefault()
                .endRecord();
        final GenericRecord record = new GenericData.Record(older);
        record.put("kind", new GenericData.EnumSymbol(older.getField("kind").schema(), "USER"));
        final byte[] bytes = serializer(false).serialize(TOPIC, record);
        config.put(AvroSerdeConfig.SPECIFIC_AVRO_READER, true);

        final Object read = deserializer().deserialize(TOPIC, bytes);

        assertThat(read).isEqualTo(Sources.user());
    }

    @Test
    void newerWriterSchemaReadsIntoCurrentClass() {
        // A later Source with an added field: the current class skips it.
        final Schema newer = SchemaBuilder.record("Source").namespace("dev.permwatch.avro").fields()
                .name("kind").type(Source.getClassSchema().getField("kind").schema()).noDefault()
                .name("accountId").type().optional().stringType()
                .name("region").type().stringType().stringDefault("global")
                .endRecord();
        final GenericRecord record = new GenericData.Record(newer);
        record.put("kind", new GenericData.EnumSymbol(newer.getField("kind").schema(), "ACCOUNT"));
        record.put("accountId", SampleRecords.ACCOUNT_ID);
        record.put("region", "eu");
        final byte[] bytes = serializer(false).serialize(TOPIC, record);
        config.put(AvroSerdeConfig.SPECIFIC_AVRO_READER, true);

        final Object read = deserializer().deserialize(TOPIC, bytes);

        assertThat(read).isEqualTo(SampleRecords.account());
    }

    @Test
    void specificReaderRejectsUnknownClass() {
        final Schema unknown = SchemaBuilder.record("Unknown").namespace("dev.permwatch.avro").fields()
                .requiredString("name").endRecord();
        final GenericRecord record = new GenericData.Record(unknown);
        record.put("name", "x");
        final byte[] bytes = serializer(false).serialize(TOPIC, record);
        config.put(AvroSerdeConfig.SPECIFIC_AVRO_READER, true);

        assertThatThrownBy(() -> deserializer().deserialize(TOPIC, bytes))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("no generated class dev.permwatch.avro.Unknown")
                .hasMessageContaining("specific.avro.reader=false");
    }

    @Test
    void mockScopeIsSharedBetweenSerdes() {
        final byte[] bytes = serializer(false).serialize(TOPIC, SampleRecords.diffReport());

        try (SpecificAvroSerde<DiffReport> serde = new SpecificAvroSerde<>()) {
            serde.configure(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, "mock://" + scope), false);

            assertThat(serde.deserializer().deserialize(TOPIC, bytes)).isEqualTo(SampleRecords.diffReport());
        }
    }

    @Test
    void otherMockScopeDoesNotKnowTheId() {
        final byte[] bytes = serializer(false).serialize(TOPIC, SampleRecords.catalogEntry());
        final String otherScope = scope + "-other";

        try (SpecificAvroSerde<CatalogEntry> serde = new SpecificAvroSerde<>()) {
            serde.configure(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, "mock://" + otherScope), false);

            assertThatThrownBy(() -> serde.deserializer().deserialize(TOPIC, bytes))
                    .isInstanceOf(SerializationException.class)
                    .hasMessageContaining("schema id 1");
        } finally {
            MockSchemaRegistryClient.dropScope(otherScope);
        }
    }

    @Test
    void serdeWithExplicitClientNeedsNoUrl() {
        final MockSchemaRegistryClient registry = new MockSchemaRegistryClient();
        try (SpecificAvroSerde<ChangeEvent> serde = new SpecificAvroSerde<>(registry)) {
            serde.configure(Map.of(), false);

            final byte[] bytes = serde.serializer().serialize("permwatch.changes", SampleRecords.renamed());

            assertThat(serde.deserializer().deserialize("permwatch.changes", bytes)).isEqualTo(SampleRecords.renamed());
        }
    }

    @Test
    void missingUrlIsConfigError() {
        final AvroSerializer<Object> serializer = new AvroSerializer<>();

        assertThatThrownBy(() -> serializer.configure(Map.of(), false))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("schema.registry.url")
                .hasMessageContaining("mock://");
    }

    @Test
    void unconfiguredSerializerFailsClearly() {
        assertThatThrownBy(() -> new AvroSerializer<>().serialize(TOPIC, Sources.user()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("configure()");
    }

    @Test
    void unknownCredentialsSourceIsConfigError() {
        config.put(AvroSerdeConfig.BASIC_AUTH_CREDENTIALS_SOURCE, "SASL_INHERIT");

        assertThatThrownBy(() -> serializer(false))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("SASL_INHERIT")
                .hasMessageContaining("URL or USER_INFO");
    }

    @Test
    void userInfoSourceNeedsUserInfo() {
        config.put(AvroSerdeConfig.BASIC_AUTH_CREDENTIALS_SOURCE, "USER_INFO");

        assertThatThrownBy(() -> serializer(false))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("basic.auth.user.info")
                .hasMessageContaining("user:password");
    }

    @Test
    void malformedUserInfoIsRejectedWithoutShowingIt() {
        config.put(AvroSerdeConfig.BASIC_AUTH_CREDENTIALS_SOURCE, "USER_INFO");
        config.put(AvroSerdeConfig.BASIC_AUTH_USER_INFO, "s3cr3t-token-without-colon");

        assertThatThrownBy(() -> serializer(false))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("basic.auth.user.info")
                .hasMessageNotContaining("s3cr3t");
    }

    @Test
    void invalidUrlIsConfigErrorWithoutPassword() {
        config.put(AvroSerdeConfig.SCHEMA_REGISTRY_URL, "ftp://user:hunter2@127.0.0.1:8081");

        assertThatThrownBy(() -> serializer(false))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("ftp://***@127.0.0.1:8081")
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void slashInUrlPasswordIsNotShown() {
        config.put(AvroSerdeConfig.SCHEMA_REGISTRY_URL, "http://regUser:REGSECRET/PW@127.0.0.1:18798");
        config.put(AvroSerdeConfig.BASIC_AUTH_CREDENTIALS_SOURCE, "URL");

        final Throwable error = catchThrowable(() -> serializer(false));

        assertThat(error).isInstanceOf(ConfigException.class);
        assertThat(error.getMessage()).contains("http://***@127.0.0.1:18798");
        assertThat(error.getMessage()).contains("percent-encode");
        assertThat(error.getMessage()).doesNotContain("REGSECRET");
        assertThat(error.getMessage()).doesNotContain("PW");
    }

    @Test
    void slashInUrlPasswordIsNotShownInMockMix() {
        config.put(AvroSerdeConfig.SCHEMA_REGISTRY_URL, "mock://scope,http://regUser:REGSECRET/PW@127.0.0.1:18798");

        final Throwable error = catchThrowable(() -> serializer(false));

        assertThat(error).isInstanceOf(ConfigException.class);
        assertThat(error.getMessage()).doesNotContain("REGSECRET");
        assertThat(error.getMessage()).doesNotContain("PW");
    }

    private AvroSerializer<Object> serializer(final boolean isKey) {
        final AvroSerializer<Object> serializer = new AvroSerializer<>();
        serializer.configure(config, isKey);
        return serializer;
    }

    private AvroDeserializer<Object> deserializer() {
        final AvroDeserializer<Object> deserializer = new AvroDeserializer<>();
        deserializer.configure(config, false);
        return deserializer;
    }
}
