package dev.permwatch.serde;

import dev.permwatch.avro.CatalogEntry;
import dev.permwatch.avro.ChangeEvent;
import dev.permwatch.avro.ChangeType;
import dev.permwatch.avro.DiffOutcome;
import dev.permwatch.avro.DiffReport;
import dev.permwatch.avro.PermissionGroup;
import dev.permwatch.avro.PollMetadata;
import dev.permwatch.avro.Snapshot;
import dev.permwatch.avro.Source;
import dev.permwatch.schemas.Sources;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** One filled-in instance of every generated record type. */
final class SampleRecords {

    static final Instant FETCHED_AT = Instant.parse("2024-05-01T10:15:30.123Z");
    static final String ACCOUNT_ID = "0123456789abcdef0123456789abcdef";

    private SampleRecords() {
    }

    static Source account() {
        return Sources.account(ACCOUNT_ID);
    }

    static PermissionGroup dnsRead() {
        return PermissionGroup.newBuilder()
                .setId("82e64a83756745bbbb1c9c2701bf816b")
                .setName("DNS Read")
                .setDescription("Grants read access to DNS\n")
                .setScopes(List.of("com.cloudflare.api.account.zone"))
                .setExtraFields(Map.of("category", "\"dns\"", "is_selectable", "true"))
                .build();
    }

    static PermissionGroup minimalGroup() {
        return PermissionGroup.newBuilder()
                .setId("c8fed203ed3043cba015a93ad1616f1f")
                .setName("Zone Read")
                .build();
    }

    static PollMetadata poll() {
        return PollMetadata.newBuilder()
                .setOrigin("https://api.cloudflare.com/client/v4/user/tokens/permission_groups")
                .setHttpStatus(200)
                .setCfRay("8f1e2d3c4b5a6978-FRA")
                .setLatencyMillis(231L)
                .setResponseBytes(48_213L)
                .setPollerHost("poller-1")
                .build();
    }

    static Snapshot snapshot() {
        return Snapshot.newBuilder()
                .setSnapshotId("5d41402abc4b2a76b9719d911017c592")
                .setSource(Sources.user())
                .setFetchedAt(FETCHED_AT)
                .setContentHash("2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824")
                .setPoll(poll())
                .setGroups(List.of(dnsRead(), minimalGroup()))
                .build();
    }

    static ChangeEvent renamed() {
        final PermissionGroup after = PermissionGroup.newBuilder(dnsRead()).setName("DNS Records Read").build();
        return ChangeEvent.newBuilder()
                .setEventId("7d793037a0760186574b0282f2f435e7")
                .setType(ChangeType.RENAMED)
                .setPermissionId(after.getId())
                .setChangedFields(List.of("name"))
                .setBefore(dnsRead())
                .setAfter(after)
                .setSource(account())
                .setPreviousSnapshotId("aaaabbbbccccddddeeeeffff00001111")
                .setPreviousSnapshotAt(FETCHED_AT.minusSeconds(3600))
                .setSnapshotId("5d41402abc4b2a76b9719d911017c592")
                .setSnapshotAt(FETCHED_AT)
                .setDetectedAt(FETCHED_AT.plusMillis(250))
                .build();
    }

    static CatalogEntry catalogEntry() {
        return CatalogEntry.newBuilder()
                .setSource(Sources.user())
                .setGroup(dnsRead())
                .setSnapshotId("5d41402abc4b2a76b9719d911017c592")
                .setSnapshotAt(FETCHED_AT)
                .build();
    }

    static DiffReport diffReport() {
        return DiffReport.newBuilder()
                .setSource(account())
                .setSnapshotId("5d41402abc4b2a76b9719d911017c592")
                .setSnapshotAt(FETCHED_AT)
                .setOutcome(DiffOutcome.DIFFED)
                .setGroupCount(2)
                .setAdded(1)
                .setRenamed(1)
                .setProcessedAt(FETCHED_AT.plusSeconds(1))
                .build();
    }
}
