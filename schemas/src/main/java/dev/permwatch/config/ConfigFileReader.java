package dev.permwatch.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.StringJoiner;
import java.util.TreeMap;

/**
 * Reads one configuration file into flat dotted keys. The format follows the file name:
 * {@code .properties} is a Java properties file; {@code .yaml} and {@code .yml} are YAML whose
 * nested maps become dotted keys ({@code permwatch: {topic: {snapshots: x}}} is
 * {@code permwatch.topic.snapshots=x}) and whose lists of scalars become comma-separated values.
 * A trailing {@code .example} is ignored when choosing the format. Values are trimmed.
 */
public final class ConfigFileReader {

    private static final String EXAMPLE_SUFFIX = ".example";

    private ConfigFileReader() {
    }

    /**
     * Reads {@code file}.
     *
     * @return the entries sorted by key, never null
     * @throws InvalidConfigException if the file is missing, unreadable, has another extension, or
     *                                is invalid YAML (the message gives the line and column)
     */
    public static Map<String, String> read(final Path file) {
        if (!Files.isRegularFile(file)) {
            throw new InvalidConfigException(null, "Configuration file " + file.toAbsolutePath()
                    + " not found: pass the path of an existing .properties, .yaml or .yml file");
        }
        final String fileName = file.getFileName().toString().toLowerCase(Locale.ROOT);
        // The shipped examples (poller.properties.example) can be run as they are.
        final String name = fileName.endsWith(EXAMPLE_SUFFIX)
                ? fileName.substring(0, fileName.length() - EXAMPLE_SUFFIX.length()) : fileName;
        try {
            if (name.endsWith(".properties")) {
                return readProperties(file);
            }
            if (name.endsWith(".yaml") || name.endsWith(".yml")) {
                return readYaml(file);
            }
        } catch (final IOException e) {
            throw new InvalidConfigException(null, "Cannot read configuration file " + file.toAbsolutePath()
                    + ": " + e.getMessage());
        }
        throw new InvalidConfigException(null, "Unsupported configuration file " + file.toAbsolutePath()
                + ": the name must end with .properties, .yaml or .yml (optionally followed by .example),"
                + " which selects the format");
    }

    private static Map<String, String> readProperties(final Path file) throws IOException {
        final Properties props = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            props.load(reader);
        }
        final Map<String, String> entries = new TreeMap<>();
        for (final String key : props.stringPropertyNames()) {
            entries.put(key, props.getProperty(key).trim());
        }
        return entries;
    }

    private static Map<String, String> readYaml(final Path file) throws IOException {
        final JsonNode root;
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            root = new ObjectMapper(new YAMLFactory()).readTree(reader);
        } catch (final JsonProcessingException e) {
            final JsonLocation location = e.getLocation();
            final String where = location == null ? ""
                    : " at line " + location.getLineNr() + ", column " + location.getColumnNr();
            throw new InvalidConfigException(null, "Invalid YAML in " + file.toAbsolutePath() + where + ": "
                    + e.getOriginalMessage() + ". Fix the syntax there");
        }
        final Map<String, String> entries = new TreeMap<>();
        if (root == null || root.isMissingNode() || root.isNull()) {
            return entries;
        }
        if (!root.isObject()) {
            throw new InvalidConfigException(null, "Invalid YAML in " + file.toAbsolutePath()
                    + ": the document must be a map of keys, for example 'permwatch:' followed by indented keys");
        }
        flatten("", root, entries, file);
        return entries;
    }

    private static void flatten(final String prefix, final JsonNode node, final Map<String, String> entries,
                                final Path file) {
        final Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
        while (fields.hasNext()) {
            final Map.Entry<String, JsonNode> field = fields.next();
            final String key = prefix.isEmpty() ? field.getKey() : prefix + "." + field.getKey();
            final JsonNode value = field.getValue();
            if (value.isObject()) {
                flatten(key, value, entries, file);
            } else if (value.isArray()) {
                entries.put(key, joinScalars(key, value, file));
            } else if (value.isNull()) {
                entries.put(key, "");
            } else {
                entries.put(key, value.asText().trim());
            }
            // NOTE: a key written both flat ("a.b: 1") and nested ("a: {b: 2}") keeps the later value.
        }
    }

    private static String joinScalars(final String key, final JsonNode list, final Path file) {
        final StringJoiner joined = new StringJoiner(",");
        for (final JsonNode element : list) {
            if (element.isContainerNode()) {
                throw new InvalidConfigException(key, "Invalid value for " + key + " in " + file.toAbsolutePath()
                        + ": a list may contain only plain values such as [user, main]; write nested settings"
                        + " as a map instead");
            }
            joined.add(element.asText().trim());
        }
        return joined.toString();
    }
}
