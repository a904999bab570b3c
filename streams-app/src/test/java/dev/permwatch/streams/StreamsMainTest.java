package dev.permwatch.streams;

import dev.permwatch.config.ConfigKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

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
        assertThat(stderr()).contains("Usage: java -jar permwatch-streams-app.jar <streams.properties|streams.yaml>");
    }

    @Test
    void missingFileIsNamed() {
        final Path absent = folder.resolve("absent.properties");

        final int exitCode = StreamsMain.run(new String[] {absent.toString()}, err);

        assertThat(exitCode).isEqualTo(StreamsMain.EXIT_USAGE);
        assertThat(stderr()).contains("Configuration file " + absent.toAbsolutePath() + " not found");
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

    @Test
    void helpListsEveryKeyWithDefault() {
        final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();

        final int exitCode = StreamsMain.run(new String[] {"--help"}, Map.of(),
                new PrintStream(outBytes, true, StandardCharsets.UTF_8), err);

        final String help = outBytes.toString(StandardCharsets.UTF_8);
        assertThat(exitCode).isEqualTo(StreamsMain.EXIT_OK);
        for (final ConfigKey key : StreamsKeys.all()) {
            assertThat(help).as("help for %s", key.name()).contains("  " + key.name() + "  (");
            assertThat(help).as("default of %s", key.name()).contains("default: " + key.defaultValue());
            assertThat(help).as("variable of %s", key.name()).contains(key.environmentVariable());
        }
    }

    @Test
    void examplesLoadWithEnvironmentOverrides() {
        final Map<String, String> env = Map.of("PERMWATCH_TOPIC_CHANGES", "changes-from-env",
                "KAFKA_STATE_DIR", "/tmp/permwatch-state", "PERMWATCH_SHRINK_GUARD_MAX_COUNT", "7");

        for (final String example : new String[] {"streams.properties.example", "streams.yaml.example"}) {
            final StreamsAppConfig config = StreamsConfigFactory.create(StreamsMain.load(Path.of(example), env));

            assertThat(config.topologySettings().changesTopic()).as(example).isEqualTo("changes-from-env");
            assertThat(config.topologySettings().removalPolicy().maxCount()).as(example).isEqualTo(7);
            assertThat(config.streamsProperties().getProperty("state.dir")).as(example)
                    .isEqualTo("/tmp/permwatch-state");
        }
    }

    @Test
    void unknownClientKeyIsRejected() throws IOException {
        final Path file = folder.resolve("streams.yaml");
        Files.writeString(file, """
                bootstrap.servers: 127.0.0.1:9
                schema.registry.url: mock://main-test
                processing.guarante: exactly_once_v2
                """);

        final int exitCode = StreamsMain.run(new String[] {file.toString()}, Map.of(), System.out, err);

        assertThat(exitCode).isEqualTo(StreamsMain.EXIT_USAGE);
        assertThat(stderr()).contains("Unknown key processing.guarante");
        assertThat(stderr()).contains("kafka.processing.guarante");
    }

    @Test
    void unknownPermwatchVariableIsRejected() {
        final int exitCode = StreamsMain.run(new String[] {"streams.properties.example"},
                Map.of("PERMWATCH_TOPIC_CHANGE", "x"), System.out, err);

        assertThat(exitCode).isEqualTo(StreamsMain.EXIT_USAGE);
        assertThat(stderr()).contains("Unknown environment variable PERMWATCH_TOPIC_CHANGE");
    }

    @Test
    void providerReferenceReachesSerdes() throws IOException {
        final Path secrets = Files.writeString(folder.resolve("registry.properties"), "user.info=reader:pw42\n");
        final Path file = folder.resolve("streams.properties");
        Files.writeString(file, """
                bootstrap.servers=127.0.0.1:9
                schema.registry.url=mock://main-test
                config.providers=file
                config.providers.file.class=org.apache.kafka.common.config.provider.FileConfigProvider
                basic.auth.credentials.source=USER_INFO
                basic.auth.user.info=${file:%s:user.info}
                producer.sasl.jaas.config=${file:%s:user.info}
                """.formatted(secrets.toString().replace("\\", "/"), secrets.toString().replace("\\", "/")));

        final StreamsAppConfig config = StreamsConfigFactory.create(StreamsMain.load(file, Map.of()));

        assertThat(config.serdeConfig().get("basic.auth.user.info")).isEqualTo("reader:pw42");
    }

    private String stderr() {
        return errBytes.toString(StandardCharsets.UTF_8);
    }
}
