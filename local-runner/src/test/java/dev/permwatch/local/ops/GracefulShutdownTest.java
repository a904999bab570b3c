package dev.permwatch.local.ops;

import dev.permwatch.local.eos.ChildJvm;
import dev.permwatch.local.eos.StreamsInstance;
import dev.permwatch.local.kafka.EmbeddedKafkaBroker;
import dev.permwatch.local.kafka.TopicSetup;
import dev.permwatch.ops.OpsServer;
import dev.permwatch.ops.OpsSettings;
import dev.permwatch.poller.PollerMain;
import dev.permwatch.registry.LocalSchemaRegistry;
import dev.permwatch.streams.StreamsApp;
import okhttp3.mockwebserver.Dispatcher;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Stops the real poller and streams app with SIGTERM, as an orchestrator does, while a poll is in
 * flight and a Kafka Streams transaction is open. The poll must finish, the transaction must be
 * committed and both processes must exit with the documented status.
 */
class GracefulShutdownTest {

    private static final String ACCOUNT = "0123456789abcdef0123456789abcdef";
    private static final String APPLICATION_ID = "permwatch-shutdown-test";
    private static final Duration GENEROUS = Duration.ofSeconds(90);
    /** Longer than the test, so the transaction opened by the first snapshot is open at SIGTERM. */
    private static final String COMMIT_INTERVAL_MS = "120000";
    /** Kafka Streams rejects a transaction timeout below the commit interval. */
    private static final String TRANSACTION_TIMEOUT_MS = "180000";
    /** Shorter than the poller's 10 s grace, so the in-flight poll completes during the stop. */
    private static final long SLOW_RESPONSE_SECONDS = 4;
    private static final String LIST = "{\"success\":true,\"errors\":[],\"messages\":[],\"result\":["
            + "{\"id\":\"c8fed203ed3043cba015a93ad1616f1f\",\"name\":\"Zone Read\",\"scopes\":[\"com.cloudflare.api.account.zone\"]}]}";

    /** Kept after a failure, so the logs of the child JVMs can be read. */
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path workDir;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void sigtermCompletesPollAndCommits() throws Exception {
        try (EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(workDir.resolve("kafka"), 0);
             LocalSchemaRegistry registry = new LocalSchemaRegistry(workDir.resolve("schema-registry"), 0);
             MockWebServer api = new MockWebServer()) {
            broker.start();
            try (Admin admin = admin(broker)) {
                new TopicSetup(admin, 1, (short) 1).createMissing();
            }
            final CountDownLatch slowPollStarted = new CountDownLatch(1);
            api.setDispatcher(new Dispatcher() {
                @Override
                public MockResponse dispatch(final RecordedRequest request) {
                    final MockResponse response = new MockResponse().setHeader("Content-Type", "application/json")
                            .setBody(LIST);
                    if (request.getPath().startsWith("/client/v4/accounts/")) {
                        slowPollStarted.countDown();
                        response.setHeadersDelay(SLOW_RESPONSE_SECONDS, TimeUnit.SECONDS);
                    }
                    return response;
                }
            });
            api.start(InetAddress.getByName("127.0.0.1"), 0);

            // Step 1: start the streams app and wait until it is ready.
            final int streamsPort = freePort();
            final StreamsInstance streams = new StreamsInstance("streams-1", workDir.resolve("streams-1"),
                    new StreamsInstance.Settings(broker.bootstrapServers(), registry.url(), APPLICATION_ID,
                            Duration.ofSeconds(10), 0, Map.of("commit.interval.ms", COMMIT_INTERVAL_MS,
                            "producer.transaction.timeout.ms", TRANSACTION_TIMEOUT_MS,
                            OpsSettings.PORT, Integer.toString(streamsPort))));
            final int pollerPort = freePort();
            try (streams; ChildJvm poller = ChildJvm.start("poller", PollerMain.class.getName(),
                    List.of(writePollerConfig(broker, registry, api, pollerPort).toString()), Map.of(), 128,
                    workDir.resolve("poller.log"))) {
                streams.start();
                await().atMost(GENEROUS).until(() -> status(streamsPort, OpsServer.READY_PATH) == 200);

                // Step 2: the user poll is diffed inside an open transaction; the account poll hangs.
                await().atMost(GENEROUS).until(() -> status(pollerPort, OpsServer.READY_PATH) == 200);
                await().atMost(GENEROUS).until(() -> scrape(streamsPort)
                        .contains("outcome=\"BASELINE\",source=\"user\"} 1.0"));
                assertThat(slowPollStarted.await(GENEROUS.toSeconds(), TimeUnit.SECONDS))
                        .as("account poll started").isTrue();
                assertThat(openTransactions(broker)).as("transactions open before SIGTERM").isNotEmpty();

                // Step 3: SIGTERM the poller; its in-flight poll completes and is diffed.
                final int pollerExit = poller.stop(Duration.ofSeconds(60));
                assertThat(pollerExit).as("poller exit status after SIGTERM").isEqualTo(143);
                await().atMost(GENEROUS).until(() -> scrape(streamsPort)
                        .contains("outcome=\"BASELINE\",source=\"account:" + ACCOUNT + "\"} 1.0"));

                // Step 4: SIGTERM the streams app; closing commits the open transaction.
                final int streamsExit = streams.stop(Duration.ofSeconds(60));
                assertThat(streamsExit).as("streams app exit status after SIGTERM").isEqualTo(143);
            }

            assertThat(openTransactions(broker)).as("transactions open after SIGTERM").isEmpty();
            assertThat(committedRecords(broker, TopicSetup.DEFAULT_DIFF_REPORTS_TOPIC, 2))
                    .as("committed diff reports").hasSize(2);
        }
    }

