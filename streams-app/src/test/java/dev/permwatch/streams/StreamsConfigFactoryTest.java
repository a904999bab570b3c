package dev.permwatch.streams;

import dev.permwatch.streams.deadletter.DeadLetterDeserializationHandler;
import dev.permwatch.streams.deadletter.DeadLetterProcessingHandler;
import dev.permwatch.streams.diff.RemovalPolicy;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StreamsConfigFactoryTest {

    @Test
    void defaultsApplyWhenOnlyRequiredKeysAreSet() {
        final StreamsAppConfig config = StreamsConfigFactory.create(minimal());

        assertThat(config.topologySettings().snapshotsTopic()).isEqualTo("permwatch.snapshots");
        assertThat(config.topologySettings().changesTopic()).isEqualTo("permwatch.changes");
        assertThat(config.topologySettings().catalogTopic()).isEqualTo("permwatch.catalog");
        assertThat(config.topologySettings().diffReportsTopic()).isEqualTo("permwatch.diff-reports");
        assertThat(config.topologySettings().emitBaselineAdded()).isFalse();
        assertThat(config.streamsProperties().getProperty(StreamsConfig.APPLICATION_ID_CONFIG))
                .isEqualTo("permwatch-streams");
        assertThat(config.streamsProperties().getProperty(StreamsConfig.PROCESSING_GUARANTEE_CONFIG))
                .isEqualTo("exactly_once_v2");
        assertThat(config.streamsProperties().getProperty(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG))
                .isEqualTo(Serdes.StringSerde.class.getName());
    }

    @Test
    void permwatchKeysConfigureTopologyOnly() {
        final Properties props = minimal();
        props.setProperty("permwatch.topic.changes", "audit.changes");
        props.setProperty("permwatch.baseline.emit-added", "TRUE");

        final StreamsAppConfig config = StreamsConfigFactory.create(props);

        assertThat(config.topologySettings().changesTopic()).isEqualTo("audit.changes");
        assertThat(config.topologySettings().emitBaselineAdded()).isTrue();
        assertThat(config.streamsProperties().stringPropertyNames()).noneMatch(key -> key.startsWith("permwatch."));
        assertThat(config.serdeConfig().keySet()).noneMatch(key -> key.startsWith("permwatch."));
    }

    @Test
    void otherKeysReachStreamsAndSerdesUnchanged() {
        final Properties props = minimal();
        props.setProperty("basic.auth.credentials.source", "USER_INFO");
        props.setProperty("basic.auth.user.info", "reader:s3cret");
        props.setProperty("replication.factor", "1");
        props.setProperty("application.id", "permwatch-test");

        final StreamsAppConfig config = StreamsConfigFactory.create(props);

        assertThat(config.serdeConfig()).containsEntry("schema.registry.url", "mock://config-test");
        assertThat(config.serdeConfig()).containsEntry("basic.auth.user.info", "reader:s3cret");
        assertThat(config.streamsProperties().getProperty("replication.factor")).isEqualTo("1");
        assertThat(config.streamsProperties().getProperty("application.id")).isEqualTo("permwatch-test");
    }

    @Test
    void unknownPermwatchKeyIsRejected() {
        final Properties props = minimal();
        props.setProperty("permwatch.topic.change", "x");

        assertThatThrownBy(() -> StreamsConfigFactory.create(props))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("permwatch.topic.change")
                .hasMessageContaining("permwatch.topic.changes");
    }

    @Test
    void invalidTopicNameIsRejected() {
        final Properties props = minimal();
        props.setProperty("permwatch.topic.catalog", "perm watch/catalog");

        assertThatThrownBy(() -> StreamsConfigFactory.create(props))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'perm watch/catalog'")
                .hasMessageContaining("permwatch.topic.catalog");
    }

    @Test
    void invalidBooleanIsRejected() {
        final Properties props = minimal();
        props.setProperty("permwatch.baseline.emit-added", "yes");

        assertThatThrownBy(() -> StreamsConfigFactory.create(props))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'yes'")
                .hasMessageContaining("true or false");
    }

    @Test
    void missingRegistryUrlIsRejectedWithoutValues() {
        final Properties props = minimal();
        props.remove("schema.registry.url");
        props.setProperty("basic.auth.user.info", "reader:s3cret");

        assertThatThrownBy(() -> StreamsConfigFactory.create(props))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("schema.registry.url")
                .hasMessageNotContaining("s3cret");
    }

    @Test
    void missingBootstrapServersIsRejected() {
        final Properties props = minimal();
        props.remove("bootstrap.servers");

        assertThatThrownBy(() -> StreamsConfigFactory.create(props))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bootstrap.servers");
    }

    @Test
    void removalKeysDefaultAndParse() {
        final TopologySettings defaults = StreamsConfigFactory.create(minimal()).topologySettings();
        assertThat(defaults.removalPolicy()).isEqualTo(RemovalPolicy.defaults());
        assertThat(defaults.controlTopic()).isEqualTo("permwatch.control");
        assertThat(defaults.alertsTopic()).isEqualTo("permwatch.alerts");
        assertThat(defaults.deadLetterTopic()).isEqualTo("permwatch.dead-letter");

        final Properties props = minimal();
        props.setProperty("permwatch.removal.confirmations", "3");
        props.setProperty("permwatch.shrink-guard.max-share", "0.25");
        props.setProperty("permwatch.shrink-guard.max-count", "0");
        props.setProperty("permwatch.topic.dead-letter", "ops.dlq");
        final StreamsAppConfig config = StreamsConfigFactory.create(props);

        assertThat(config.topologySettings().removalPolicy()).isEqualTo(new RemovalPolicy(3, 0.25, 0));
        assertThat(config.streamsProperties().getProperty(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG))
                .isEqualTo("ops.dlq");
        assertThat(config.streamsProperties().getProperty(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG))
                .isEqualTo(DeadLetterDeserializationHandler.class.getName());
        assertThat(config.streamsProperties().getProperty(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG))
                .isEqualTo(DeadLetterProcessingHandler.class.getName());
        assertThat(config.streamsProperties().getProperty(StreamsConfigFactory.ALERTS_TOPIC_CONFIG))
                .isEqualTo("permwatch.alerts");
    }

    @Test
    void invalidRemovalValuesAreRejected() {
        final String[][] cases = {
            {"permwatch.removal.confirmations", "0", "1 or more"},
            {"permwatch.removal.confirmations", "two", "whole number"},
            {"permwatch.shrink-guard.max-share", "10%", "from 0 to 1"},
            {"permwatch.shrink-guard.max-share", "1.5", "from 0 to 1"},
            {"permwatch.shrink-guard.max-share", "NaN", "from 0 to 1"},
            {"permwatch.shrink-guard.max-count", "-1", "0 or more"},
        };
        for (final String[] testCase : cases) {
            final Properties props = minimal();
            props.setProperty(testCase[0], testCase[1]);
            assertThatThrownBy(() -> StreamsConfigFactory.create(props))
                    .as(testCase[0] + "=" + testCase[1])
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(testCase[0])
                    .hasMessageContaining("'" + testCase[1] + "'")
                    .hasMessageContaining(testCase[2]);
        }
    }

    @Test
    void sharedTopicIsRejected() {
        final Properties props = minimal();
        props.setProperty("permwatch.topic.dead-letter", "permwatch.alerts");

        assertThatThrownBy(() -> StreamsConfigFactory.create(props))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("permwatch.topic.alerts uses it too");
    }

    @Test
    void otherErrorHandlerIsRejected() {
        final Properties props = minimal();
        props.setProperty(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
                "org.apache.kafka.streams.errors.LogAndContinueExceptionHandler");

        assertThatThrownBy(() -> StreamsConfigFactory.create(props))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("deserialization.exception.handler")
                .hasMessageContaining("LogAndContinueExceptionHandler")
                .hasMessageContaining("Remove the key");
    }

    private static Properties minimal() {
        final Properties props = new Properties();
        props.setProperty("bootstrap.servers", "127.0.0.1:9092");
        props.setProperty("schema.registry.url", "mock://config-test");
        return props;
    }
}
