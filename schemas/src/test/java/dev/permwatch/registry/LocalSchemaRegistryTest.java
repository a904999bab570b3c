package dev.permwatch.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.permwatch.avro.Snapshot;
import dev.permwatch.avro.Source;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LocalSchemaRegistryTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String SUBJECT = "permwatch.sources-value";

    /** Source with an added optional field: BACKWARD compatible with the current one. */
    private static final Schema SOURCE_WITH_REGION = SchemaBuilder.record("Source").namespace("dev.permwatch.avro")
            .fields()
            .name("kind").type(Source.getClassSchema().getField("kind").schema()).noDefault()
            .name("accountId").type().optional().stringType()
            .name("region").type().stringType().stringDefault("global")
            .endRecord();

    /** Source with an added field without default: not BACKWARD compatible. */
    private static final Schema SOURCE_WITH_REQUIRED_REGION = SchemaBuilder.record("Source")
            .namespace("dev.permwatch.avro").fields()
            .name("kind").type(Source.getClassSchema().getField("kind").schema()).noDefault()
            .name("accountId").type().optional().stringType()
            .requiredString("region")
            .endRecord();

    @TempDir
    Path folder;

    private final HttpClient http = HttpClient.newHttpClient();
    private LocalSchemaRegistry registry;

    @BeforeEach
    void startRegistry() throws IOException {
        registry = new LocalSchemaRegistry(folder);
    }

    @AfterEach
    void stopRegistry() {
        registry.close();
    }

    @Test
    void bindsLoopbackOnly() {
        assertThat(registry.url()).matches("http://127\\.0\\.0\\.1:\\d+");
    }

    @Test
    void oversizedBodyIsRejected() throws Exception {
        // Exactly one byte over the cap, so the server has read the whole body before it responds.
        final String body = "x".repeat(LocalSchemaRegistry.MAX_REQUEST_BODY_BYTES + 1);

        final Response response = post("/subjects/" + SUBJECT + "/versions", body);

        assertThat(response.status()).isEqualTo(413);
        assertThat(response.json().get("error_code").asInt()).isEqualTo(413);
        assertThat(response.json().get("message").asText()).contains("larger than");
        assertThat(get("/subjects").status()).isEqualTo(200);
    }

    @Test
    void registerReturnsId() throws Exception {
        final Response response = post("/subjects/" + SUBJECT + "/versions", schemaBody(Source.getClassSchema()));

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.contentType()).isEqualTo("application/vnd.schemaregistry.v1+json");
        assertThat(response.json().get("id").asInt()).isEqualTo(1);
    }

    @Test
    void reRegisteringReturnsSameIdAndVersion() throws Exception {
        post("/subjects/" + SUBJECT + "/versions", schemaBody(Source.getClassSchema()));
        post("/subjects/" + SUBJECT + "/versions", schemaBody(SOURCE_WITH_REGION));

        final Response again = post("/subjects/" + SUBJECT + "/versions", schemaBody(Source.getClassSchema()));

        assertThat(again.json().get("id").asInt()).isEqualTo(1);
        assertThat(get("/subjects/" + SUBJECT + "/versions").body()).isEqualTo("[1,2]");
    }

    @Test
    void registerAcceptsReformattedSchema() throws Exception {
        post("/subjects/" + SUBJECT + "/versions", schemaBody(Source.getClassSchema()));
        final String pretty = Source.getClassSchema().toString(true);

        final Response again = post("/subjects/" + SUBJECT + "/versions",
                MAPPER.createObjectNode().put("schema", pretty).put("schemaType", "AVRO").toString());

        assertThat(again.json().get("id").asInt()).isEqualTo(1);
    }

    @Test
    void subjectsAndVersionsAreListed() throws Exception {
        post("/subjects/b-value/versions", schemaBody(Source.getClassSchema()));
        post("/subjects/a-value/versions", schemaBody(Snapshot.getClassSchema()));

        assertThat(get("/subjects").body()).isEqualTo("[\"a-value\",\"b-value\"]");
        assertThat(get("/subjects/a-value/versions").body()).isEqualTo("[1]");
    }

    @Test
    void versionAndLatestAreReturned() throws Exception {
        post("/subjects/" + SUBJECT + "/versions", schemaBody(Source.getClassSchema()));
        post("/subjects/" + SUBJECT + "/versions", schemaBody(SOURCE_WITH_REGION));

        final JsonNode first = get("/subjects/" + SUBJECT + "/versions/1").json();
        final JsonNode latest = get("/subjects/" + SUBJECT + "/versions/latest").json();

        assertThat(first.get("subject").asText()).isEqualTo(SUBJECT);
        assertThat(first.get("version").asInt()).isEqualTo(1);
        assertThat(first.get("id").asInt()).isEqualTo(1);
        assertThat(new Schema.Parser().parse(first.get("schema").asText())).isEqualTo(Source.getClassSchema());
        assertThat(latest.get("version").asInt()).isEqualTo(2);
        assertThat(latest.get("id").asInt()).isEqualTo(2);
        assertThat(get("/subjects/" + SUBJECT + "/versions/latest/schema").json().get("name").asText())
                .isEqualTo("Source");
    }

    @Test
    void schemaByIdIsReturned() throws Exception {
        post("/subjects/" + SUBJECT + "/versions", schemaBody(Source.getClassSchema()));

        final Response response = get("/schemas/ids/1");

        assertThat(response.status()).isEqualTo(200);
        assertThat(new Schema.Parser().parse(response.json().get("schema").asText())).isEqualTo(Source.getClassSchema());
    }

    @Test
    void lookupReturnsVersion() throws Exception {
        post("/subjects/" + SUBJECT + "/versions", schemaBody(Source.getClassSchema()));

        final JsonNode found = post("/subjects/" + SUBJECT, schemaBody(Source.getClassSchema())).json();

        assertThat(found.get("subject").asText()).isEqualTo(SUBJECT);
        assertThat(found.get("version").asInt()).isEqualTo(1);
        assertThat(found.get("id").asInt()).isEqualTo(1);
    }

    @Test
    void unknownSubjectIs40401() throws Exception {
        assertError(get("/subjects/missing-value/versions"), 404, 40401, "missing-value");
        assertError(get("/subjects/missing-value/versions/latest"), 404, 40401, "missing-value");
        assertError(post("/subjects/missing-value", schemaBody(Source.getClassSchema())), 404, 40401, "missing-value");
    }

    @Test
    void unknownVersionIs40402() throws Exception {
        post("/subjects/" + SUBJECT + "/versions", schemaBody(Source.getClassSchema()));

        assertError(get("/subjects/" + SUBJECT + "/versions/7"), 404, 40402, "Version 7");
    }

    @Test
    void invalidVersionIs42202() throws Exception {
        post("/subjects/" + SUBJECT + "/versions", schemaBody(Source.getClassSchema()));

        assertError(get("/subjects/" + SUBJECT + "/versions/first"), 422, 42202, "'first'");
        assertError(get("/subjects/" + SUBJECT + "/versions/0"), 422, 42202, "'0'");
    }

    @Test
    void unknownSchemaIs40403() throws Exception {
        post("/subjects/" + SUBJECT + "/versions", schemaBody(Source.getClassSchema()));

        assertError(get("/schemas/ids/42"), 404, 40403, "42");
        assertError(get("/schemas/ids/abc"), 404, 40403, "'abc'");
        assertError(post("/subjects/" + SUBJECT, schemaBody(Snapshot.getClassSchema())), 404, 40403, SUBJECT);
    }

    @Test
    void invalidSchemaIs42201() throws Exception {
        final String body = MAPPER.createObjectNode().put("schema", "{\"type\": \"record\"}").toString();

        assertError(post("/subjects/" + SUBJECT + "/versions", body), 422, 42201, "Invalid schema");
    }

    @Test
    void badDefaultIs42201() throws Exception {
        final String schema = "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"n\",\"type\":\"int\","
                + "\"default\":\"text\"}]}";

        assertError(post("/subjects/" + SUBJECT + "/versions", MAPPER.createObjectNode().put("schema", schema)
                .toString()), 422, 42201, "Invalid schema");
    }

    @Test
    void otherSchemaTypeIs42201() throws Exception {
        final String body = MAPPER.createObjectNode().put("schema", "{}").put("schemaType", "JSON").toString();

        assertError(post("/subjects/" + SUBJECT + "/versions", body), 422, 42201, "JSON");
    }

    @Test
    void malformedBodyIs422() throws Exception {
        assertError(post("/subjects/" + SUBJECT + "/versions", "{not json"), 422, 422, "not valid JSON");
        assertError(post("/subjects/" + SUBJECT + "/versions", "{\"schema\": 5}"), 422, 422, "\"schema\"");
        assertError(post("/subjects/" + SUBJECT + "/versions", "[]"), 422, 422, "JSON object");
    }

    @Test
    void incompatibleSchemaIs409() throws Exception {
        post("/subjects/" + SUBJECT + "/versions", schemaBody(Source.getClassSchema()));

        final Response response = post("/subjects/" + SUBJECT + "/versions", schemaBody(SOURCE_WITH_REQUIRED_REGION));

        assertError(response, 409, 409, "region");
        assertThat(response.json().get("message").asText()).contains("BACKWARD");
        assertThat(get("/subjects/" + SUBJECT + "/versions").body()).isEqualTo("[1]");
    }

    @Test
    void compatibleChangeIsRegistered() throws Exception {
        post("/subjects/" + SUBJECT + "/versions", schemaBody(Source.getClassSchema()));

        final Response response = post("/subjects/" + SUBJECT + "/versions", schemaBody(SOURCE_WITH_REGION));

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.json().get("id").asInt()).isEqualTo(2);
    }

    @Test
    void removingFieldIsBackwardCompatible() throws Exception {
        post("/subjects/" + SUBJECT + "/versions", schemaBody(SOURCE_WITH_REGION));

        final Response response = post("/subjects/" + SUBJECT + "/versions", schemaBody(Source.getClassSchema()));

        assertThat(response.status()).isEqualTo(200);
    }

    @Test
    void compatibilityEndpointReportsResult() throws Exception {
        post("/subjects/" + SUBJECT + "/versions", schemaBody(Source.getClassSchema()));

        final JsonNode compatible = post("/compatibility/subjects/" + SUBJECT + "/versions/latest",
                schemaBody(SOURCE_WITH_REGION)).json();
        final JsonNode incompatible = post("/compatibility/subjects/" + SUBJECT + "/versions/1?verbose=true",
                schemaBody(SOURCE_WITH_REQUIRED_REGION)).json();

        assertThat(compatible.get("is_compatible").asBoolean()).isTrue();
        assertThat(incompatible.get("is_compatible").asBoolean()).isFalse();
        assertThat(incompatible.get("messages").toString()).contains("region");
        assertError(post("/compatibility/subjects/missing-value/versions/latest", schemaBody(SOURCE_WITH_REGION)),
                404, 40401, "missing-value");
    }

    @Test
    void globalConfigIsBackwardAndSettable() throws Exception {
        assertThat(get("/config").json().get("compatibilityLevel").asText()).isEqualTo("BACKWARD");

        final Response put = put("/config", "{\"compatibility\": \"full\"}");

        assertThat(put.json().get("compatibility").asText()).isEqualTo("FULL");
        assertThat(get("/config").json().get("compatibilityLevel").asText()).isEqualTo("FULL");
    }

    @Test
    void subjectConfigOverridesGlobal() throws Exception {
        assertError(get("/config/" + SUBJECT), 404, 40408, SUBJECT);
        assertThat(get("/config/" + SUBJECT + "?defaultToGlobal=true").json().get("compatibilityLevel").asText())
                .isEqualTo("BACKWARD");
        post("/subjects/" + SUBJECT + "/versions", schemaBody(Source.getClassSchema()));

        put("/config/" + SUBJECT, "{\"compatibility\": \"NONE\"}");
        final Response registered = post("/subjects/" + SUBJECT + "/versions", schemaBody(SOURCE_WITH_REQUIRED_REGION));

        assertThat(get("/config/" + SUBJECT).json().get("compatibilityLevel").asText()).isEqualTo("NONE");
        assertThat(registered.status()).isEqualTo(200);
    }

    @Test
    void deletingSubjectConfigRestoresGlobal() throws Exception {
        post("/subjects/" + SUBJECT + "/versions", schemaBody(Source.getClassSchema()));
        put("/config/" + SUBJECT, "{\"compatibility\": \"NONE\"}");

        final Response deleted = delete("/config/" + SUBJECT);
        final Response registered = post("/subjects/" + SUBJECT + "/versions", schemaBody(SOURCE_WITH_REQUIRED_REGION));

        assertThat(deleted.status()).isEqualTo(200);
        assertThat(deleted.json().get("compatibilityLevel").asText()).isEqualTo("NONE");
        assertError(get("/config/" + SUBJECT), 404, 40408, SUBJECT);
        assertError(registered, 409, 409, "BACKWARD");
        assertError(delete("/config/" + SUBJECT), 404, 40408, SUBJECT);
    }

    @Test
    void deletedSubjectConfigStaysDeletedAfterRestart() throws Exception {
        put("/config/" + SUBJECT, "{\"compatibility\": \"FULL\"}");
        delete("/config/" + SUBJECT);
        registry.close();

        registry = new LocalSchemaRegistry(folder);

        assertError(get("/config/" + SUBJECT), 404, 40408, SUBJECT);
    }

    @Test
    void compatibilityWithoutVersionFollowsLevel() throws Exception {
        // A required region reads version 2, which has the field, but not version 1, which lacks it.
        post("/subjects/" + SUBJECT + "/versions", schemaBody(Source.getClassSchema()));
        post("/subjects/" + SUBJECT + "/versions", schemaBody(SOURCE_WITH_REGION));
        final String body = schemaBody(SOURCE_WITH_REQUIRED_REGION);

        final JsonNode againstLatest = post("/compatibility/subjects/" + SUBJECT + "/versions", body).json();
        put("/config/" + SUBJECT, "{\"compatibility\": \"BACKWARD_TRANSITIVE\"}");
        final JsonNode againstAll = post("/compatibility/subjects/" + SUBJECT + "/versions?verbose=true", body).json();

        assertThat(againstLatest.get("is_compatible").asBoolean()).isTrue();
        assertThat(againstAll.get("is_compatible").asBoolean()).isFalse();
        assertThat(againstAll.get("messages").toString()).contains("region");
    }

    @Test
    void invalidCompatibilityIs42203() throws Exception {
        assertError(put("/config", "{\"compatibility\": \"SIDEWAYS\"}"), 422, 42203, "SIDEWAYS");
        assertError(put("/config", "{\"level\": \"FULL\"}"), 422, 422, "compatibility");
    }

    @Test
    void unknownPathIs404AndWrongMethodIs405() throws Exception {
        assertError(get("/nothing/here"), 404, 404, "Not Found");
        assertError(put("/subjects", "{}"), 405, 405, "Method Not Allowed");
    }

    @Test
    void encodedSlashStaysInSubject() throws Exception {
        post("/subjects/team%2Fsources-value/versions", schemaBody(Source.getClassSchema()));

        assertThat(get("/subjects").body()).isEqualTo("[\"team/sources-value\"]");
    }

    @Test
    void schemasPersistAcrossRestart() throws Exception {
        post("/subjects/" + SUBJECT + "/versions", schemaBody(Source.getClassSchema()));
        post("/subjects/" + SUBJECT + "/versions", schemaBody(SOURCE_WITH_REGION));
        post("/subjects/permwatch.snapshots-value/versions", schemaBody(Snapshot.getClassSchema()));
        put("/config/" + SUBJECT, "{\"compatibility\": \"FORWARD\"}");
        registry.close();

        registry = new LocalSchemaRegistry(folder);

        assertThat(get("/subjects").body()).isEqualTo("[\"permwatch.snapshots-value\",\"" + SUBJECT + "\"]");
        assertThat(get("/subjects/" + SUBJECT + "/versions").body()).isEqualTo("[1,2]");
        assertThat(new Schema.Parser().parse(get("/schemas/ids/3").json().get("schema").asText()))
                .isEqualTo(Snapshot.getClassSchema());
        assertThat(get("/config/" + SUBJECT).json().get("compatibilityLevel").asText()).isEqualTo("FORWARD");
        final Response next = post("/subjects/other-value/versions", schemaBody(
                SchemaBuilder.record("Other").fields().requiredString("x").endRecord()));
        assertThat(next.json().get("id").asInt()).isEqualTo(4);
    }

    @Test
    void corruptDataFileFailsStart() throws Exception {
        registry.close();
        Files.writeString(folder.resolve("schema-registry.json"), "{\"schemas\": [");

        assertThatThrownBy(() -> new LocalSchemaRegistry(folder))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("schema-registry.json")
                .hasMessageContaining("Restore it from a backup");
        registry = new LocalSchemaRegistry(folder.resolve("fresh"));
    }

    @Test
    void emptyDataFileFailsStart() throws Exception {
        post("/subjects/" + SUBJECT + "/versions", schemaBody(Source.getClassSchema()));
        registry.close();
        // A zero-length file is what a rename without a forced write can leave after a power loss.
        Files.write(folder.resolve("schema-registry.json"), new byte[0]);

        assertThatThrownBy(() -> new LocalSchemaRegistry(folder))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(folder.resolve("schema-registry.json").toString())
                .hasMessageContaining("numbers schemas from 1 again");
        registry = new LocalSchemaRegistry(folder.resolve("fresh"));
    }

    @Test
    void leftoverTemporaryFileIsDeletedAtStart() throws Exception {
        post("/subjects/" + SUBJECT + "/versions", schemaBody(Source.getClassSchema()));
        post("/subjects/permwatch.snapshots-value/versions", schemaBody(Snapshot.getClassSchema()));
        registry.close();
        // What a kill between writing the temporary file and renaming it leaves: a partial copy.
        final Path current = folder.resolve("schema-registry.json.123456789.tmp");
        final Path older = folder.resolve("schema-registry.json987654321.tmp");
        Files.writeString(current, "{\"schemas\": [{\"id\": 1");
        Files.writeString(older, "");

        registry = new LocalSchemaRegistry(folder);

        assertThat(current).doesNotExist();
        assertThat(older).doesNotExist();
        assertThat(get("/subjects/permwatch.snapshots-value/versions/1").json().get("id").asInt()).isEqualTo(2);
        assertThat(post("/subjects/other-value/versions", schemaBody(SOURCE_WITH_REGION)).json().get("id").asInt())
                .isEqualTo(3);
    }

    @Test
    void failedWriteRegistersNothing() throws Exception {
        post("/subjects/" + SUBJECT + "/versions", schemaBody(Source.getClassSchema()));
        // A non-empty folder in place of the data file makes the rename fail, as a disk error would.
        final Path dataFile = folder.resolve("schema-registry.json");
        Files.delete(dataFile);
        Files.createDirectories(dataFile.resolve("blocker"));

        final Response failed = post("/subjects/permwatch.snapshots-value/versions", schemaBody(Snapshot.getClassSchema()));

        assertError(failed, 500, 50001, "schema-registry.json");
        assertThat(get("/subjects").body()).isEqualTo("[\"" + SUBJECT + "\"]");
        assertError(get("/schemas/ids/2"), 404, 40403, "id 2");
        try (var files = Files.list(folder)) {
            assertThat(files.map(path -> path.getFileName().toString())).containsExactly("schema-registry.json");
        }
    }

    @Test
    void noTemporaryFilesRemain() throws Exception {
        post("/subjects/" + SUBJECT + "/versions", schemaBody(Source.getClassSchema()));
        put("/config", "{\"compatibility\": \"FULL\"}");

        try (var files = Files.list(folder)) {
            assertThat(files.map(path -> path.getFileName().toString())).containsExactly("schema-registry.json");
        }
    }

    @Test
    void concurrentRegistrationsGetDistinctVersions() throws Exception {
        final ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            final List<Future<Response>> results = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                final Schema schema = SchemaBuilder.record("Parallel" + i).fields().requiredString("x").endRecord();
                final Callable<Response> task = () -> post("/subjects/parallel-" + schema.getName() + "/versions",
                        schemaBody(schema));
                results.add(pool.submit(task));
            }
            final List<Integer> ids = new ArrayList<>();
            for (final Future<Response> result : results) {
                ids.add(result.get().json().get("id").asInt());
            }

            assertThat(ids).doesNotHaveDuplicates().hasSize(8);
            assertThat(ids).allSatisfy(id -> assertThat(id).isBetween(1, 8));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void basicAuthIsRequiredWhenConfigured() throws Exception {
        registry.close();
        registry = new LocalSchemaRegistry(folder, 0, Optional.of("permwatch:secret"));

        final Response withoutAuth = get("/subjects");
        final HttpResponse<String> withAuth = http.send(HttpRequest.newBuilder(URI.create(registry.url() + "/subjects"))
                .header("Authorization", "Basic cGVybXdhdGNoOnNlY3JldA==").build(), HttpResponse.BodyHandlers.ofString());

        assertError(withoutAuth, 401, 401, "Unauthorized");
        assertThat(withAuth.statusCode()).isEqualTo(200);
    }

    private static String schemaBody(final Schema schema) {
        return MAPPER.createObjectNode().put("schema", schema.toString()).toString();
    }

    private static void assertError(final Response response, final int status, final int errorCode,
                                    final String messagePart) throws IOException {
        assertThat(response.status()).as("HTTP status of %s", response.body()).isEqualTo(status);
        assertThat(response.json().get("error_code").asInt()).as("error_code of %s", response.body())
                .isEqualTo(errorCode);
        assertThat(response.json().get("message").asText()).contains(messagePart);
    }

    private Response get(final String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(registry.url() + path)).GET());
    }

    private Response post(final String path, final String body) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(registry.url() + path))
                .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private Response delete(final String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(registry.url() + path)).DELETE());
    }

    private Response put(final String path, final String body) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(registry.url() + path))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(body)));
    }

    private Response send(final HttpRequest.Builder request) throws IOException, InterruptedException {
        final HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Response(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""),
                response.body());
    }

    private record Response(int status, String contentType, String body) {

        JsonNode json() throws IOException {
            return MAPPER.readTree(body);
        }
    }
}
