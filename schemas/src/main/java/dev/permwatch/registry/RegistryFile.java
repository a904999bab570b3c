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
     * @throws IllegalStateException when the file cannot be read or parsed, naming the file; an
     *                               empty registry in its place would give existing schemas new ids
     */
    Optional<SchemaStore.State> read() {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(fromJson(MAPPER.readTree(file.toFile())));
        } catch (final IOException | RuntimeException e) {
            throw new IllegalStateException("Cannot read the Schema Registry data file " + file + ": " + e.getMessage()
                    + ". Restore it from a backup. Move it away only if no topic holds records written with"
                    + " its schema ids, because an empty registry numbers schemas from 1 again.", e);
        }
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
