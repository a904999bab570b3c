package dev.permwatch.streams;

import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StreamsAppTest {

    @TempDir
    Path stateDir;

    @Test
    void constructedAppIsCreatedAndCloses() {
        final Properties props = new Properties();
        // Nothing listens on port 9; the client never starts, so it never connects.
        props.setProperty("bootstrap.servers", "127.0.0.1:9");
        props.setProperty("schema.registry.url", "mock://streams-app-test");
        props.setProperty("state.dir", stateDir.toString());
        props.setProperty("permwatch.topic.snapshots", "snapshots.test");

        try (StreamsApp app = new StreamsApp(props)) {
            assertThat(app.state()).isEqualTo(KafkaStreams.State.CREATED);
            assertThat(app.topologySettings().snapshotsTopic()).isEqualTo("snapshots.test");
        }
    }

    @Test
    void invalidConfigurationFailsInConstructor() {
        final Properties props = new Properties();
        props.setProperty("schema.registry.url", "mock://streams-app-test");

        assertThatThrownBy(() -> new StreamsApp(props))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bootstrap.servers");
    }
}
