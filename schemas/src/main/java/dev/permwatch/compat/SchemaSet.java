package dev.permwatch.compat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The top-level schemas of one folder of {@code .avsc} files, all parsed with one shared
 * {@link Schema.Parser}, each file after the files that define the named types it references. The
 * build gets the same order from the Avro Maven plugin's import list. Here the order is worked out
 * from the files themselves, so a new file needs no import list.
 */
public final class SchemaSet {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Set<String> PRIMITIVE_TYPES = Set.of("null", "boolean", "int", "long", "float", "double",
            "bytes", "string");

    private final Path folder;
    private final Map<String, Schema> schemasByName;
    private final Map<String, String> filesByName;

    private SchemaSet(final Path folder, final Map<String, Schema> schemasByName, final Map<String, String> filesByName) {
        this.folder = folder;
        this.schemasByName = Collections.unmodifiableMap(schemasByName);
        this.filesByName = Collections.unmodifiableMap(filesByName);
    }

    /**
     * Parses every {@code .avsc} file directly in {@code folder}; subfolders are ignored.
     *
     * @throws IllegalArgumentException when the folder is missing or has no {@code .avsc} file, when
     *                                  a file is not valid JSON or not a valid schema, when two files
     *                                  define the same name, when a file references a name that no
     *                                  file defines, or when files reference each other in a cycle
     * @throws UncheckedIOException     when a file cannot be read
     */
    public static SchemaSet read(final Path folder) {
        if (!Files.isDirectory(folder)) {
            throw new IllegalArgumentException("Schema folder " + folder.toAbsolutePath() + " does not exist or is"
                    + " not a folder. Pass the folder that contains the .avsc files.");
        }
        final List<AvscFile> files = listFiles(folder);
        if (files.isEmpty()) {
            throw new IllegalArgumentException("Schema folder " + folder.toAbsolutePath() + " contains no .avsc"
                    + " file. Copy the released .avsc files into it or remove the folder.");
        }

        final Schema.Parser parser = new Schema.Parser();
        final Map<String, Schema> schemasByName = new LinkedHashMap<>();
        final Map<String, String> filesByName = new LinkedHashMap<>();
        for (final AvscFile file : dependencyOrder(folder, files)) {
            final Schema schema;
            try {
                schema = parser.parse(file.path().toFile());
            } catch (final AvroRuntimeException e) {
                throw new IllegalArgumentException("Invalid schema in " + file.path().toAbsolutePath() + ": "
                        + e.getMessage(), e);
            } catch (final IOException e) {
                throw new UncheckedIOException("Cannot read " + file.path().toAbsolutePath(), e);
            }
            schemasByName.put(schema.getFullName(), schema);
            filesByName.put(schema.getFullName(), file.path().getFileName().toString());
        }
        return new SchemaSet(folder, schemasByName, filesByName);
    }

    /** Returns the folder the schemas were read from. */
    public Path folder() {
        return folder;
    }

    /** Returns the schema of each file by its full name, in the order they were parsed. */
    public Map<String, Schema> schemas() {
        return schemasByName;
    }

    /** Returns the name of the file that defines a top-level schema, for messages. */
    public String fileOf(final String fullName) {
        return filesByName.getOrDefault(fullName, "?");
    }

    private static List<AvscFile> listFiles(final Path folder) {
        final List<AvscFile> files = new ArrayList<>();
        try (Stream<Path> entries = Files.list(folder)) {
            for (final Path path : entries.sorted().toList()) {
                if (Files.isRegularFile(path) && path.getFileName().toString().endsWith(".avsc")) {
                    files.add(scan(path));
                }
            }
        } catch (final IOException e) {
            throw new UncheckedIOException("Cannot list the schema folder " + folder.toAbsolutePath(), e);
        }
        return files;
    }

    /** Reads a file as JSON and collects the names it defines and the names it references. */
    private static AvscFile scan(final Path path) {
        final JsonNode root;
        try {
            root = MAPPER.readTree(path.toFile());
        } catch (final JsonProcessingException e) {
            throw new IllegalArgumentException("Invalid JSON in " + path.toAbsolutePath() + ": "
                    + e.getOriginalMessage(), e);
        } catch (final IOException e) {
            throw new UncheckedIOException("Cannot read " + path.toAbsolutePath(), e);
        }
        final Set<String> defined = new TreeSet<>();
        final Set<String> referenced = new TreeSet<>();
        collectNames(root, null, defined, referenced);
        referenced.removeAll(defined);
        return new AvscFile(path, defined, referenced);
    }

