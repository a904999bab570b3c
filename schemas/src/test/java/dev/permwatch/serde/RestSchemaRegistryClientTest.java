package dev.permwatch.serde;

import dev.permwatch.avro.DiffReport;
import dev.permwatch.avro.Snapshot;
import dev.permwatch.avro.Source;
import dev.permwatch.registry.LocalSchemaRegistry;
import dev.permwatch.registry.RegisteredSchema;
import dev.permwatch.schemas.Sources;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RestSchemaRegistryClientTest {

    private static final String SUBJECT = "permwatch.snapshots-value";
    private static final String PASSWORD = "hunter2-registry-secret";

    @TempDir
    Path folder;

    private LocalSchemaRegistry registry;

    @AfterEach
    void stopRegistry() {
        if (registry != null) {
            registry.close();
        }
    }

    @Test
    void registerReturnsGlobalIds() throws IOException {
        registry = new LocalSchemaRegistry(folder);
        final RestSchemaRegistryClient client = client(registry.url());

        final int snapshotId = client.register(SUBJECT, Snapshot.getClassSchema());
        final int reportId = client.register("permwatch.diff-reports-value", DiffReport.getClassSchema());

        assertThat(snapshotId).isEqualTo(1);
        assertThat(reportId).isEqualTo(2);
    }

    @Test
    void identicalSchemaGetsSameIdUnderAnotherSubject() throws IOException {
        registry = new LocalSchemaRegistry(folder);
        final int first = client(registry.url()).register("a-value", Source.getClassSchema());

        final int second = client(registry.url()).register("b-value", Source.getClassSchema());

        assertThat(second).isEqualTo(first);
    }

    @Test
    void registeredIdIsCached() throws IOException {
        registry = new LocalSchemaRegistry(folder);
        final RestSchemaRegistryClient client = client(registry.url());
        client.register(SUBJECT, Snapshot.getClassSchema());
        final long requestsAfterFirst = registry.requestCount();

        for (int i = 0; i < 5; i++) {
            client.register(SUBJECT, Snapshot.getClassSchema());
            client.getId(SUBJECT, Snapshot.getClassSchema());
        }

        assertThat(requestsAfterFirst).isEqualTo(1);
        assertThat(registry.requestCount()).isEqualTo(1);
    }

    @Test
    void schemaByIdIsFetchedOnce() throws IOException {
        registry = new LocalSchemaRegistry(folder);
        final int id = client(registry.url()).register(SUBJECT, Snapshot.getClassSchema());
        final RestSchemaRegistryClient reader = client(registry.url());
        final long before = registry.requestCount();

        final Schema first = reader.getSchemaById(id);
        final Schema second = reader.getSchemaById(id);

        assertThat(first).isEqualTo(Snapshot.getClassSchema());
        assertThat(second).isSameAs(first);
        assertThat(registry.requestCount() - before).isEqualTo(1);
    }

    @Test
    void lookupFindsRegisteredSchema() throws IOException {
        registry = new LocalSchemaRegistry(folder);
        final int id = client(registry.url()).register(SUBJECT, Snapshot.getClassSchema());

        assertThat(client(registry.url()).getId(SUBJECT, Snapshot.getClassSchema())).isEqualTo(id);
    }

    @Test
    void lookupOfUnknownSubjectIs40401() throws IOException {
        registry = new LocalSchemaRegistry(folder);

        assertThatThrownBy(() -> client(registry.url()).getId(SUBJECT, Snapshot.getClassSchema()))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(404);
                    assertThat(e.errorCode()).isEqualTo(40401);
                })
                .hasMessageContaining("subject '" + SUBJECT + "'")
                .hasMessageContaining("HTTP 404")
                .hasMessageContaining("error code 40401")
                .hasMessageContaining("not found")
                .hasMessageContaining("auto.register.schemas=true");
    }

    @Test
    void lookupOfUnregisteredSchemaIs40403() throws IOException {
        registry = new LocalSchemaRegistry(folder);
        client(registry.url()).register(SUBJECT, Snapshot.getClassSchema());

        assertThatThrownBy(() -> client(registry.url()).getId(SUBJECT, Source.getClassSchema()))
                .isInstanceOfSatisfying(SchemaRegistryException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(40403));
    }

    @Test
    void unknownIdIs40403() throws IOException {
        registry = new LocalSchemaRegistry(folder);

        assertThatThrownBy(() -> client(registry.url()).getSchemaById(999))
                .isInstanceOfSatisfying(SchemaRegistryException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(40403))
                .hasMessageContaining("schema id 999");
    }

    @Test
    void incompatibleSchemaIs409() throws IOException {
        registry = new LocalSchemaRegistry(folder);
        final RestSchemaRegistryClient client = client(registry.url());
        client.register("sources-value", Source.getClassSchema());
        final Schema withRequiredField = SchemaBuilder.record("Source").namespace("dev.permwatch.avro").fields()
                .name("kind").type(Source.getClassSchema().getField("kind").schema()).noDefault()
                .name("accountId").type().optional().stringType()
                .requiredString("region")
                .endRecord();

        assertThatThrownBy(() -> client.register("sources-value", withRequiredField))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(409);
                    assertThat(e.errorCode()).isEqualTo(409);
                })
                .hasMessageContaining("region")
                .hasMessageContaining("BACKWARD")
                .hasMessageContaining("add fields with a default");
    }

    @Test
    void latestVersionIsReturned() throws IOException {
        registry = new LocalSchemaRegistry(folder);
        final int id = client(registry.url()).register(SUBJECT, Snapshot.getClassSchema());

        final RegisteredSchema latest = client(registry.url()).getLatestSchemaMetadata(SUBJECT);

        assertThat(latest.version()).isEqualTo(1);
        assertThat(latest.id()).isEqualTo(id);
        assertThat(new Schema.Parser().parse(latest.schema())).isEqualTo(Snapshot.getClassSchema());
    }

    @Test
    void subjectWithSlashIsEncoded() throws IOException {
        registry = new LocalSchemaRegistry(folder);
        final String subject = "team/a b+c-value";

        client(registry.url()).register(subject, Source.getClassSchema());

        assertThat(registry.store().subjects()).containsExactly(subject);
    }

    @Test
    void userInfoCredentialsAreSent() throws IOException {
        registry = new LocalSchemaRegistry(folder, 0, Optional.of("permwatch:" + PASSWORD));
        final Map<String, Object> config = new HashMap<>();
        config.put(AvroSerdeConfig.SCHEMA_REGISTRY_URL, registry.url());
        config.put(AvroSerdeConfig.BASIC_AUTH_CREDENTIALS_SOURCE, "USER_INFO");
        config.put(AvroSerdeConfig.BASIC_AUTH_USER_INFO, "permwatch:" + PASSWORD);

        final int id = new RestSchemaRegistryClient(new AvroSerdeConfig(config)).register(SUBJECT,
                Snapshot.getClassSchema());

        assertThat(id).isEqualTo(1);
    }

    @Test
    void urlCredentialsAreSent() throws IOException {
        registry = new LocalSchemaRegistry(folder, 0, Optional.of("permwatch:" + PASSWORD));
        final String url = registry.url().replace("http://", "http://permwatch:" + PASSWORD + "@");

        final int id = new RestSchemaRegistryClient(new AvroSerdeConfig(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, url)))
                .register(SUBJECT, Snapshot.getClassSchema());

        assertThat(id).isEqualTo(1);
    }

    @Test
    void wrongPasswordIs401WithoutSecrets() throws IOException {
        registry = new LocalSchemaRegistry(folder, 0, Optional.of("permwatch:" + PASSWORD));
        final String url = registry.url().replace("http://", "http://permwatch:wrong-" + PASSWORD + "@");

        assertThatThrownBy(() -> new RestSchemaRegistryClient(new AvroSerdeConfig(
                Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, url))).register(SUBJECT, Snapshot.getClassSchema()))
                .isInstanceOfSatisfying(SchemaRegistryException.class,
                        e -> assertThat(e.httpStatus()).isEqualTo(401))
                .hasMessageContaining("HTTP 401")
                .hasMessageContaining("basic.auth.user.info")
                .hasMessageContaining(registry.url())
                .hasMessageNotContaining(PASSWORD)
                .hasMessageNotContaining("permwatch:");
    }

    @Test
    void missingCredentialsIs401() throws IOException {
        registry = new LocalSchemaRegistry(folder, 0, Optional.of("permwatch:" + PASSWORD));

        assertThatThrownBy(() -> client(registry.url()).getSchemaById(1))
                .isInstanceOfSatisfying(SchemaRegistryException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(401));
    }

    @Test
    void serializerErrorKeepsPasswordOut() throws IOException {
        registry = new LocalSchemaRegistry(folder, 0, Optional.of("permwatch:" + PASSWORD));
        final AvroSerializer<Object> serializer = new AvroSerializer<>();
        serializer.configure(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, registry.url(),
                AvroSerdeConfig.BASIC_AUTH_CREDENTIALS_SOURCE, "USER_INFO",
                AvroSerdeConfig.BASIC_AUTH_USER_INFO, "permwatch:wrong-" + PASSWORD), false);

        assertThatThrownBy(() -> serializer.serialize("permwatch.snapshots", SampleRecords.snapshot()))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("permwatch.snapshots")
                .hasMessageContaining("HTTP 401")
                .hasMessageNotContaining(PASSWORD);
    }

    @Test
    void nextUrlIsTriedWhenFirstRefusesConnection() throws IOException {
        registry = new LocalSchemaRegistry(folder);
        final String closedUrl = "http://127.0.0.1:" + closedPort();
        final RestSchemaRegistryClient client = client(closedUrl + "," + registry.url());

        final int id = client.register(SUBJECT, Snapshot.getClassSchema());

        assertThat(id).isEqualTo(1);
        assertThat(registry.requestCount()).isEqualTo(1);
    }

    @Test
    void unreachableRegistryFailsClearly() throws IOException {
        final String closedUrl = "http://user:" + PASSWORD + "@127.0.0.1:" + closedPort();

        assertThatThrownBy(() -> client(closedUrl).getSchemaById(1))
                .isInstanceOfSatisfying(SchemaRegistryException.class,
                        e -> assertThat(e.httpStatus()).isEqualTo(SchemaRegistryException.NO_RESPONSE))
                .hasMessageContaining("No Schema Registry responded")
                .hasMessageContaining("schema.registry.url")
                .hasMessageNotContaining(PASSWORD);
    }

    @Test
    void serdeRoundTripsThroughLocalRegistry() throws IOException {
        registry = new LocalSchemaRegistry(folder);
        try (SpecificAvroSerde<Source> serde = new SpecificAvroSerde<>()) {
            serde.configure(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, registry.url()), true);

            final byte[] bytes = serde.serializer().serialize("permwatch.snapshots", SampleRecords.account());

            assertThat(serde.deserializer().deserialize("permwatch.snapshots", bytes)).isEqualTo(SampleRecords.account());
            assertThat(registry.store().subjects()).containsExactly("permwatch.snapshots-key");
        }
    }

    @Test
    void unregisteredSchemaFailsWithoutAutoRegister() throws IOException {
        registry = new LocalSchemaRegistry(folder);
        final AvroSerializer<Object> serializer = new AvroSerializer<>();
        serializer.configure(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, registry.url(),
                AvroSerdeConfig.AUTO_REGISTER_SCHEMAS, "false"), false);

        assertThatThrownBy(() -> serializer.serialize("permwatch.sources", Sources.user()))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("subject 'permwatch.sources-value'")
                .hasMessageContaining("40401")
                .hasMessageContaining("must be registered under subject 'permwatch.sources-value' beforehand");
        assertThat(registry.store().subjects()).isEmpty();
    }

    private static RestSchemaRegistryClient client(final String urls) {
        final List<URI> parsed = new AvroSerdeConfig(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, urls))
                .schemaRegistryUrls();
        return new RestSchemaRegistryClient(parsed, Optional.empty(), Duration.ofSeconds(5), Duration.ofSeconds(10));
    }

    /** Returns a loopback port that nothing listens on, by binding and releasing it. */
    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
