package dev.permwatch.poller.config;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.Serializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Checks that Kafka config provider references in the poller file reach the producer's value
 * serializer resolved, so registry credentials can live in a file or an environment variable.
 */
class ConfigProviderTest {

    /** Value serializer that records the configuration it was given. */
    public static final class CapturingSerializer implements Serializer<Object> {
        static volatile Map<String, Object> configs = Map.of();

        @Override
        public void configure(final Map<String, ?> given, final boolean isKey) {
            configs = new HashMap<>(given);
        }

        @Override
        public byte[] serialize(final String topic, final Object data) {
            return new byte[0];
        }
    }

    private static Map<String, String> file(final Path dir, final String content) throws IOException {
        final Path config = dir.resolve("poller.properties");
        Files.writeString(config, "permwatch.sources=user\npermwatch.source.user.endpoint=user\n"
                + "permwatch.source.user.interval=1h\n"
                // Port 9 on loopback: nothing listens, and the producer constructor does not connect.
                + "bootstrap.servers=127.0.0.1:9\nschema.registry.url=mock://provider-test\n"
                + "value.serializer=" + CapturingSerializer.class.getName() + "\n" + content);
        final Properties props = PollerKeys.loader().load(config, Map.of()).properties();
        final Map<String, String> entries = new HashMap<>();
        props.stringPropertyNames().forEach(key -> entries.put(key, props.getProperty(key)));
        return entries;
    }

    private static Map<String, Object> serializerConfigs(final Map<String, String> entries) {
        final Properties props = new Properties();
        props.putAll(entries);
        final PollerConfig config = PollerConfig.fromProperties(props, Map.of("CLOUDFLARE_API_TOKEN", "t0ken"));
        try (KafkaProducer<String, Object> producer = new KafkaProducer<>(config.producerProperties())) {
            producer.close(Duration.ZERO);
        }
        return CapturingSerializer.configs;
    }

    @Test
    void fileProviderValueReachesSerializer(@TempDir final Path dir) throws IOException {
        final Path secrets = dir.resolve("registry.properties");
        Files.writeString(secrets, "user.info=registry-user:registry-password\n");

        final Map<String, Object> configs = serializerConfigs(file(dir, "config.providers=file\n"
                + "config.providers.file.class=org.apache.kafka.common.config.provider.FileConfigProvider\n"
                + "basic.auth.credentials.source=USER_INFO\n"
                + "basic.auth.user.info=${file:" + secrets + ":user.info}\n"));

        assertThat(configs.get("basic.auth.user.info")).isEqualTo("registry-user:registry-password");
    }

    @Test
    void envProviderValueReachesSerializer(@TempDir final Path dir) throws IOException {
        final String path = System.getenv("PATH");
        assumeTrue(path != null, "the test reads the PATH environment variable, which is not set here");

        final Map<String, Object> configs = serializerConfigs(file(dir, "config.providers=env\n"
                + "config.providers.env.class=org.apache.kafka.common.config.provider.EnvVarConfigProvider\n"
                + "basic.auth.credentials.source=USER_INFO\n"
                + "basic.auth.user.info=${env:PATH}\n"));

        assertThat(configs.get("basic.auth.user.info")).isEqualTo(path);
    }
}
