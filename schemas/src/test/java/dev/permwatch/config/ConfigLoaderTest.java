package dev.permwatch.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfigLoaderTest {

    private static final String SECRET = "s3cr3t-value-never-shown";

    /** Accepts permwatch.sources, permwatch.topic.snapshots and the per-source keys of the named sources. */
    private static Set<String> permwatchKeys(final Map<String, String> entries) {
        final Set<String> keys = new TreeSet<>(Set.of("permwatch.sources", "permwatch.topic.snapshots",
                "permwatch.topic.diff-reports"));
        final String sources = entries.get("permwatch.sources");
        if (sources != null) {
            for (final String name : sources.split(",")) {
                keys.add("permwatch.source." + name.trim() + ".endpoint");
                keys.add("permwatch.source." + name.trim() + ".account.id");
            }
        }
        return keys;
    }

    private final ConfigLoader loader = new ConfigLoader(ClientKeys.producer(), ConfigLoaderTest::permwatchKeys);

    @TempDir
    Path dir;

    private Path write(final String name, final String content) throws IOException {
        final Path file = dir.resolve(name);
        Files.writeString(file, content, StandardCharsets.UTF_8);
        return file;
    }

    @Test
    void propertiesFileIsReadAndTrimmed() throws IOException {
        final Path file = write("app.properties", "permwatch.sources = user \nbootstrap.servers=127.0.0.1:9092\n");

        final Properties props = loader.load(file, Map.of()).properties();

        assertThat(props.getProperty("permwatch.sources")).isEqualTo("user");
        assertThat(props.getProperty("bootstrap.servers")).isEqualTo("127.0.0.1:9092");
    }

    @Test
    void yamlNestingBecomesDottedKeys() throws IOException {
        final Path file = write("app.yaml", """
                permwatch:
                  topic:
                    snapshots: snaps
                    diff-reports: reports
                bootstrap.servers: 127.0.0.1:9092
                kafka:
                  linger.ms: 5
                  security:
                    protocol: SASL_SSL
                """);

        final Properties props = loader.load(file, Map.of()).properties();

        assertThat(props.getProperty("permwatch.topic.snapshots")).isEqualTo("snaps");
        assertThat(props.getProperty("permwatch.topic.diff-reports")).isEqualTo("reports");
        assertThat(props.getProperty("bootstrap.servers")).isEqualTo("127.0.0.1:9092");
        assertThat(props.getProperty("linger.ms")).isEqualTo("5");
        assertThat(props.getProperty("security.protocol")).isEqualTo("SASL_SSL");
        assertThat(props.stringPropertyNames()).noneMatch(key -> key.startsWith("kafka."));
    }

    @Test
    void yamlListOfScalarsIsJoinedWithCommas() throws IOException {
        final Path file = write("app.yml", "permwatch.sources: [user, main]\n"
                + "bootstrap.servers:\n  - 127.0.0.1:9092\n  - 127.0.0.1:9093\n");

        final Properties props = loader.load(file, Map.of()).properties();

        assertThat(props.getProperty("permwatch.sources")).isEqualTo("user,main");
        assertThat(props.getProperty("bootstrap.servers")).isEqualTo("127.0.0.1:9092,127.0.0.1:9093");
    }

    @Test
    void yamlListOfMapsIsRejected() throws IOException {
        final Path file = write("app.yaml", "permwatch.sources:\n  - name: user\n");

        assertThatThrownBy(() -> loader.load(file, Map.of()))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("permwatch.sources")
                .hasMessageContaining("only plain values");
    }

    @Test
    void badYamlNamesLineAndColumn() throws IOException {
        final Path file = write("app.yaml", "permwatch:\n  sources: user\n bad: [unclosed\n");

        assertThatThrownBy(() -> loader.load(file, Map.of()))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("Invalid YAML")
                .hasMessageContaining("app.yaml")
                .hasMessageContaining("line 3");
    }

    @Test
    void unknownExtensionIsRejected() throws IOException {
        final Path file = write("app.json", "{}");

        assertThatThrownBy(() -> loader.load(file, Map.of()))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("app.json")
                .hasMessageContaining(".properties, .yaml or .yml");
    }

    @Test
    void missingFileIsRejected() {
        assertThatThrownBy(() -> loader.load(dir.resolve("absent.properties"), Map.of()))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("absent.properties")
                .hasMessageContaining("not found");
    }

    @Test
    void permwatchVariableOverridesKey() {
        final LoadedConfig config = loader.apply(Map.of("permwatch.topic.diff-reports", "reports"),
                Map.of("PERMWATCH_TOPIC_DIFF_REPORTS", "other-reports"), "test");

        assertThat(config.properties().getProperty("permwatch.topic.diff-reports")).isEqualTo("other-reports");
        assertThat(config.keysFromEnvironment()).containsExactly("permwatch.topic.diff-reports");
    }

    @Test
    void perSourceVariableWithDashInSourceName() {
        final LoadedConfig config = loader.apply(Map.of("permwatch.sources", "main-account"),
                Map.of("PERMWATCH_SOURCE_MAIN_ACCOUNT_ACCOUNT_ID", "0123456789abcdef0123456789abcdef"), "test");

        assertThat(config.properties().getProperty("permwatch.source.main-account.account.id"))
                .isEqualTo("0123456789abcdef0123456789abcdef");
    }

    @Test
    void sourcesFromEnvironmentMakeTheirKeysKnown() {
        final LoadedConfig config = loader.apply(Map.of(),
                Map.of("PERMWATCH_SOURCES", "staging", "PERMWATCH_SOURCE_STAGING_ENDPOINT", "user"), "test");

        assertThat(config.properties().getProperty("permwatch.sources")).isEqualTo("staging");
        assertThat(config.properties().getProperty("permwatch.source.staging.endpoint")).isEqualTo("user");
        assertThat(config.keysFromEnvironment())
                .containsExactly("permwatch.source.staging.endpoint", "permwatch.sources");
    }

    @Test
    void kafkaVariableOverridesClientKey() {
        final LoadedConfig config = loader.apply(Map.of("bootstrap.servers", "127.0.0.1:9092"),
                Map.of("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:19092", "KAFKA_SASL_MECHANISM", "PLAIN",
                        "KAFKA_SCHEMA_REGISTRY_URL", "http://127.0.0.1:8081"), "test");

        final Properties props = config.properties();
        assertThat(props.getProperty("bootstrap.servers")).isEqualTo("127.0.0.1:19092");
        assertThat(props.getProperty("sasl.mechanism")).isEqualTo("PLAIN");
        assertThat(props.getProperty("schema.registry.url")).isEqualTo("http://127.0.0.1:8081");
    }

    @Test
    void kafkaScriptVariablesAreIgnored() {
        final LoadedConfig config = loader.apply(Map.of(),
                Map.of("KAFKA_HEAP_OPTS", "-Xmx1g", "KAFKA_OPTS", "-Dx=y", "KAFKA_HOME", "/opt/kafka"), "test");

        assertThat(config.properties()).isEmpty();
    }

    @Test
    void loggingVariablesAreIgnored() {
        final LoadedConfig config = loader.apply(Map.of(),
                Map.of("PERMWATCH_LOG_FORMAT", "json", "PERMWATCH_LOG_LEVEL", "DEBUG"), "test");

        assertThat(config.properties()).isEmpty();
    }

    @Test
    void unknownPermwatchVariableIsRejected() {
        assertThatThrownBy(() -> loader.apply(Map.of(), Map.of("PERMWATCH_TOPIC_SNAPSHOT", "x"), "test"))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("Unknown environment variable PERMWATCH_TOPIC_SNAPSHOT")
                .hasMessageContaining("PERMWATCH_TOPIC_SNAPSHOTS");
    }

    @Test
    void unknownKafkaVariableIsRejectedWithoutValue() {
        assertThatThrownBy(() -> loader.apply(Map.of(), Map.of("KAFKA_SASL_JAAS_CONFG", SECRET), "test"))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("KAFKA_SASL_JAAS_CONFG")
                .hasMessageNotContaining(SECRET);
    }

    @Test
    void unknownBareKeySuggestsKafkaSection() {
        assertThatThrownBy(() -> loader.apply(Map.of("sasl.jaas.confg", SECRET), Map.of(), "app.properties"))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("Unknown key sasl.jaas.confg in app.properties")
                .hasMessageContaining("kafka.sasl.jaas.confg")
                .hasMessageNotContaining(SECRET);
    }

    @Test
    void kafkaSectionPassesUnknownKeys() {
        final LoadedConfig config = loader.apply(Map.of("kafka.interceptor.custom.setting", "1"), Map.of(), "test");

        assertThat(config.properties().getProperty("interceptor.custom.setting")).isEqualTo("1");
    }

    @Test
    void sameKeyBareAndInSectionIsRejected() {
        assertThatThrownBy(() -> loader.apply(Map.of("linger.ms", "1", "kafka.linger.ms", "2"), Map.of(), "test"))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("both linger.ms and kafka.linger.ms");
    }

    @Test
    void sslAndSaslKeysAreKnown() {
        final Map<String, String> entries = new TreeMap<>();
        entries.put("security.protocol", "SASL_SSL");
        entries.put("ssl.truststore.location", "/etc/kafka/truststore.jks");
        entries.put("ssl.truststore.password", "${env:TRUSTSTORE_PASSWORD}");
        entries.put("sasl.mechanism", "SCRAM-SHA-512");
        entries.put("sasl.jaas.config", "${file:/run/secrets/kafka.properties:jaas}");
        entries.put("config.providers", "env,file");
        entries.put("config.providers.env.class", "org.apache.kafka.common.config.provider.EnvVarConfigProvider");
        entries.put("basic.auth.credentials.source", "USER_INFO");
        entries.put("basic.auth.user.info", "${env:REGISTRY_USER_INFO}");

        final LoadedConfig config = loader.apply(entries, Map.of(), "test");

        assertThat(config.properties().stringPropertyNames()).containsAll(entries.keySet());
    }

    @Test
    void registrySslKeyIsRejected() {
        assertThatThrownBy(() -> loader.apply(Map.of("schema.registry.ssl.truststore.location", "/x"), Map.of(), "t"))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("schema.registry.ssl.truststore.location")
                .hasMessageContaining("javax.net.ssl.trustStore");
    }

    @Test
    void literalSecretsAreFound() {
        final Map<String, String> client = new TreeMap<>();
        client.put("sasl.jaas.config", SECRET);
        client.put("ssl.key.password", "${env:KEY_PASSWORD}");
        client.put("basic.auth.user.info", "user:" + SECRET);
        client.put("ssl.truststore.password", SECRET);
        client.put("schema.registry.url", "https://user:" + SECRET + "@127.0.0.1:8081");
        client.put("bootstrap.servers", "127.0.0.1:9092");

        final List<String> keys = loader.literalSecretKeys(client, new HashSet<>(Set.of("ssl.truststore.password")));

        assertThat(keys).containsExactlyInAnyOrder("sasl.jaas.config", "basic.auth.user.info", "schema.registry.url");
    }

    @Test
    void secretKeysAreRecognised() {
        final ClientKeys keys = ClientKeys.builder().addPrefix("producer.").build();

        assertThat(keys.isSecret("sasl.jaas.config")).isTrue();
        assertThat(keys.isSecret("ssl.keystore.password")).isTrue();
        assertThat(keys.isSecret("producer.ssl.key.password")).isTrue();
        assertThat(keys.isSecret("schema.registry.basic.auth.user.info")).isTrue();
        assertThat(keys.isSecret("sasl.oauthbearer.client.credentials.client.secret")).isTrue();
        assertThat(keys.isSecret("sasl.mechanism")).isFalse();
        assertThat(ClientKeys.producer().isSecret("ssl.keystore.key")).isTrue();
    }

    @Test
    void environmentVariableMapping() {
        assertThat(ConfigLoader.environmentVariable("permwatch.topic.diff-reports"))
                .isEqualTo("PERMWATCH_TOPIC_DIFF_REPORTS");
        assertThat(ConfigLoader.environmentVariable("ssl.truststore.location"))
                .isEqualTo("KAFKA_SSL_TRUSTSTORE_LOCATION");
        assertThat(new ConfigKey("permwatch.source.<name>.cron", "cron", "", "none", "d").environmentVariable())
                .isEqualTo("PERMWATCH_SOURCE_<name>_CRON");
    }

    @Test
    void referencedVariableIsNotAnOverride() {
        final LoadedConfig config = loader.apply(Map.of("sasl.jaas.config", "${env:KAFKA_JAAS_SECRET}"),
                Map.of("KAFKA_JAAS_SECRET", SECRET), "test");

        assertThat(config.properties().getProperty("sasl.jaas.config")).isEqualTo("${env:KAFKA_JAAS_SECRET}");
        assertThat(config.keysFromEnvironment()).isEmpty();
    }

    @Test
    void kubernetesServiceVariablesAreIgnored() {
        final Map<String, String> env = Map.of("KAFKA_SERVICE_HOST", "10.0.0.1", "KAFKA_SERVICE_PORT", "9092",
                "KAFKA_PORT", "tcp://10.0.0.1:9092", "KAFKA_PORT_9092_TCP_ADDR", "10.0.0.1",
                "PERMWATCH_STREAMS_SERVICE_PORT_METRICS", "8080", "PERMWATCH_STREAMS_PORT", "tcp://10.0.0.2:8080");

        final LoadedConfig config = loader.apply(Map.of(), env, "test");

        assertThat(config.properties()).isEmpty();
    }
}
