package dev.permwatch.local.containers;

import dev.permwatch.avro.ChangeEvent;
import dev.permwatch.local.kafka.TopicSetup;
import dev.permwatch.local.stack.TopicReader;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.ImageFromDockerfile;
import org.testcontainers.images.builder.Transferable;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Builds the poller, streams app and demo API images from the Dockerfiles in {@code docker/} and
 * runs the demo series through them, against the Kafka and Schema Registry images that
 * {@code docker/compose.yaml} uses. The poller runs in the demo API container's network namespace,
 * as in the compose {@code demo} profile. Skipped when no Docker engine is available.
 *
 * <p>The image builds run Maven inside Docker, so they need access to Maven Central and take
 * several minutes on the first run.
 */
@Testcontainers(disabledWithoutDocker = true)
class DockerImagesPipelineTest {

    private static final String DEMO_TOKEN = "container-demo-token";
    private static final String KAFKA_IN_NETWORK = "kafka:19092";
    private static final String REGISTRY_IN_NETWORK = "http://schema-registry:8081";

    private static final Network NETWORK = Network.newNetwork();

    @Container
    private static final KafkaContainer KAFKA = new KafkaContainer(DockerImageName.parse("apache/kafka:4.1.1"))
            .withNetwork(NETWORK)
            .withNetworkAliases("kafka")
            .withListener(KAFKA_IN_NETWORK);

    @Container
    private static final GenericContainer<?> SCHEMA_REGISTRY =
            new GenericContainer<>(DockerImageName.parse("confluentinc/cp-schema-registry:8.1.0"))
                    .withNetwork(NETWORK)
                    .withNetworkAliases("schema-registry")
                    .dependsOn(KAFKA)
                    .withExposedPorts(8081)
                    .withEnv("SCHEMA_REGISTRY_HOST_NAME", "schema-registry")
                    .withEnv("SCHEMA_REGISTRY_LISTENERS", "http://0.0.0.0:8081")
                    .withEnv("SCHEMA_REGISTRY_KAFKASTORE_BOOTSTRAP_SERVERS", "PLAINTEXT://" + KAFKA_IN_NETWORK)
                    .waitingFor(Wait.forHttp("/subjects").forStatusCode(200));

