package dev.permwatch.local.eos;

import dev.permwatch.avro.ChangeType;
import dev.permwatch.avro.PermissionGroup;

import java.util.List;
import java.util.Objects;

/**
 * One change event that the streams app must emit for a generated series.
 *
 * @param sourceKey     key of the source, for example {@code user}; never null
 * @param step          step whose snapshot yields the event, at least 1
 * @param type          the change type; never null
 * @param permissionId  id of the group; never null
 * @param changedFields sorted names of the changed fields, empty for ADDED and REMOVED; never null
 * @param before        last known state of the group, with unknown fields carried forward; null for ADDED
 * @param after         new state with unknown fields carried forward; null for REMOVED
 */
public record ExpectedEvent(String sourceKey, int step, ChangeType type, String permissionId,
                            List<String> changedFields, PermissionGroup before, PermissionGroup after) {

    public ExpectedEvent {
        Objects.requireNonNull(sourceKey, "sourceKey");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(permissionId, "permissionId");
        changedFields = List.copyOf(changedFields);
    }

    /** Returns a short description such as {@code user step 12 RENAMED 0cc3a61731504c89b99ec1be78b77aa0}. */
    public String describe() {
        return sourceKey + " step " + step + " " + type + " " + permissionId;
    }
}