    @Test
    void streamsReadinessFollowsStartAndClose() throws Exception {
        try (EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(workDir.resolve("kafka"), 0);
             LocalSchemaRegistry registry = new LocalSchemaRegistry(workDir.resolve("schema-registry"), 0)) {
            broker.start();
            try (Admin admin = admin(broker)) {
                new TopicSetup(admin, 1, (short) 1).createMissing();
            }
            final Properties props = new Properties();
            props.put("bootstrap.servers", broker.bootstrapServers());
            props.put("schema.registry.url", registry.url());
            props.put("application.id", "permwatch-readiness-test");
            props.put("state.dir", workDir.resolve("state").toString());
            props.put("replication.factor", "1");
            props.put(OpsSettings.PORT, "0");
            props.put(OpsSettings.BIND_ADDRESS, "127.0.0.1");

            final StreamsApp app = new StreamsApp(props);
            try (OpsServer ops = OpsServer.start(app.opsSettings(), app.meterRegistry(), app.liveness(),
                    app.readiness())) {
                assertThat(status(ops.port(), OpsServer.READY_PATH)).as("ready before start").isEqualTo(503);
                assertThat(status(ops.port(), OpsServer.LIVE_PATH)).as("live before start").isEqualTo(200);

                app.start();
                assertThat(app.awaitRunning(GENEROUS)).as("reached RUNNING").isTrue();
                await().atMost(GENEROUS).until(() -> status(ops.port(), OpsServer.READY_PATH) == 200);
                assertThat(scrape(ops.port())).contains("kafka_stream_");

                app.close();
                assertThat(status(ops.port(), OpsServer.READY_PATH)).as("ready after close").isEqualTo(503);
                assertThat(status(ops.port(), OpsServer.LIVE_PATH)).as("live after close").isEqualTo(503);
            } finally {
                app.close();
            }
        }
    }

    private Path writePollerConfig(final EmbeddedKafkaBroker broker, final LocalSchemaRegistry registry,
                                   final MockWebServer api, final int opsPort) throws IOException {
        final Path tokenFile = workDir.resolve("token");
        Files.writeString(tokenFile, "shutdown-test-token");
        final Properties props = new Properties();
        props.put("permwatch.cloudflare.base.url", "http://127.0.0.1:" + api.getPort() + "/client/v4");
        props.put("permwatch.cloudflare.token.file", tokenFile.toString());
        props.put("permwatch.sources", "user,main");
        props.put("permwatch.source.user.endpoint", "user");
        props.put("permwatch.source.user.interval", "1h");
        props.put("permwatch.source.main.endpoint", "account");
        props.put("permwatch.source.main.account.id", ACCOUNT);
        props.put("permwatch.source.main.interval", "1h");
        props.put(OpsSettings.PORT, Integer.toString(opsPort));
        props.put(OpsSettings.BIND_ADDRESS, "127.0.0.1");
        props.put("bootstrap.servers", broker.bootstrapServers());
        props.put("schema.registry.url", registry.url());
        final Path file = workDir.resolve("poller.properties");
        try (OutputStream out = Files.newOutputStream(file)) {
            props.store(out, "poller for the shutdown test");
        }
        return file;
    }

    /** Returns the transactions of the streams app that are neither committed nor aborted. */
    private static List<TransactionListing> openTransactions(final EmbeddedKafkaBroker broker) throws Exception {
        try (Admin admin = admin(broker)) {
            final Collection<TransactionListing> listings = admin.listTransactions().all().get(30, TimeUnit.SECONDS);
            final List<TransactionListing> open = new ArrayList<>();
            for (final TransactionListing listing : listings) {
                final TransactionState state = listing.state();
                final boolean finished = state == TransactionState.EMPTY || state == TransactionState.COMPLETE_COMMIT
                        || state == TransactionState.COMPLETE_ABORT;
                if (listing.transactionalId().startsWith(APPLICATION_ID) && !finished) {
                    open.add(listing);
                }
            }
            return open;
        }
    }

    private static List<ConsumerRecord<byte[], byte[]>> committedRecords(final EmbeddedKafkaBroker broker,
                                                                         final String topic, final int expected) {
        final Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        final List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            final List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(info -> new TopicPartition(topic, info.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            final long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (records.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(500)).forEach(records::add);
            }
            // One more poll shows a record beyond the expected ones, if any was committed.
            consumer.poll(Duration.ofSeconds(1)).forEach(records::add);
        }
        return records;
    }

    private static Admin admin(final EmbeddedKafkaBroker broker) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()));
    }

    private int status(final int port, final String path) {
        try {
            return get(port, path).statusCode();
        } catch (final IOException e) {
            return -1;
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private String scrape(final int port) throws IOException, InterruptedException {
        return get(port, OpsServer.METRICS_PATH).body();
    }

    private HttpResponse<String> get(final int port, final String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Returns a loopback port that was free a moment ago; another process could take it in between. */
    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return socket.getLocalPort();
        }
    }
}
