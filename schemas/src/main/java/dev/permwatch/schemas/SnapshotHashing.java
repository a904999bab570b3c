package dev.permwatch.schemas;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.permwatch.avro.ChangeType;
import dev.permwatch.avro.PermissionGroup;
import dev.permwatch.avro.Source;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Computes content hashes and the deterministic snapshot and event ids.
 *
 * <p>The canonical form of a list sorts groups by id, scopes alphabetically and extra fields by
 * name, and leaves out absent (null) fields. Two responses that differ only in item order or JSON
 * key order therefore have the same hash. Ids are derived only from their inputs, so replaying the
 * same snapshots yields the same snapshot and event ids.
 */
public final class SnapshotHashing {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** Length of snapshot and event ids in hex characters (128 bits of SHA-256). */
    private static final int ID_LENGTH = 32;

    private SnapshotHashing() {
    }

    /** Returns the hex SHA-256 of the canonical form of {@code groups}. */
    public static String contentHash(final List<PermissionGroup> groups) {
        final List<PermissionGroup> sorted = new ArrayList<>(groups);
        sorted.sort(Comparator.comparing(PermissionGroup::getId));

        final ArrayNode canonical = MAPPER.createArrayNode();
        for (final PermissionGroup group : sorted) {
            canonical.add(canonicalGroup(group));
        }
        try {
            return sha256Hex(MAPPER.writeValueAsString(canonical));
        } catch (final JsonProcessingException e) {
            throw new IllegalStateException("Cannot write the canonical form of a permission-group list", e);
        }
    }

    /** Returns the snapshot id for a source, fetch time and content hash. */
    public static String snapshotId(final Source source, final Instant fetchedAt, final String contentHash) {
        return sha256Hex(Sources.key(source) + "|" + fetchedAt.toEpochMilli() + "|" + contentHash)
                .substring(0, ID_LENGTH);
    }

    /** Returns the change-event id for one group and change type within one snapshot of a source. */
    public static String eventId(final Source source, final String snapshotId, final String permissionId,
                                 final ChangeType type) {
        return sha256Hex(Sources.key(source) + "|" + snapshotId + "|" + permissionId + "|" + type.name())
                .substring(0, ID_LENGTH);
    }

    private static ObjectNode canonicalGroup(final PermissionGroup group) {
        // ObjectNode keeps insertion order, so fields are added in sorted order.
        final Map<String, Object> fields = new TreeMap<>();
        fields.put("id", group.getId());
        fields.put("name", group.getName());
        if (group.getDescription() != null) {
            fields.put("description", group.getDescription());
        }
        if (group.getScopes() != null) {
            fields.put("scopes", group.getScopes().stream().sorted().toList());
        }
        if (group.getExtraFields() != null) {
            for (final Map.Entry<String, String> extra : group.getExtraFields().entrySet()) {
                fields.put("extra:" + extra.getKey(), extra.getValue());
            }
        }
        return MAPPER.valueToTree(fields);
    }

    private static String sha256Hex(final String text) {
        try {
            final MessageDigest digest = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (final NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
