package dev.permwatch.compat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.permwatch.compat.CompatibilityReport.Finding;
import dev.permwatch.compat.CompatibilityReport.Problem;
import dev.permwatch.compat.CompatibilityReport.ProblemKind;
import org.apache.avro.SchemaCompatibility.SchemaIncompatibilityType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Feeds the checker edited copies of the 0.1.0 release schemas to show which changes the build
 * check rejects and which it accepts. The copies come from the baseline, not from
 * {@code src/main/avro}, so that these cases do not change when the current schemas evolve.
 */
class BackwardCompatibilityCheckTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String CHANGE_EVENT = "dev.permwatch.avro.ChangeEvent";

    @TempDir
    Path folder;

    private Path released;
    private Path current;

    @BeforeEach
    void copySchemas() throws IOException {
        final Path firstRelease = ReleasedSchemasCompatibilityTest.RELEASED.resolve("0.1.0");
        released = folder.resolve("released");
        copyAvsc(firstRelease, released.resolve("0.1.0"));
        current = folder.resolve("current");
        copyAvsc(firstRelease, current);
    }

    @Test
    void unchangedSchemasAreCompatible() {
        final CompatibilityReport report = check();

        assertThat(report.isCompatible()).as(report.describe()).isTrue();
        assertThat(report.describe()).contains("BACKWARD compatible");
    }

    @Test
    void newRequiredFieldIsIncompatible() throws IOException {
        edit(current, "ChangeEvent.avsc", schema -> fields(schema).addObject()
                .put("name", "severity").put("type", "string"));

        final CompatibilityReport report = check();

        final Problem problem = onlyProblem(report);
        assertThat(problem.kind()).isEqualTo(ProblemKind.INCOMPATIBLE);
        assertThat(problem.schemaName()).isEqualTo(CHANGE_EVENT);
        assertThat(problem.releaseVersion()).isEqualTo("0.1.0");
        final Finding finding = problem.incompatibilities().get(0);
        assertThat(finding.type()).isEqualTo(SchemaIncompatibilityType.READER_FIELD_MISSING_DEFAULT_VALUE);
        assertThat(finding.location()).isEqualTo("/fields/13");
        assertThat(finding.fieldPath()).contains("severity");
        assertThat(report.describe())
                .contains("dev.permwatch.avro.ChangeEvent (ChangeEvent.avsc) cannot read data written with its"
                        + " release 0.1.0 schema")
                .contains("READER_FIELD_MISSING_DEFAULT_VALUE at /fields/13 (field severity): severity")
                .contains("give the field a default")
                .contains("new topic")
                .contains("new major version");
    }

    @Test
    void removedEnumSymbolIsIncompatible() throws IOException {
        edit(current, "ChangeEvent.avsc", schema -> {
            final ArrayNode symbols = (ArrayNode) fieldNamed(schema, "type").path("type").path("symbols");
            symbols.remove(3);
        });

        final CompatibilityReport report = check();

        final Finding finding = onlyProblem(report).incompatibilities().get(0);
        assertThat(finding.type()).isEqualTo(SchemaIncompatibilityType.MISSING_ENUM_SYMBOLS);
        assertThat(finding.message()).contains("UPDATED");
        assertThat(finding.fieldPath()).contains("type");
        assertThat(report.describe()).contains("keep the enum symbol, or give the enum a \"default\" symbol");
    }

    @Test
    void removedEnumSymbolWithEnumDefaultIsCompatible() throws IOException {
        edit(current, "ChangeEvent.avsc", schema -> {
            final ObjectNode changeType = (ObjectNode) fieldNamed(schema, "type").path("type");
            ((ArrayNode) changeType.path("symbols")).remove(3);
            changeType.put("default", "RENAMED");
        });

        final CompatibilityReport report = check();

        assertThat(report.isCompatible()).as(report.describe()).isTrue();
    }

    @Test
    void changedFieldTypeIsIncompatible() throws IOException {
        edit(current, "DiffReport.avsc", schema -> fieldNamed(schema, "groupCount").put("type", "string"));

        final CompatibilityReport report = check();

        final Problem problem = onlyProblem(report);
        assertThat(problem.schemaName()).isEqualTo("dev.permwatch.avro.DiffReport");
        final Finding finding = problem.incompatibilities().get(0);
        assertThat(finding.type()).isEqualTo(SchemaIncompatibilityType.TYPE_MISMATCH);
        assertThat(finding.fieldPath()).contains("groupCount");
        assertThat(report.describe()).contains("keep the field's type");
    }

    @Test
    void promotedFieldTypeIsCompatible() throws IOException {
        edit(current, "DiffReport.avsc", schema -> fieldNamed(schema, "groupCount").put("type", "long"));

        final CompatibilityReport report = check();

        assertThat(report.isCompatible()).as(report.describe()).isTrue();
    }

    @Test
    void newOptionalFieldIsCompatible() throws IOException {
        edit(current, "ChangeEvent.avsc", schema -> {
            final ObjectNode severity = fields(schema).addObject().put("name", "severity");
            severity.putArray("type").add("null").add("string");
            severity.putNull("default");
        });

        final CompatibilityReport report = check();

        assertThat(report.isCompatible()).as(report.describe()).isTrue();
    }

    @Test
    void removedFieldIsCompatible() throws IOException {
        edit(current, "ChangeEvent.avsc", schema -> removeField(schema, "baseline"));

        final CompatibilityReport report = check();

        assertThat(report.isCompatible()).as(report.describe()).isTrue();
    }

    @Test
    void nestedTypeChangeNamesEveryUser() throws IOException {
        edit(current, "Source.avsc", schema -> {
            fieldNamed(schema, "accountId").putArray("type").add("null").add("long");
        });

        final CompatibilityReport report = check();

        assertThat(report.problems()).extracting(Problem::schemaName).contains("dev.permwatch.avro.Source",
                "dev.permwatch.avro.Snapshot", CHANGE_EVENT, "dev.permwatch.avro.CatalogEntry");
        final Problem changeEvent = report.problems().stream()
                .filter(problem -> problem.schemaName().equals(CHANGE_EVENT)).findFirst().orElseThrow();
        assertThat(changeEvent.incompatibilities()).extracting(Finding::fieldPath)
                .allSatisfy(path -> assertThat(path).contains("source.accountId"));
    }

    @Test
    void removedSchemaIsAProblem() throws IOException {
        Files.delete(current.resolve("Alert.avsc"));

        final CompatibilityReport report = check();

        final Problem problem = onlyProblem(report);
        assertThat(problem.kind()).isEqualTo(ProblemKind.REMOVED);
        assertThat(problem.schemaName()).isEqualTo("dev.permwatch.avro.Alert");
        assertThat(report.describe()).contains("dev.permwatch.avro.Alert was released in 0.1.0 (Alert.avsc)")
                .contains("restore Alert.avsc").contains(ReleasedSchemas.RETIRED_FILE);
    }

    @Test
    void retiredSchemaMayBeRemoved() throws IOException {
        Files.delete(current.resolve("Alert.avsc"));
        Files.writeString(released.resolve(ReleasedSchemas.RETIRED_FILE), "# alerts moved elsewhere\n\n"
                + "dev.permwatch.avro.Alert\n");

        final CompatibilityReport report = check();

        assertThat(report.isCompatible()).as(report.describe()).isTrue();
    }

    @Test
    void retiredListNamesOnlyRemovedSchemas() throws IOException {
        Files.writeString(released.resolve(ReleasedSchemas.RETIRED_FILE),
                "dev.permwatch.avro.Alert\ndev.permwatch.avro.Alrt\n");

        final CompatibilityReport report = check();

        assertThat(report.problems()).extracting(Problem::kind)
                .containsExactly(ProblemKind.RETIRED_BUT_PRESENT, ProblemKind.RETIRED_UNKNOWN);
    }

    @Test
    void everyReleaseIsChecked() throws IOException {
        // 0.2.0 added zoneCount with a default. Without the default the reader still reads 0.2.0
        // data, which has the field, but no longer reads 0.1.0 data, which lacks it.
        copyAvsc(released.resolve("0.1.0"), released.resolve("0.2.0"));
        final ObjectNode zoneCount = MAPPER.createObjectNode().put("name", "zoneCount").put("type", "int");
        edit(released.resolve("0.2.0"), "DiffReport.avsc", schema -> fields(schema).add(zoneCount.deepCopy()
                .put("default", 0)));
        edit(current, "DiffReport.avsc", schema -> fields(schema).add(zoneCount));

        final CompatibilityReport report = check();

        final Problem problem = onlyProblem(report);
        assertThat(problem.releaseVersion()).isEqualTo("0.1.0");
        assertThat(problem.incompatibilities().get(0).type())
                .isEqualTo(SchemaIncompatibilityType.READER_FIELD_MISSING_DEFAULT_VALUE);
    }

    @Test
    void releasesAreSortedByVersion() throws IOException {
        copyAvsc(released.resolve("0.1.0"), released.resolve("0.10.0"));
        copyAvsc(released.resolve("0.1.0"), released.resolve("0.9.1"));

        final ReleasedSchemas releases = ReleasedSchemas.read(released);

        assertThat(releases.releases()).extracting(ReleasedSchemas.Baseline::version)
                .containsExactly("0.1.0", "0.9.1", "0.10.0");
    }

    @Test
    void invalidReleaseFolderNameIsRejected() throws IOException {
        Files.createDirectories(released.resolve("latest"));

        assertThatThrownBy(() -> ReleasedSchemas.read(released))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'latest'")
                .hasMessageContaining("MAJOR.MINOR.PATCH");
    }

    @Test
    void undefinedNameIsRejected() throws IOException {
        Files.delete(current.resolve("Source.avsc"));

        assertThatThrownBy(() -> SchemaSet.read(current))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("references dev.permwatch.avro.Source")
                .hasMessageContaining("no .avsc file");
    }

    @Test
    void duplicateDefinitionIsRejected() throws IOException {
        Files.copy(current.resolve("Source.avsc"), current.resolve("SourceCopy.avsc"));

        assertThatThrownBy(() -> SchemaSet.read(current))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Source.avsc")
                .hasMessageContaining("SourceCopy.avsc")
                .hasMessageContaining("define dev.permwatch.avro.Source");
    }

    @Test
    void invalidJsonNamesTheFile() throws IOException {
        Files.writeString(current.resolve("Broken.avsc"), "{\"type\": \"record\",");

        assertThatThrownBy(() -> SchemaSet.read(current))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Invalid JSON")
                .hasMessageContaining("Broken.avsc");
    }

    @Test
    void emptyFolderIsRejected() throws IOException {
        final Path empty = Files.createDirectories(folder.resolve("empty"));

        assertThatThrownBy(() -> SchemaSet.read(empty))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("contains no .avsc file");
    }

    private CompatibilityReport check() {
        return BackwardCompatibilityCheck.check(SchemaSet.read(current), ReleasedSchemas.read(released));
    }

    private static Problem onlyProblem(final CompatibilityReport report) {
        assertThat(report.problems()).as(report.describe()).hasSize(1);
        return report.problems().get(0);
    }

    private static void copyAvsc(final Path from, final Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (final Path file : files.filter(path -> path.toString().endsWith(".avsc")).toList()) {
                Files.copy(file, to.resolve(file.getFileName()));
            }
        }
    }

    private static void edit(final Path folder, final String fileName, final Consumer<ObjectNode> change)
            throws IOException {
        final Path file = folder.resolve(fileName);
        final ObjectNode schema = (ObjectNode) MAPPER.readTree(file.toFile());
        change.accept(schema);
        MAPPER.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), schema);
    }

    private static ArrayNode fields(final ObjectNode schema) {
        return (ArrayNode) schema.get("fields");
    }

    private static ObjectNode fieldNamed(final ObjectNode schema, final String name) {
        for (final var field : fields(schema)) {
            if (field.path("name").asText().equals(name)) {
                return (ObjectNode) field;
            }
        }
        throw new IllegalArgumentException("Test schema " + schema.path("name").asText() + " has no field " + name);
    }

    private static void removeField(final ObjectNode schema, final String name) {
        final ArrayNode fields = fields(schema);
        for (int i = 0; i < fields.size(); i++) {
            if (fields.get(i).path("name").asText().equals(name)) {
                fields.remove(i);
                return;
            }
        }
        throw new IllegalArgumentException("Test schema " + schema.path("name").asText() + " has no field " + name);
    }
}
