package dev.permwatch.streams;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class StreamsMainTest {

    @TempDir
    Path folder;

    private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
    private final PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);

    @Test
    void missingArgumentPrintsUsage() {
        final int exitCode = StreamsMain.run(new String[0], err);

        assertThat(exitCode).isEqualTo(StreamsMain.EXIT_USAGE);
        assertThat(stderr()).contains("Usage: java -jar permwatch-streams-app.jar <streams.properties>");
    }

    @Test
    void missingFileIsNamed() {
        final Path absent = folder.resolve("absent.properties");

        final int exitCode = StreamsMain.run(new String[] {absent.toString()}, err);

        assertThat(exitCode).isEqualTo(StreamsMain.EXIT_USAGE);
        assertThat(stderr()).contains("Configuration file not found: " + absent.toAbsolutePath());
    }

    @Test
    void invalidSettingIsNamedWithoutSecrets() throws IOException {
        final Path file = folder.resolve("streams.properties");
        Files.writeString(file, """
                bootstrap.servers=127.0.0.1:9092
                schema.registry.url=mock://main-test
                basic.auth.user.info=reader:s3cret
                permwatch.baseline.emit=true
                """);

        final int exitCode = StreamsMain.run(new String[] {file.toString()}, err);

        assertThat(exitCode).isEqualTo(StreamsMain.EXIT_USAGE);
        assertThat(stderr()).contains("permwatch.baseline.emit");
        assertThat(stderr()).doesNotContain("s3cret");
    }

    @Test
    void slashInRegistryPasswordIsNotShown() throws IOException {
        final Path file = folder.resolve("streams.properties");
        Files.writeString(file, """
                bootstrap.servers=127.0.0.1:9092
                schema.registry.url=http://regUser:REGSECRET/PW@127.0.0.1:18798
                basic.auth.credentials.source=URL
                state.dir=%s
                """.formatted(folder.resolve("state").toString().replace("\\", "/")));

        final int exitCode = StreamsMain.run(new String[] {file.toString()}, err);

        assertThat(exitCode).isEqualTo(StreamsMain.EXIT_USAGE);
        assertThat(stderr()).contains("Invalid configuration:");
        assertThat(stderr()).contains("schema.registry.url");
        assertThat(stderr()).doesNotContain("REGSECRET");
        assertThat(stderr()).doesNotContain("PW");
    }

    @Test
    void stateDirThatIsFileIsInvalid() throws IOException {
        final Path stateFile = Files.writeString(folder.resolve("state-file"), "not a folder");
        final Path file = folder.resolve("streams.properties");
        Files.writeString(file, """
                bootstrap.servers=127.0.0.1:9
                schema.registry.url=mock://main-test
                state.dir=%s
                """.formatted(stateFile.toString().replace("\\", "/")));

        final int exitCode = StreamsMain.run(new String[] {file.toString()}, err);

        assertThat(exitCode).isEqualTo(StreamsMain.EXIT_USAGE);
        assertThat(stderr()).contains("Invalid configuration:");
        assertThat(stderr()).contains("state.dir");
    }

    @Test
    void malformedRegistryUrlIsInvalid() throws IOException {
        final Path file = folder.resolve("streams.properties");
        Files.writeString(file, """
                bootstrap.servers=127.0.0.1:9
                schema.registry.url=http://exa mple:8081
                """);

        final int exitCode = StreamsMain.run(new String[] {file.toString()}, err);

        assertThat(exitCode).isEqualTo(StreamsMain.EXIT_USAGE);
        assertThat(stderr()).contains("Invalid configuration:");
        assertThat(stderr()).contains("schema.registry.url");
    }

    private String stderr() {
        return errBytes.toString(StandardCharsets.UTF_8);
    }
}
