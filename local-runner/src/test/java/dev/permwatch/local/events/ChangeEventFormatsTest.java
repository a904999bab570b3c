package dev.permwatch.local.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.permwatch.avro.ChangeEvent;
import dev.permwatch.avro.ChangeType;
import dev.permwatch.avro.DiffOutcome;
import dev.permwatch.avro.DiffReport;
import dev.permwatch.avro.PermissionGroup;
import dev.permwatch.schemas.Sources;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ChangeEventFormatsTest {

    private static final String ID = "b33f02c6f7284e05a6f20741c0bb0567";
    private static final Instant SNAPSHOT_AT = Instant.parse("2026-01-22T00:00:00Z");

    @Test
    void renameLineShowsBothNames() {
        final ChangeEvent event = event(ChangeType.RENAMED, List.of("name"),
                group("Teams Write", "Grants write access.", List.of("com.cloudflare.api.account")),
                group("Zero Trust Write", "Grants write access.", List.of("com.cloudflare.api.account")));

        assertThat(ChangeEventLines.format(event)).isEqualTo(
                "RENAMED  " + ID + "  \"Teams Write\" -> \"Zero Trust Write\"  [name]  source=user");
    }

    @Test
    void addedLineHasNoFieldList() {
        final ChangeEvent event = event(ChangeType.ADDED, List.of(), null, group("Zero Trust Write", null, null));

        assertThat(ChangeEventLines.format(event)).isEqualTo("ADDED    " + ID + "  \"Zero Trust Write\"  source=user");
    }

    @Test
    void nameWithQuoteAndNewlineIsEscaped() {
        assertThat(ChangeEventLines.quote("say \"hi\"\n")).isEqualTo("\"say \\\"hi\\\"\\n\"");
    }

    @Test
    void progressLineSumsChanges() {
        final DiffReport report = DiffReport.newBuilder()
                .setSource(Sources.user()).setSnapshotId("s2").setSnapshotAt(SNAPSHOT_AT)
                .setOutcome(DiffOutcome.DIFFED).setGroupCount(305)
                .setAdded(1).setRemoved(2).setRenamed(15).setUpdated(3)
                .setProcessedAt(SNAPSHOT_AT).build();

        assertThat(ChangeEventLines.format(report))
                .isEqualTo("poll source=user groups=305 changes=21 outcome=DIFFED snapshot=s2");
    }

    @Test
    void jsonLineKeepsUnknownFieldsNull() throws Exception {
        final PermissionGroup before = group("Teams Write", null, null);
        before.setExtraFields(Map.of("category", "\"Zero Trust\""));
        final ChangeEvent event = event(ChangeType.RENAMED, List.of("name"), before,
                group("Zero Trust Write", "Grants write access.\n", List.of("com.cloudflare.api.account")));

        final JsonNode json = new ObjectMapper().readTree(ChangeEventJson.toJsonLine(event));

        assertThat(json.get("type").asText()).isEqualTo("RENAMED");
        assertThat(json.get("permissionId").asText()).isEqualTo(ID);
        assertThat(json.get("changedFields").toString()).isEqualTo("[\"name\"]");
        assertThat(json.get("before").get("description").isNull()).isTrue();
        assertThat(json.get("before").get("scopes").isNull()).isTrue();
        assertThat(json.get("before").get("extraFields").get("category").asText()).isEqualTo("Zero Trust");
        assertThat(json.get("after").get("description").asText()).isEqualTo("Grants write access.\n");
        assertThat(json.get("source").asText()).isEqualTo("user");
        assertThat(json.get("snapshotAt").asText()).isEqualTo("2026-01-22T00:00:00Z");
        assertThat(json.get("previousSnapshotId").asText()).isEqualTo("s1");
        assertThat(json.get("baseline").asBoolean()).isFalse();
    }

    @Test
    void jsonLineOfAddedHasNullBefore() throws Exception {
        final ChangeEvent event = event(ChangeType.ADDED, List.of(), null, group("Zero Trust Write", null, null));

        final JsonNode json = new ObjectMapper().readTree(ChangeEventJson.toJsonLine(event));

        assertThat(json.get("before").isNull()).isTrue();
        assertThat(json.get("after").get("name").asText()).isEqualTo("Zero Trust Write");
    }

    private static PermissionGroup group(final String name, final String description, final List<String> scopes) {
        return PermissionGroup.newBuilder().setId(ID).setName(name).setDescription(description)
                .setScopes(scopes).setExtraFields(Map.of()).build();
    }

    private static ChangeEvent event(final ChangeType type, final List<String> changedFields,
                                     final PermissionGroup before, final PermissionGroup after) {
        return ChangeEvent.newBuilder()
                .setEventId("e1").setType(type).setPermissionId(ID).setChangedFields(changedFields)
                .setBefore(before).setAfter(after).setSource(Sources.user())
                .setPreviousSnapshotId("s1").setPreviousSnapshotAt(Instant.parse("2023-06-27T00:00:00Z"))
                .setSnapshotId("s2").setSnapshotAt(SNAPSHOT_AT).setDetectedAt(SNAPSHOT_AT)
                .setBaseline(false).build();
    }
}
