package dev.permwatch.poller.snapshot;

import dev.permwatch.avro.PermissionGroup;
import dev.permwatch.avro.PollMetadata;
import dev.permwatch.avro.Snapshot;
import dev.permwatch.poller.cloudflare.InvalidResponseException;
import dev.permwatch.poller.cloudflare.PermissionGroupListParser;
import dev.permwatch.schemas.SnapshotHashing;
import dev.permwatch.schemas.Sources;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SnapshotFactoryTest {

    private static final Instant FETCHED_AT = Instant.parse("2026-01-22T10:15:30.123456789Z");
    private static final PollMetadata POLL = PollMetadata.newBuilder().setOrigin("replay:test.json").build();

    private final PermissionGroupListParser parser = new PermissionGroupListParser();

    private List<PermissionGroup> parse(final String result) throws InvalidResponseException {
        return parser.parse(("{\"success\":true,\"errors\":[],\"result\":" + result + "}").getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void reorderedItemsAndKeysHashTheSame() throws InvalidResponseException {
        final List<PermissionGroup> original = parse("["
                + "{\"id\":\"c8fed203ed3043cba015a93ad1616f1f\",\"name\":\"Zone Read\",\"scopes\":[\"a\",\"b\"],\"category\":{\"x\":1,\"y\":2}},"
                + "{\"id\":\"82e64a83756745bbbb1c9c2701bf816b\",\"name\":\"DNS Read\",\"description\":\"DNS\\n\"}]");
        final List<PermissionGroup> reordered = parse("["
                + "{\"description\":\"DNS\\n\",\"name\":\"DNS Read\",\"id\":\"82e64a83756745bbbb1c9c2701bf816b\"},"
                + "{\"category\":{\"y\":2,\"x\":1},\"scopes\":[\"b\",\"a\"],\"name\":\"Zone Read\",\"id\":\"c8fed203ed3043cba015a93ad1616f1f\"}]");

        final Snapshot first = SnapshotFactory.create(Sources.user(), FETCHED_AT, original, POLL);
        final Snapshot second = SnapshotFactory.create(Sources.user(), FETCHED_AT, reordered, POLL);

        assertThat(second.getContentHash()).isEqualTo(first.getContentHash());
        assertThat(second.getSnapshotId()).isEqualTo(first.getSnapshotId());
    }

    @Test
    void changedNameChangesHash() throws InvalidResponseException {
        final Snapshot before = SnapshotFactory.create(Sources.user(), FETCHED_AT,
                parse("[{\"id\":\"c8fed203ed3043cba015a93ad1616f1f\",\"name\":\"Teams Write\"}]"), POLL);
        final Snapshot after = SnapshotFactory.create(Sources.user(), FETCHED_AT,
                parse("[{\"id\":\"c8fed203ed3043cba015a93ad1616f1f\",\"name\":\"Zero Trust Write\"}]"), POLL);

        assertThat(after.getContentHash()).isNotEqualTo(before.getContentHash());
    }

    @Test
    void fieldsAreFilled() throws InvalidResponseException {
        final List<PermissionGroup> groups = parse("[{\"id\":\"c8fed203ed3043cba015a93ad1616f1f\",\"name\":\"Zone Read\"}]");

        final Snapshot snapshot = SnapshotFactory.create(Sources.user(), FETCHED_AT, groups, POLL);

        final Instant millis = Instant.parse("2026-01-22T10:15:30.123Z");
        assertThat(snapshot.getFetchedAt()).isEqualTo(millis);
        assertThat(snapshot.getSource()).isEqualTo(Sources.user());
        assertThat(snapshot.getPoll()).isEqualTo(POLL);
        assertThat(snapshot.getGroups()).isEqualTo(groups);
        assertThat(snapshot.getContentHash()).isEqualTo(SnapshotHashing.contentHash(groups));
        assertThat(snapshot.getSnapshotId())
                .isEqualTo(SnapshotHashing.snapshotId(Sources.user(), millis, snapshot.getContentHash()));
    }

    @Test
    void fetchTimeChangesSnapshotIdOnly() throws InvalidResponseException {
        final List<PermissionGroup> groups = parse("[{\"id\":\"c8fed203ed3043cba015a93ad1616f1f\",\"name\":\"Zone Read\"}]");

        final Snapshot first = SnapshotFactory.create(Sources.user(), FETCHED_AT, groups, POLL);
        final Snapshot later = SnapshotFactory.create(Sources.user(), FETCHED_AT.plusSeconds(900), groups, POLL);

        assertThat(later.getContentHash()).isEqualTo(first.getContentHash());
        assertThat(later.getSnapshotId()).isNotEqualTo(first.getSnapshotId());
    }

    @Test
    void emptyListIsRejected() {
        assertThatThrownBy(() -> SnapshotFactory.create(Sources.user(), FETCHED_AT, List.of(), POLL))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("empty");
    }
}
