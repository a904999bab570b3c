package dev.permwatch.local.recovery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.permwatch.avro.ChangeEvent;
import dev.permwatch.local.cli.PermwatchCli;
import dev.permwatch.local.eos.ChildJvm;
import dev.permwatch.local.kafka.TopicSetup;
import dev.permwatch.local.live.LocalModeOptions;
import dev.permwatch.local.stack.StreamsPropertiesFile;
import dev.permwatch.serde.AvroDeserializer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Runs {@code permwatch local} with the demo series in its own JVM, kills it with SIGKILL once
 * change events exist, starts it again on the same data folder, and then decodes every record of
 * every permwatch topic with the restarted Schema Registry.
 *
 * <p>The test reads the broker and registry addresses of each run from the
 * {@code streams.properties} file that local mode writes into its data folder. SIGKILL leaves
 * the file of the first run behind, so the test deletes it before the restart and waits for the
 * second run to write its own.
 */
class LocalModeKillRestartTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int HEAP_MEGABYTES = 512;

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void killedLocalModeKeepsRecordsDecodable() throws Exception {
        assumeTrue(System.getenv(LocalModeOptions.TOKEN_ENV) == null,
                "Unset " + LocalModeOptions.TOKEN_ENV + ": with it, local mode polls the live API instead of the demo series");
        final Path dataDir = dir.resolve("data");
        final Path log = dir.resolve("local.log");
        final List<String> args = List.of("local", "--data-dir", dataDir.toString(), "--interval", "10s");

        final Map<String, Integer> idsBeforeKill;
        final int eventsBeforeKill;
        try (ChildJvm first = startLocalMode(args, log)) {
            final Properties settings = awaitStreamsProperties(dataDir, first);
            await("first change event of the demo series").atMost(Duration.ofSeconds(40))
                    .until(() -> changeEvents(settings).size() >= 1);
            idsBeforeKill = schemaIds(settings.getProperty("schema.registry.url"));
            eventsBeforeKill = changeEvents(settings).size();
            assertThat(first.kill()).isEqualTo(ChildJvm.KILLED_EXIT_CODE);
        }
        assertThat(StreamsPropertiesFile.path(dataDir)).as("file left behind by the killed run").exists();
        Files.delete(StreamsPropertiesFile.path(dataDir));

        try (ChildJvm second = startLocalMode(args, log)) {
            final Properties settings = awaitStreamsProperties(dataDir, second);
            await("change event written after the restart").atMost(Duration.ofSeconds(40))
                    .until(() -> changeEvents(settings).size() > eventsBeforeKill);

            final Map<String, Integer> idsAfterRestart = schemaIds(settings.getProperty("schema.registry.url"));
            assertThat(idsAfterRestart).as("schema ids by subject and version after the restart")
                    .containsAllEntriesOf(idsBeforeKill);

            final List<String> topics = permwatchTopics(settings);
            assertThat(topics).contains(TopicSetup.DEFAULT_SNAPSHOTS_TOPIC, TopicSetup.DEFAULT_CHANGES_TOPIC);
            for (final String isolationLevel : List.of("read_committed", "read_uncommitted")) {
                final DecodeResult result = decodeAll(settings, topics, isolationLevel);
                assertThat(result.failures()).as("records that failed to decode with %s", isolationLevel).isEmpty();
                assertThat(result.decodedByTopic().get(TopicSetup.DEFAULT_SNAPSHOTS_TOPIC))
                        .as("snapshots read with %s", isolationLevel).isGreaterThanOrEqualTo(3);
                assertThat(result.decodedByTopic().get(TopicSetup.DEFAULT_DEAD_LETTER_TOPIC))
                        .as("dead letters read with %s", isolationLevel).isZero();
            }
            second.stop(Duration.ofSeconds(60));
        }
    }

    private static ChildJvm startLocalMode(final List<String> args, final Path log) {
        return ChildJvm.start("permwatch-local", PermwatchCli.class.getName(), args, Map.of(), HEAP_MEGABYTES, log);
    }

    /** Waits until local mode has written {@code streams.properties} and returns its settings. */
    private static Properties awaitStreamsProperties(final Path dataDir, final ChildJvm child) throws IOException {
        final Path file = StreamsPropertiesFile.path(dataDir);
        await("streams.properties of " + child.name()).atMost(Duration.ofSeconds(90))
                .failFast("local mode exited", () -> !child.isAlive())
                .until(() -> Files.isRegularFile(file) && Files.size(file) > 0);
        final Properties settings = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            settings.load(in);
        }
        return settings;
    }

    private static List<ChangeEvent> changeEvents(final Properties settings) {
        return CommittedRecords.values(settings.getProperty("bootstrap.servers"), serdeConfig(settings),
                TopicSetup.DEFAULT_CHANGES_TOPIC);
    }

    private static Map<String, String> serdeConfig(final Properties settings) {
        return Map.of("schema.registry.url", settings.getProperty("schema.registry.url"),
                "specific.avro.reader", "true");
    }

    /** Returns the schema id of every subject version, keyed {@code <subject>/<version>}, through the REST API. */
    private Map<String, Integer> schemaIds(final String registryUrl) throws IOException, InterruptedException {
        final Map<String, Integer> ids = new TreeMap<>();
        for (final JsonNode subject : getJson(registryUrl + "/subjects")) {
            final String encoded = URLEncoder.encode(subject.asText(), StandardCharsets.UTF_8);
            for (final JsonNode version : getJson(registryUrl + "/subjects/" + encoded + "/versions")) {
                final JsonNode entry = getJson(registryUrl + "/subjects/" + encoded + "/versions/" + version.asInt());
                ids.put(subject.asText() + "/" + version.asInt(), entry.get("id").asInt());
            }
        }
        assertThat(ids).as("registered subject versions").isNotEmpty();
        return ids;
    }

    private JsonNode getJson(final String url) throws IOException, InterruptedException {
        final HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("HTTP status of GET %s: %s", url, response.body()).isEqualTo(200);
        return MAPPER.readTree(response.body());
    }

    /** Returns the permwatch topics and the streams app's internal topics, whose names start with "permwatch". */
    private static List<String> permwatchTopics(final Properties settings)
            throws ExecutionException, InterruptedException {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                settings.getProperty("bootstrap.servers")))) {
            return admin.listTopics(new ListTopicsOptions().listInternal(false)).names().get().stream()
                    .filter(name -> name.startsWith("permwatch"))
                    .sorted()
                    .toList();
        }
    }

    /**
     * Reads every record of {@code topics} with raw bytes and decodes each key as a string and each
     * value with the registry, so one bad record is reported with its place instead of stopping the read.
     */
    private static DecodeResult decodeAll(final Properties settings, final List<String> topics,
                                          final String isolationLevel) {
        final Map<String, Object> props = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.getProperty("bootstrap.servers"),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolationLevel,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        final AvroDeserializer<Object> values = new AvroDeserializer<>();
        values.configure(serdeConfig(settings), false);
        final StringDeserializer keys = new StringDeserializer();
        final Map<String, Integer> decodedByTopic = new TreeMap<>();
        topics.forEach(topic -> decodedByTopic.put(topic, 0));
        final List<String> failures = new ArrayList<>();

        try (values; KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            final List<TopicPartition> partitions = new ArrayList<>();
            topics.forEach(topic -> consumer.partitionsFor(topic)
                    .forEach(info -> partitions.add(new TopicPartition(topic, info.partition()))));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            final Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                for (final ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    try {
                        keys.deserialize(record.topic(), record.key());
                        values.deserialize(record.topic(), record.value());
                        decodedByTopic.merge(record.topic(), 1, Integer::sum);
                    } catch (final RuntimeException e) {
                        failures.add(record.topic() + "-" + record.partition() + "@" + record.offset()
                                + " schema id " + schemaId(record.value()) + ": " + e.getMessage());
                    }
                }
                return partitions.stream().allMatch(partition -> consumer.position(partition) >= end.get(partition));
            });
        }
        return new DecodeResult(decodedByTopic, failures);
    }

    private static String schemaId(final byte[] value) {
        if (value == null || value.length < 5) {
            return "none";
        }
        return Integer.toString(ByteBuffer.wrap(value, 1, 4).getInt());
    }

    /**
     * Outcome of {@link #decodeAll}.
     *
     * @param decodedByTopic records decoded per topic, tombstones included
     * @param failures       one line per record that failed, with topic, partition, offset and error
     */
    private record DecodeResult(Map<String, Integer> decodedByTopic, List<String> failures) {
    }
}
