package dev.permwatch.local.containers;

import dev.permwatch.avro.ChangeEvent;
import dev.permwatch.local.kafka.TopicSetup;
import dev.permwatch.local.stack.TopicReader;
import dev.permwatch.poller.PollListener;
import dev.permwatch.poller.PollerApp;
import dev.permwatch.poller.config.PollerConfig;
import dev.permwatch.streams.StreamsApp;
import okhttp3.mockwebserver.Dispatcher;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Runs the poller and the streams app against the real {@code apache/kafka} and Confluent Schema
 * Registry images. Skipped when no Docker engine is available; the embedded-broker tests cover the
 * same path without Docker.
 */
@Testcontainers(disabledWithoutDocker = true)
class ContainerPipelineTest {

    private static final Network NETWORK = Network.newNetwork();

    @Container
    private static final KafkaContainer KAFKA = new KafkaContainer(DockerImageName.parse("apache/kafka:4.1.1"))
            .withNetwork(NETWORK)
            .withNetworkAliases("kafka")
            .withListener("kafka:19092");

    @Container
    private static final GenericContainer<?> SCHEMA_REGISTRY =
            new GenericContainer<>(DockerImageName.parse("confluentinc/cp-schema-registry:7.9.0"))
                    .withNetwork(NETWORK)
                    .dependsOn(KAFKA)
                    .withExposedPorts(8081)
                    .withEnv("SCHEMA_REGISTRY_HOST_NAME", "schema-registry")
                    .withEnv("SCHEMA_REGISTRY_LISTENERS", "http://0.0.0.0:8081")
                    .withEnv("SCHEMA_REGISTRY_KAFKASTORE_BOOTSTRAP_SERVERS", "PLAINTEXT://kafka:19092")
                    .waitingFor(Wait.forHttp("/subjects").forStatusCode(200));

    @TempDir
    Path stateDir;

    @Test
    void renameFlowsThroughRealImages() throws Exception {
        final String registryUrl = "http://" + SCHEMA_REGISTRY.getHost() + ":" + SCHEMA_REGISTRY.getMappedPort(8081);
        final Map<String, String> serdeConfig = Map.of("schema.registry.url", registryUrl, "specific.avro.reader", "true");
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.getBootstrapServers()))) {
            new TopicSetup(admin, 1, (short) 1).createMissing();
        }

        final Properties streamsProps = new Properties();
        streamsProps.putAll(serdeConfig);
        streamsProps.put("bootstrap.servers", KAFKA.getBootstrapServers());
        streamsProps.put("application.id", "permwatch-containers");
        streamsProps.put("state.dir", stateDir.toString());
        streamsProps.put("replication.factor", "1");

        try (MockWebServer api = new MockWebServer();
             StreamsApp streamsApp = new StreamsApp(streamsProps)) {
            final AtomicInteger requests = new AtomicInteger();
            final List<String> bodies = List.of(resource("e2e/01-baseline.json"), resource("e2e/02-changed.json"));
            api.setDispatcher(new Dispatcher() {
                @Override
                public MockResponse dispatch(final RecordedRequest request) {
                    final String body = bodies.get(Math.min(requests.getAndIncrement(), bodies.size() - 1));
                    return new MockResponse().setHeader("Content-Type", "application/json").setBody(body);
                }
            });
            api.start(InetAddress.getLoopbackAddress(), 0);
            streamsApp.start();

            final Properties pollerProps = new Properties();
            pollerProps.putAll(serdeConfig);
            pollerProps.put("bootstrap.servers", KAFKA.getBootstrapServers());
            pollerProps.put("permwatch.cloudflare.base.url", "http://127.0.0.1:" + api.getPort() + "/client/v4");
            pollerProps.put("permwatch.sources", "user");
            pollerProps.put("permwatch.source.user.endpoint", "user");
            pollerProps.put("permwatch.source.user.interval", "PT10S");
            final PollListener ignored = new PollListener() { };
            try (PollerApp poller = new PollerApp(PollerConfig.fromProperties(pollerProps,
                    Map.of("CLOUDFLARE_API_TOKEN", "container-test-token")), ignored)) {
                poller.start();

                final List<ChangeEvent> events = new ArrayList<>();
                try (KafkaConsumer<String, ChangeEvent> consumer =
                             TopicReader.consumer(KAFKA.getBootstrapServers(), serdeConfig)) {
                    final List<TopicPartition> partitions =
                            TopicReader.partitions(consumer, List.of(TopicSetup.DEFAULT_CHANGES_TOPIC));
                    consumer.assign(partitions);
                    consumer.seekToBeginning(partitions);
                    await().atMost(Duration.ofSeconds(120)).until(() -> {
                        for (final ConsumerRecord<String, ChangeEvent> record : consumer.poll(Duration.ofMillis(200))) {
                            events.add(record.value());
                        }
                        return events.size() >= 4;
                    });
                }
                assertThat(events).extracting(event -> event.getType() + " " + event.getPermissionId())
                        .contains("RENAMED b33f02c6f7284e05a6f20741c0bb0567");
            }
        }
    }

    private static String resource(final String name) throws IOException {
        try (InputStream in = ContainerPipelineTest.class.getClassLoader().getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