    @Test
    void demoSeriesFlowsThroughBuiltImages() {
        final Path root = repositoryRoot();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.getBootstrapServers()))) {
            new TopicSetup(admin, 1, (short) 1).createMissing();
        }

        try (GenericContainer<?> streamsApp = new GenericContainer<>(image(root, "streams-app.Dockerfile"));
             GenericContainer<?> demoApi = new GenericContainer<>(image(root, "demo-api.Dockerfile"));
             GenericContainer<?> poller = new GenericContainer<>(image(root, "poller.Dockerfile"))) {
            streamsApp.withNetwork(NETWORK)
                    .withCopyToContainer(Transferable.of(streamsProperties()), "/etc/permwatch/streams.properties")
                    .waitingFor(Wait.forLogMessage(".*Streams app state \\w+ -> RUNNING.*", 1)
                            .withStartupTimeout(Duration.ofMinutes(3)))
                    .start();

            demoApi.withNetwork(NETWORK)
                    .withEnv("PERMWATCH_DEMO_TOKEN", DEMO_TOKEN)
                    .waitingFor(Wait.forLogMessage(".*Serving the demo series.*", 1)
                            .withStartupTimeout(Duration.ofMinutes(2)))
                    .start();

            // Shares the demo API's network namespace: the poller accepts plain http only on loopback.
            poller.withNetworkMode("container:" + demoApi.getContainerId())
                    .withEnv("PERMWATCH_DEMO_TOKEN", DEMO_TOKEN)
                    .withCopyToContainer(Transferable.of(pollerProperties()), "/etc/permwatch/poller.properties")
                    .start();

            final List<String> events = readChangeEvents(5);

            assertThat(events).containsExactlyInAnyOrder(
                    "RENAMED b33f02c6f7284e05a6f20741c0bb0567",
                    "ADDED 2efd5506f9c8494dacb1fa10a3e7d5b6",
                    "UPDATED 82e64a83756745bbbb1c9c2701bf816b",
                    "UPDATED b33f02c6f7284e05a6f20741c0bb0567",
                    "REMOVED 3518d0f75557482e952c6762d3e64903");
        }
    }

    /** Reads change events with read_committed until {@code expected} have arrived. */
    private static List<String> readChangeEvents(final int expected) {
        final String registryUrl = "http://" + SCHEMA_REGISTRY.getHost() + ":" + SCHEMA_REGISTRY.getMappedPort(8081);
        final Map<String, String> serdeConfig = Map.of("schema.registry.url", registryUrl, "specific.avro.reader", "true");
        final List<String> events = new ArrayList<>();
        try (KafkaConsumer<String, ChangeEvent> consumer = TopicReader.consumer(KAFKA.getBootstrapServers(), serdeConfig)) {
            final List<TopicPartition> partitions =
                    TopicReader.partitions(consumer, List.of(TopicSetup.DEFAULT_CHANGES_TOPIC));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            // Seven polls 10 seconds apart: the baseline, four changes, and two snapshots without the removed group.
            await().atMost(Duration.ofMinutes(4)).until(() -> {
                for (final ConsumerRecord<String, ChangeEvent> record : consumer.poll(Duration.ofMillis(500))) {
                    events.add(record.value().getType() + " " + record.value().getPermissionId());
                }
                return events.size() >= expected;
            });
        }
        return events;
    }

    private static String streamsProperties() {
        return String.join("\n",
                "application.id=permwatch-docker-images",
                "bootstrap.servers=" + KAFKA_IN_NETWORK,
                "schema.registry.url=" + REGISTRY_IN_NETWORK,
                "state.dir=/var/lib/permwatch/streams",
                "replication.factor=1",
                "");
    }

    private static String pollerProperties() {
        return String.join("\n",
                "permwatch.cloudflare.base.url=http://127.0.0.1:9480/client/v4",
                "permwatch.cloudflare.token.env=PERMWATCH_DEMO_TOKEN",
                "permwatch.sources=user",
                "permwatch.source.user.endpoint=user",
                "permwatch.source.user.interval=PT10S",
                "bootstrap.servers=" + KAFKA_IN_NETWORK,
                "schema.registry.url=" + REGISTRY_IN_NETWORK,
                "");
    }

    /**
     * Builds one of the Dockerfiles with the repository root as context, as the compose file does.
     * Only the sources go into the context, so local build output does not slow the transfer.
     */
    private static ImageFromDockerfile image(final Path root, final String dockerfile) {
        final ImageFromDockerfile image = new ImageFromDockerfile()
                .withDockerfilePath("docker/" + dockerfile)
                .withFileFromPath("docker/" + dockerfile, root.resolve("docker").resolve(dockerfile))
                .withFileFromPath("docker/healthcheck.sh", root.resolve("docker/healthcheck.sh"))
                .withFileFromPath("pom.xml", root.resolve("pom.xml"));
        for (final String module : List.of("schemas", "poller", "streams-app", "local-runner")) {
            image.withFileFromPath(module + "/pom.xml", root.resolve(module).resolve("pom.xml"))
                    .withFileFromPath(module + "/src", root.resolve(module).resolve("src"));
        }
        return image;
    }

    /** Returns the repository root: Maven runs this module's tests in {@code local-runner/}. */
    private static Path repositoryRoot() {
        final Path root = Path.of(System.getProperty("user.dir")).toAbsolutePath().getParent();
        assertThat(root.resolve("docker/compose.yaml"))
                .as("docker/compose.yaml in the repository root; run the tests from the local-runner module")
                .satisfies(path -> assertThat(Files.isRegularFile(path)).isTrue());
        return root;
    }
}
