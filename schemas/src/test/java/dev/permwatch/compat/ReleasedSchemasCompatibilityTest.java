package dev.permwatch.compat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.permwatch.avro.Alert;
import dev.permwatch.avro.CatalogEntry;
import dev.permwatch.avro.ChangeEvent;
import dev.permwatch.avro.DiffReport;
import dev.permwatch.avro.OperatorCommand;
import dev.permwatch.avro.PermissionGroup;
import dev.permwatch.avro.PollMetadata;
import dev.permwatch.avro.PollStatus;
import dev.permwatch.avro.Snapshot;
import dev.permwatch.avro.Source;
import dev.permwatch.avro.SourceState;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The build check: the schemas in {@code src/main/avro} must stay BACKWARD compatible with every
 * release baseline in {@code src/main/avro-released}. A failure lists each incompatibility and
 * what to do about it.
 */
class ReleasedSchemasCompatibilityTest {

    /** The module folder; Surefire sets {@code basedir}, and a run from an IDE starts in it. */
    static final Path MODULE = Path.of(System.getProperty("basedir", "."));
    static final Path CURRENT = MODULE.resolve("src/main/avro");
    static final Path RELEASED = MODULE.resolve("src/main/avro-released");

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Test
    void currentSchemasReadEveryRelease() {
        final SchemaSet current = SchemaSet.read(CURRENT);
        final ReleasedSchemas released = ReleasedSchemas.read(RELEASED);

        final CompatibilityReport report = BackwardCompatibilityCheck.check(current, released);

        if (!report.isCompatible()) {
            // The report alone is the message, so the build log shows it without assertion wording.
            fail(report.describe());
        }
    }

    @Test
    void firstReleaseIsABaseline() {
        final ReleasedSchemas released = ReleasedSchemas.read(RELEASED);

        assertThat(released.releases()).extracting(ReleasedSchemas.Baseline::version).contains("0.1.0");
        assertThat(released.releases().get(0).schemas().schemas()).containsKeys(
                Snapshot.getClassSchema().getFullName(), ChangeEvent.getClassSchema().getFullName());
    }

    @Test
    void parsedSchemasEqualGeneratedClasses() throws Exception {
        final SchemaSet current = SchemaSet.read(CURRENT);
        final List<Schema> generated = List.of(Alert.getClassSchema(), CatalogEntry.getClassSchema(),
                ChangeEvent.getClassSchema(), DiffReport.getClassSchema(), OperatorCommand.getClassSchema(),
                PermissionGroup.getClassSchema(), PollMetadata.getClassSchema(), PollStatus.getClassSchema(),
                Snapshot.getClassSchema(), Source.getClassSchema(), SourceState.getClassSchema());

        assertThat(current.schemas()).hasSize(generated.size());
        for (final Schema schema : generated) {
            final Schema parsed = current.schemas().get(schema.getFullName());
            assertThat(parsed).as(schema.getFullName()).isNotNull();
            assertThat(withoutJavaStringType(MAPPER.readTree(parsed.toString()))).as(schema.getFullName())
                    .isEqualTo(withoutJavaStringType(MAPPER.readTree(schema.toString())));
        }
    }

    /**
     * Removes the {@code avro.java.string} property that the Maven plugin adds for
     * {@code stringType=String}, turning {@code {"type": "string"}} back into {@code "string"}.
     */
    private static JsonNode withoutJavaStringType(final JsonNode node) {
        if (node.isArray()) {
            final ArrayNode copy = MAPPER.createArrayNode();
            node.forEach(element -> copy.add(withoutJavaStringType(element)));
            return copy;
        }
        if (!node.isObject()) {
            return node;
        }
        final ObjectNode copy = MAPPER.createObjectNode();
        node.fields().forEachRemaining(field -> {
            if (!field.getKey().equals("avro.java.string")) {
                copy.set(field.getKey(), withoutJavaStringType(field.getValue()));
            }
        });
        return copy.size() == 1 && copy.path("type").isTextual() ? copy.get("type") : copy;
    }
}
