package dev.permwatch.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The JSON file in which {@link LocalSchemaRegistry} keeps its {@link SchemaStore.State}. Each
 * write goes to a temporary file in the same folder that is then moved over the old one, so a
 * crash leaves either the old or the new file, never a partial one.
 */
final class RegistryFile {

    /** Name of the data file inside the registry's folder. */
    static final String FILE_NAME = "schema-registry.json";

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final Path file;

    RegistryFile(final Path folder) {
        this.file = folder.resolve(FILE_NAME);
    }

    Path path() {
        return file;
    }

    /**
     * Reads the stored state, or returns empty when the file does not exist yet.
     *
     * @throws IllegalStateException when the file cannot be read or parsed
     */
    Optional<SchemaStore.State> read() {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(fromJson(MAPPER.readTree(file.toFile())));
        } catch (final IOException | RuntimeException e) {
            throw new IllegalStateException("Cannot read the Schema Registry data file " + file + ": " + e.getMessage()
                    + ". Restore it from a backup, or move it away to start with an empty registry.", e);
        }
    }

    /** Replaces the file with the given state. */
    void write(final SchemaStore.State state) throws IOException {
        final byte[] content = MAPPER.writerWithDefaultPrettyPrinter()
                .writeValueAsString(toJson(state)).getBytes(StandardCharsets.UTF_8);
        final Path temporary = Files.createTempFile(file.getParent(), FILE_NAME, ".tmp");
        try {
            Files.write(temporary, content);
            try {
                Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (final AtomicMoveNotSupportedException e) {
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    private static ObjectNode toJson(final SchemaStore.State state) {
        final ObjectNode root = MAPPER.createObjectNode();
        root.put("compatibility", state.globalCompatibility().name());

        final ArrayNode schemas = root.putArray("schemas");
        state.schemasById().forEach((id, schema) -> schemas.addObject().put("id", id).put("schema", schema));

        final ObjectNode subjects = root.putObject("subjects");
        state.subjects().forEach((subject, ids) -> {
            final ArrayNode versions = subjects.putArray(subject);
            ids.forEach(versions::add);
        });

        final ObjectNode subjectCompatibility = root.putObject("subjectCompatibility");
        state.subjectCompatibility().forEach((subject, level) -> subjectCompatibility.put(subject, level.name()));
        return root;
    }

    private static SchemaStore.State fromJson(final JsonNode root) {
        final Map<Integer, String> schemas = new TreeMap<>();
        for (final JsonNode schema : required(root, "schemas")) {
            schemas.put(required(schema, "id").asInt(), required(schema, "schema").asText());
        }

        final Map<String, List<Integer>> subjects = new TreeMap<>();
        final Iterator<Map.Entry<String, JsonNode>> subjectEntries = required(root, "subjects").fields();
        while (subjectEntries.hasNext()) {
            final Map.Entry<String, JsonNode> entry = subjectEntries.next();
            final List<Integer> ids = new ArrayList<>();
            entry.getValue().forEach(id -> ids.add(id.asInt()));
            subjects.put(entry.getKey(), ids);
        }

        final Map<String, CompatibilityLevel> subjectCompatibility = new TreeMap<>();
        final JsonNode levels = root.path("subjectCompatibility");
        levels.fieldNames().forEachRemaining(subject ->
                subjectCompatibility.put(subject, CompatibilityLevel.parse(levels.get(subject).asText())));

        final CompatibilityLevel global = CompatibilityLevel.parse(required(root, "compatibility").asText());
        return new SchemaStore.State(schemas, subjects, global, subjectCompatibility);
    }

    private static JsonNode required(final JsonNode node, final String field) {
        final JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw new IllegalArgumentException("missing field '" + field + "'");
        }
        return value;
    }
}
