package dev.permwatch.local.recovery;

import dev.permwatch.avro.PermissionGroup;
import dev.permwatch.avro.PollMetadata;
import dev.permwatch.avro.Snapshot;
import dev.permwatch.avro.Source;
import dev.permwatch.avro.SourceKind;
import dev.permwatch.local.stack.LocalStack;
import dev.permwatch.local.stack.StartFailedException;
import dev.permwatch.poller.snapshot.SnapshotFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MissingRegistryFileTest {

    private static final String APPLICATION_ID = "permwatch-registry-check";

    @TempDir
    Path dir;

    @Test
    void recordsWithoutRegistryFileFailStart() throws Exception {
        final Path dataDir = dir.resolve("data");
        // LocalStack keeps the registry in schema-registry/ below its data folder.
        final Path registryFile = dataDir.resolve("schema-registry").resolve("schema-registry.json").toAbsolutePath();
        try (LocalStack stack = LocalStack.start(dataDir, APPLICATION_ID, false)) {
            SnapshotWriter.write(stack, List.of(snapshot()));
        }
        assertThat(registryFile).exists();
        Files.delete(registryFile);

        assertThatThrownBy(() -> LocalStack.start(dataDir, APPLICATION_ID, false))
                .isInstanceOf(StartFailedException.class)
                .hasMessageContaining("topic permwatch.snapshots already contains records (offsets 0 to 0)")
                .hasMessageContaining(registryFile.toString())
                .hasMessageContaining("Restore schema-registry.json");
        assertThat(registryFile).as("registry file after the rejected start").doesNotExist();
    }

    private static Snapshot snapshot() {
        final Source user = Source.newBuilder().setKind(SourceKind.USER).setAccountId(null).build();
        final PermissionGroup group = PermissionGroup.newBuilder()
                .setId("4e5f6a7b8c9d40718293a4b5c6d7e8f3")
                .setName("Account Settings Read")
                .setDescription(null)
                .setScopes(List.of("com.cloudflare.api.account"))
                .setExtraFields(Map.of())
                .build();
        return SnapshotFactory.create(user, Instant.parse("2026-03-02T09:00:00Z"), List.of(group),
                PollMetadata.newBuilder().setOrigin("test:registry-check").build());
    }
}
