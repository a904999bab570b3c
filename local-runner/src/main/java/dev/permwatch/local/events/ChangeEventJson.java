package dev.permwatch.local.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.permwatch.avro.ChangeEvent;
import dev.permwatch.avro.PermissionGroup;
import dev.permwatch.schemas.Sources;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes a change event as one JSON object on one line, the output format of {@code permwatch
 * replay}.
 *
 * <p>Fields: {@code eventId}, {@code type}, {@code permissionId}, {@code changedFields} (array),
 * {@code before} and {@code after} (objects with {@code id}, {@code name}, {@code description},
 * {@code scopes} and {@code extraFields}, or null), {@code source} (source key),
 * {@code snapshotId}, {@code snapshotAt}, {@code previousSnapshotId}, {@code previousSnapshotAt},
 * {@code detectedAt} (ISO-8601 instants or null) and {@code baseline}. A group field that the
 * response did not contain is null, which is not the same as an empty string or list.
 */
public final class ChangeEventJson {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private ChangeEventJson() {
    }

    /** Returns the JSON text of {@code event}, without a line break. */
    public static String toJsonLine(final ChangeEvent event) {
        final ObjectNode json = MAPPER.createObjectNode();
        json.put("eventId", event.getEventId());
        json.put("type", event.getType().name());
        json.put("permissionId", event.getPermissionId());
        final ArrayNode changedFields = json.putArray("changedFields");
        event.getChangedFields().forEach(changedFields::add);
        json.set("before", group(event.getBefore()));
        json.set("after", group(event.getAfter()));
        json.put("source", Sources.key(event.getSource()));
        json.put("snapshotId", event.getSnapshotId());
        json.put("snapshotAt", instant(event.getSnapshotAt()));
        json.put("previousSnapshotId", event.getPreviousSnapshotId());
        json.put("previousSnapshotAt", instant(event.getPreviousSnapshotAt()));
        json.put("detectedAt", instant(event.getDetectedAt()));
        json.put("baseline", event.getBaseline());
        try {
            return MAPPER.writeValueAsString(json);
        } catch (final JsonProcessingException e) {
            throw new IllegalStateException("Cannot write change event " + event.getEventId() + " as JSON", e);
        }
    }

    private static JsonNode group(final PermissionGroup group) {
        if (group == null) {
            return MAPPER.nullNode();
        }
        final ObjectNode json = MAPPER.createObjectNode();
        json.put("id", group.getId());
        json.put("name", group.getName());
        json.put("description", group.getDescription());
        if (group.getScopes() == null) {
            json.putNull("scopes");
        } else {
            final ArrayNode scopes = json.putArray("scopes");
            group.getScopes().forEach(scopes::add);
        }
        final ObjectNode extraFields = json.putObject("extraFields");
        final Map<String, String> sorted = new TreeMap<>(group.getExtraFields());
        for (final Map.Entry<String, String> extra : sorted.entrySet()) {
            extraFields.set(extra.getKey(), parseExtraField(extra.getValue()));
        }
        return json;
    }

    /** Returns the stored JSON text of an extra field as a JSON value, or as a string if it is invalid. */
    private static JsonNode parseExtraField(final String jsonText) {
        try {
            return MAPPER.readTree(jsonText);
        } catch (final JsonProcessingException e) {
            return MAPPER.getNodeFactory().textNode(jsonText);
        }
    }

    private static String instant(final Instant instant) {
        return instant == null ? null : instant.toString();
    }
}
