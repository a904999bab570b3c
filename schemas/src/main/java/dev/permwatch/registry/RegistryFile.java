package dev.permwatch.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The JSON file in which {@link LocalSchemaRegistry} keeps its {@link SchemaStore.State}.
 *
 * <p>Each write goes to a temporary file in the same folder, which is forced to disk and then
 * renamed over the old file with an atomic move, and the folder is forced after the rename. A
 * process killed at any point therefore leaves the old or the new file, never a partial one, and
 * at most a leftover temporary file, which {@link #removeLeftoverTemporaryFiles()} deletes.
 */
final class RegistryFile {

    /** Name of the data file inside the registry's folder. */
    static final String FILE_NAME = "schema-registry.json";
    /**
     * Glob of the temporary files of {@link #write}: {@code schema-registry.json.<random>.tmp}, and
     * {@code schema-registry.json<random>.tmp} as earlier versions named them.
     */
    static final String TEMPORARY_FILE_GLOB = FILE_NAME + "*.tmp";

    private static final Logger LOG = LoggerFactory.getLogger(RegistryFile.class);

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
     * @throws IllegalStateException when the file cannot be read or parsed, or has the wrong shape.
     *                               The message names the file, because an empty registry in its
     *                               place would give existing schemas new ids.
     */
    Optional<SchemaStore.State> read() {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(fromJson(MAPPER.readTree(file.toFile())));
        } catch (final IOException | RuntimeException e) {
            throw unreadable(e);
        }
    }

    /**
     * Returns the error for a data file that cannot be used, for example because its content fails
     * {@link SchemaStore#restore}.
     */
    IllegalStateException unreadable(final Exception cause) {
        return new IllegalStateException("Cannot read the Schema Registry data file " + file + ": "
                + cause.getMessage() + ". Restore it from a backup. Move it away only if no topic holds records"
                + " written with its schema ids, because an empty registry numbers schemas from 1 again.", cause);
    }

    /**
     * Deletes temporary files that a write left when its process was killed. Such a write never
     * completed, so no client received the ids it contains, and the data file is still whole.
     *
     * @return the deleted files
     * @throws IOException when the folder cannot be listed or a file cannot be deleted
     */
    List<Path> removeLeftoverTemporaryFiles() throws IOException {
        final List<Path> removed = new ArrayList<>();
        try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(file.getParent(), TEMPORARY_FILE_GLOB)) {
            for (final Path leftover : leftovers) {
                Files.delete(leftover);
                removed.add(leftover);
                LOG.warn("Deleted {}, left by a Schema Registry write that did not complete; the registry"
                        + " continues from {}", leftover, file);
            }
        }
        return removed;
    }

    /**
     * Replaces the file with the given state, durably: when this method returns, the new content
     * has been forced to disk, so it survives a kill of the process and, on Linux, a power loss.
     */
    void write(final SchemaStore.State state) throws IOException {
        final byte[] content = MAPPER.writerWithDefaultPrettyPrinter()
                .writeValueAsString(toJson(state)).getBytes(StandardCharsets.UTF_8);
        final Path temporary = Files.createTempFile(file.getParent(), FILE_NAME + ".", ".tmp");
        try {
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                final ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            // Same folder, so on Linux and macOS the move is one rename(2), which POSIX makes atomic.
            // There is no fallback to a plain move, because that could leave a partial file.
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            forceFolder();
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    /** Forces the folder entry of the renamed file to disk, so the rename itself is durable. */
    private void forceFolder() {
        try (FileChannel folder = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
            folder.force(true);
        } catch (final IOException e) {
            // NOTE: on Windows opening a folder as a channel fails, so there the rename reaches the
            // disk when the file system flushes its metadata. A killed process does not stop that.
            LOG.debug("Cannot force the folder of {} to disk: {}", file, e.toString());
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
        for (final JsonNode schema : requiredArray(root, "schemas")) {
            if (!schema.isObject()) {
                throw new IllegalArgumentException("entry " + schema + " of 'schemas' is not an object with"
                        + " 'id' and 'schema'");
            }
            final int id = schemaId(required(schema, "id"), "'id' of a schema");
            final JsonNode text = required(schema, "schema");
            if (!text.isTextual()) {
                throw new IllegalArgumentException("'schema' of id " + id + " is not a JSON string of schema text");
            }
            if (schemas.put(id, text.asText()) != null) {
                throw new IllegalArgumentException("schema id " + id + " is listed more than once");
            }
        }

        final Map<String, List<Integer>> subjects = new TreeMap<>();
        final Iterator<Map.Entry<String, JsonNode>> subjectEntries = requiredObject(root, "subjects").fields();
        while (subjectEntries.hasNext()) {
            final Map.Entry<String, JsonNode> entry = subjectEntries.next();
            if (!entry.getValue().isArray()) {
                throw new IllegalArgumentException("versions of subject '" + entry.getKey()
                        + "' are not an array of schema ids");
            }
            final List<Integer> ids = new ArrayList<>();
            for (final JsonNode id : entry.getValue()) {
                ids.add(schemaId(id, "a version of subject '" + entry.getKey() + "'"));
            }
            subjects.put(entry.getKey(), ids);
        }

        final Map<String, CompatibilityLevel> subjectCompatibility = new TreeMap<>();
        final JsonNode levels = root.path("subjectCompatibility");
        if (!levels.isMissingNode() && !levels.isObject()) {
            throw new IllegalArgumentException("field 'subjectCompatibility' is not an object");
        }
        levels.fieldNames().forEachRemaining(subject ->
                subjectCompatibility.put(subject, CompatibilityLevel.parse(levels.get(subject).asText())));

        final CompatibilityLevel global = CompatibilityLevel.parse(required(root, "compatibility").asText());
        return new SchemaStore.State(schemas, subjects, global, subjectCompatibility);
    }

    /** Returns a schema id. This registry, like Confluent Schema Registry, assigns ids from 1. */
    private static int schemaId(final JsonNode node, final String what) {
        if (!node.isIntegralNumber() || !node.canConvertToInt() || node.asInt() < 1) {
            throw new IllegalArgumentException(what + " is " + node + ", not a schema id (a whole number from 1)");
        }
        return node.asInt();
    }

    private static JsonNode requiredArray(final JsonNode node, final String field) {
        final JsonNode value = required(node, field);
        if (!value.isArray()) {
            throw new IllegalArgumentException("field '" + field + "' is not an array");
        }
        return value;
    }

    private static JsonNode requiredObject(final JsonNode node, final String field) {
        final JsonNode value = required(node, field);
        if (!value.isObject()) {
            throw new IllegalArgumentException("field '" + field + "' is not an object");
        }
        return value;
    }

    private static JsonNode required(final JsonNode node, final String field) {
        final JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw new IllegalArgumentException("missing field '" + field + "'");
        }
        return value;
    }
}
