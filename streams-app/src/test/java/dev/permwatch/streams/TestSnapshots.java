package dev.permwatch.streams;

import dev.permwatch.avro.PermissionGroup;
import dev.permwatch.avro.PollMetadata;
import dev.permwatch.avro.Snapshot;
import dev.permwatch.avro.Source;
import dev.permwatch.schemas.SnapshotHashing;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Builds permission groups and snapshots for tests, with ids computed as the poller computes them. */
public final class TestSnapshots {

    public static final String TUNNEL_READ_ID = "efea2ab8357b47888938f101ae5e053f";
    public static final String LOGS_WRITE_ACCOUNT_ID = "96163bd1b0784f62b3e44ed8c2ab1eb6";
    public static final String LOGS_WRITE_ZONE_ID = "3e0b5820118e47f3922f7c989e673882";
    public static final String DNS_READ_ID = "82e64a83756745bbbb1c9c2701bf816b";

    private TestSnapshots() {
    }

    /** Returns a group with every field known and no extra fields. */
    public static PermissionGroup group(final String id, final String name, final String description,
                                        final String... scopes) {
        return PermissionGroup.newBuilder()
                .setId(id)
                .setName(name)
                .setDescription(description)
                .setScopes(List.of(scopes))
                .setExtraFields(Map.of())
                .build();
    }

    /** Returns a group of which only id and name are known. */
    public static PermissionGroup idAndName(final String id, final String name) {
        return PermissionGroup.newBuilder()
                .setId(id)
                .setName(name)
                .setDescription(null)
                .setScopes(null)
                .setExtraFields(Map.of())
                .build();
    }

    /** Returns a copy of {@code group} with the given extra fields (values are JSON text). */
    public static PermissionGroup withExtra(final PermissionGroup group, final Map<String, String> extraFields) {
        return PermissionGroup.newBuilder(group).setExtraFields(extraFields).build();
    }

    public static Snapshot snapshot(final Source source, final Instant fetchedAt, final PermissionGroup... groups) {
        return snapshot(source, fetchedAt, List.of(groups));
    }

    public static Snapshot snapshot(final Source source, final Instant fetchedAt, final List<PermissionGroup> groups) {
        final String contentHash = SnapshotHashing.contentHash(groups);
        return Snapshot.newBuilder()
                .setSnapshotId(SnapshotHashing.snapshotId(source, fetchedAt, contentHash))
                .setSource(source)
                .setFetchedAt(fetchedAt)
                .setContentHash(contentHash)
                .setPoll(PollMetadata.newBuilder().setOrigin("test").build())
                .setGroups(groups)
                .build();
    }
}
