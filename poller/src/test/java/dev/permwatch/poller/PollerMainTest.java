package dev.permwatch.poller;

import dev.permwatch.config.ConfigKey;
import dev.permwatch.poller.config.PollerConfig;
import dev.permwatch.poller.config.PollerKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class PollerMainTest {

    private static final Map<String, String> ENV = Map.of("CLOUDFLARE_API_TOKEN", "mainTestToken42");

    private static PollerMain.UsageException usageError(final String[] args) {
        final PollerMain.UsageException error = catchThrowableOfType(PollerMain.UsageException.class,
                () -> PollerMain.loadConfig(args, ENV));
        assertThat(error).as("loadConfig must reject the arguments").isNotNull();
        return error;
    }

    @Test
    void missingArgumentPrintsUsage() {
        final PollerMain.UsageException error = usageError(new String[0]);

        assertThat(error.getMessage()).contains("Missing the configuration file").contains("Usage:");
    }

    @Test
    void extraArgumentPrintsUsage() {
        assertThat(usageError(new String[] {"a.properties", "token"}).getMessage())
                .contains("got 2").contains("Usage:").doesNotContain("token\n");
    }

    @Test
    void missingFileIsNamed(@TempDir final Path dir) {
        final Path file = dir.resolve("absent.properties");

        assertThat(usageError(new String[] {file.toString()}).getMessage()).contains(file.toString()).contains("not found");
    }

    @Test
    void invalidConfigNamesFileAndKey(@TempDir final Path dir) throws IOException {
        final Path file = dir.resolve("poller.properties");
        Files.writeString(file, "permwatch.sources=user\npermwatch.source.user.endpoint=user\n"
                + "permwatch.source.user.interval=1h\npermwatch.topic.snapshot=typo\nbootstrap.servers=127.0.0.1:9092\n");

        assertThat(usageError(new String[] {file.toString()}).getMessage())
                .contains(file.toString()).contains("permwatch.topic.snapshot");
    }

    @Test
    void exampleFileIsValid() throws PollerMain.UsageException {
        final Path example = Path.of("poller.properties.example");

        assertThat(PollerMain.loadConfig(new String[] {example.toString()}, ENV).sources()).hasSize(2);
    }

    @Test
    void yamlExampleFileIsValid() throws PollerMain.UsageException {
        final PollerConfig config = PollerMain.loadConfig(new String[] {"poller.yaml.example"}, ENV);

        assertThat(config.sources()).hasSize(2);
        assertThat(config.sources().get(1).sourceKey()).isEqualTo("account:0123456789abcdef0123456789abcdef");
    }

    @Test
    void environmentOverridesFileValues() throws PollerMain.UsageException {
        final Map<String, String> env = new HashMap<>(ENV);
        env.put("PERMWATCH_TOPIC_SNAPSHOTS", "snapshots-from-env");
        env.put("PERMWATCH_SOURCE_MAIN_ACCOUNT_CRON", "0 0 * * * ?");
        env.put("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:19092");

        final PollerConfig config = PollerMain.loadConfig(new String[] {"poller.properties.example"}, env);

        assertThat(config.snapshotsTopic()).isEqualTo("snapshots-from-env");
        assertThat(config.sources().get(1).schedule().describe()).contains("0 0 * * * ?");
        assertThat(config.producerProperties().getProperty("bootstrap.servers")).isEqualTo("127.0.0.1:19092");
    }

    @Test
    void unknownVariableIsNamedWithoutValue() {
        final Map<String, String> env = new HashMap<>(ENV);
        env.put("KAFKA_SASL_JAAS_CONFG", "secretJaasValue99");

        final String message = catchThrowableOfType(PollerMain.UsageException.class,
                () -> PollerMain.loadConfig(new String[] {"poller.properties.example"}, env)).getMessage();

        assertThat(message).contains("KAFKA_SASL_JAAS_CONFG");
        assertThat(message).doesNotContain("secretJaasValue99");
    }

    @Test
    void badCronNamesKeyValueAndFix(@TempDir final Path dir) throws IOException {
        final Path file = dir.resolve("poller.yaml");
        Files.writeString(file, "permwatch:\n  sources: [user]\n  source.user.endpoint: user\n"
                + "  source.user.cron: \"0 0 25 * * ?\"\nbootstrap.servers: 127.0.0.1:9092\n");

        final String message = usageError(new String[] {file.toString()}).getMessage();

        assertThat(message).contains("permwatch.source.user.cron");
        assertThat(message).contains("0 0 25 * * ?");
    }

    @Test
    void badAccountIdNamesKeyAndValue(@TempDir final Path dir) throws IOException {
        final Path file = dir.resolve("poller.properties");
        Files.writeString(file, "permwatch.sources=main\npermwatch.source.main.endpoint=account\n"
                + "permwatch.source.main.account.id=0123456789ABCDEF\npermwatch.source.main.interval=1h\n"
                + "bootstrap.servers=127.0.0.1:9092\n");

        final String message = usageError(new String[] {file.toString()}).getMessage();

        assertThat(message).contains("permwatch.source.main.account.id");
        assertThat(message).contains("0123456789ABCDEF");
    }

    @Test
    void helpListsEveryKeyWithDefault() {
        final String help = PollerMain.help();

        for (final ConfigKey key : PollerKeys.all()) {
            assertThat(help).as("help for %s", key.name()).contains("  " + key.name() + "  (");
            assertThat(help).as("default of %s", key.name()).contains("default: " + key.defaultValue());
            assertThat(help).as("variable of %s", key.name()).contains(key.environmentVariable());
        }
        assertThat(help).contains("milliseconds");
    }

    @Test
    void secretsStayOutOfLogs(@TempDir final Path dir) throws IOException, PollerMain.UsageException {
        final Path file = dir.resolve("poller.properties");
        Files.writeString(file, "permwatch.sources=user\npermwatch.source.user.endpoint=user\n"
                + "permwatch.source.user.interval=1h\nbootstrap.servers=127.0.0.1:9092\n"
                + "schema.registry.url=http://127.0.0.1:8081\nbasic.auth.credentials.source=USER_INFO\n"
                + "basic.auth.user.info=reader:literalFileSecret7\n");
        final Map<String, String> env = new HashMap<>(ENV);
        env.put("KAFKA_SASL_JAAS_CONFIG", "jaasFromEnvSecret8");

        final String log;
        try (LogCapture capture = LogCapture.start()) {
            PollerMain.loadConfig(new String[] {file.toString()}, env);
            log = capture.text();
        }

        assertThat(log).contains("basic.auth.user.info");
        assertThat(log).contains("KAFKA_BASIC_AUTH_USER_INFO");
        assertThat(log).contains("sasl.jaas.config");
        assertThat(log).doesNotContain("literalFileSecret7");
        assertThat(log).doesNotContain("jaasFromEnvSecret8");
    }

    @Test
    void tokenVariableWithPrefixIsAccepted(@TempDir final Path dir) throws IOException, PollerMain.UsageException {
        final Path file = dir.resolve("poller.properties");
        Files.writeString(file, "permwatch.cloudflare.token.env=PERMWATCH_DEMO_TOKEN\npermwatch.sources=user\n"
                + "permwatch.source.user.endpoint=user\npermwatch.source.user.interval=1h\n"
                + "bootstrap.servers=127.0.0.1:9092\n");

        final PollerConfig config = PollerMain.loadConfig(new String[] {file.toString()},
                Map.of("PERMWATCH_DEMO_TOKEN", "demo-token"));

        assertThat(config.sources()).hasSize(1);
    }
}