    /**
     * Walks one type position of a schema. Short names resolve against the enclosing namespace, as
     * in the Avro specification, so {@code "Source"} inside namespace {@code dev.permwatch.avro}
     * references {@code dev.permwatch.avro.Source}.
     */
    private static void collectNames(final JsonNode type, final String namespace, final Set<String> defined,
                                     final Set<String> referenced) {
        if (type == null) {
            return;
        }
        if (type.isTextual()) {
            if (!PRIMITIVE_TYPES.contains(type.asText())) {
                referenced.add(fullName(type.asText(), namespace));
            }
            return;
        }
        if (type.isArray()) {
            type.forEach(branch -> collectNames(branch, namespace, defined, referenced));
            return;
        }
        if (!type.isObject()) {
            return;
        }
        final JsonNode kind = type.get("type");
        if (kind == null || !kind.isTextual()) {
            collectNames(kind, namespace, defined, referenced);
            return;
        }
        switch (kind.asText()) {
            case "record", "error", "enum", "fixed" -> {
                final String name = fullName(type.path("name").asText(), type.hasNonNull("namespace")
                        ? type.get("namespace").asText()
                        : namespace);
                defined.add(name);
                final String inner = name.contains(".") ? name.substring(0, name.lastIndexOf('.')) : null;
                for (final JsonNode field : type.path("fields")) {
                    collectNames(field.get("type"), inner, defined, referenced);
                }
            }
            case "array" -> collectNames(type.get("items"), namespace, defined, referenced);
            case "map" -> collectNames(type.get("values"), namespace, defined, referenced);
            default -> collectNames(kind, namespace, defined, referenced);
        }
    }

    private static String fullName(final String name, final String namespace) {
        if (name.contains(".") || namespace == null || namespace.isEmpty()) {
            return name;
        }
        return namespace + "." + name;
    }

    /**
     * Sorts the files so that each comes after the files defining the names it references; files
     * without a dependency between them keep their alphabetical order.
     */
    private static List<AvscFile> dependencyOrder(final Path folder, final List<AvscFile> files) {
        final Map<String, AvscFile> definingFile = new TreeMap<>();
        for (final AvscFile file : files) {
            for (final String name : file.defined()) {
                final AvscFile other = definingFile.putIfAbsent(name, file);
                if (other != null) {
                    throw new IllegalArgumentException("Both " + other.fileName() + " and " + file.fileName() + " in "
                            + folder.toAbsolutePath() + " define " + name + ". Keep one definition and reference"
                            + " the name from the other file.");
                }
            }
        }
        for (final AvscFile file : files) {
            for (final String name : file.referenced()) {
                if (!definingFile.containsKey(name)) {
                    throw new IllegalArgumentException(file.fileName() + " in " + folder.toAbsolutePath()
                            + " references " + name + ", which no .avsc file in that folder defines. Add the file"
                            + " that defines it or correct the name.");
                }
            }
        }

        final List<AvscFile> ordered = new ArrayList<>();
        final Set<String> available = new TreeSet<>();
        final List<AvscFile> pending = new ArrayList<>(files);
        while (!pending.isEmpty()) {
            final AvscFile next = pending.stream()
                    .filter(file -> available.containsAll(file.referenced()))
                    .findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("The .avsc files "
                            + pending.stream().map(AvscFile::fileName).toList() + " in " + folder.toAbsolutePath()
                            + " reference each other in a cycle. Define mutually recursive types in one file."));
            pending.remove(next);
            ordered.add(next);
            available.addAll(next.defined());
        }
        return ordered;
    }

    /** One {@code .avsc} file with the full names it defines and the other full names it references. */
    private record AvscFile(Path path, Set<String> defined, Set<String> referenced) {

        String fileName() {
            return path.getFileName().toString();
        }
    }
}
