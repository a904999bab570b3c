package dev.permwatch.registry;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Starts the local registry on data files that parse as JSON but have the wrong shape, as a human
 * edit or a bad merge can leave them. Each must stop the start with an error that names the file
 * and tells the operator to restore it. A registry that starts with fewer or other ids than before
 * decodes earlier records with the wrong schema, or numbers new schemas from 1 again.
 */
class RegistryFileShapeTest {

    private static final String SCHEMA_A = "{\\\"type\\\":\\\"record\\\",\\\"name\\\":\\\"A\\\",\\\"fields\\\":[]}";
    private static final String SCHEMA_B = "{\\\"type\\\":\\\"record\\\",\\\"name\\\":\\\"B\\\",\\\"fields\\\":[]}";

    @TempDir
    Path folder;

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            schemas is not an array       | "schemas": "none", "subjects": {}
            schemas entry is not object   | "schemas": [1], "subjects": {}
            subjects is not an object     | "schemas": [{"id": 1, "schema": "%A"}], "subjects": ["a-value"]
            subject versions not an array | "schemas": [{"id": 1, "schema": "%A"}], "subjects": {"a-value": 1}
            duplicate id                  | "schemas": [{"id": 1, "schema": "%A"}, {"id": 1, "schema": "%B"}], "subjects": {"a-value": [1]}
            id is text                    | "schemas": [{"id": "one", "schema": "%A"}], "subjects": {"a-value": [1]}
            id is a fraction              | "schemas": [{"id": 1.5, "schema": "%A"}], "subjects": {}
            id is zero                    | "schemas": [{"id": 0, "schema": "%A"}], "subjects": {}
            id is negative                | "schemas": [{"id": -3, "schema": "%A"}], "subjects": {"a-value": [-3]}
            schema is not text            | "schemas": [{"id": 1, "schema": {"type": "string"}}], "subjects": {}
            subject version is text       | "schemas": [{"id": 1, "schema": "%A"}], "subjects": {"a-value": ["one"]}
            subject refers to missing id  | "schemas": [{"id": 1, "schema": "%A"}], "subjects": {"a-value": [5]}
            schema text is not Avro       | "schemas": [{"id": 1, "schema": "not avro"}], "subjects": {"a-value": [1]}
            """)
    void wrongShapeFailsStart(final String name, final String fields) throws IOException {
        final String content = "{\"compatibility\": \"BACKWARD\", " + fields.replace("%A", SCHEMA_A)
                .replace("%B", SCHEMA_B) + ", \"subjectCompatibility\": {}}";
        final Path dataFile = folder.resolve(RegistryFile.FILE_NAME);
        Files.writeString(dataFile, content);

        assertThatThrownBy(() -> new LocalSchemaRegistry(folder).close())
                .as(content)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(dataFile.toString())
                .hasMessageContaining("Restore it from a backup");
        assertThat(Files.readString(dataFile)).as("the data file is left as it was").isEqualTo(content);
    }

    @Test
    void validFileKeepsIds() throws IOException {
        final String content = "{\"compatibility\": \"BACKWARD\", \"schemas\": [{\"id\": 3, \"schema\": \""
                + SCHEMA_A + "\"}, {\"id\": 7, \"schema\": \"" + SCHEMA_B + "\"}], \"subjects\": {\"a-value\": [3],"
                + " \"b-value\": [7]}, \"subjectCompatibility\": {}}";
        Files.writeString(folder.resolve(RegistryFile.FILE_NAME), content);

        try (LocalSchemaRegistry registry = new LocalSchemaRegistry(folder)) {
            assertThat(registry.store().schemaById(3)).contains("\"name\":\"A\"");
            assertThat(registry.store().schemaById(7)).contains("\"name\":\"B\"");
            assertThat(registry.store().subjects()).containsExactly("a-value", "b-value");
        }
    }
}
