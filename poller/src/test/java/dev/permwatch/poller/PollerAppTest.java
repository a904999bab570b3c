package dev.permwatch.poller;

import dev.permwatch.avro.Snapshot;
import dev.permwatch.poller.PollFailure.Reason;
import dev.permwatch.poller.config.PollerConfig;
import dev.permwatch.avro.PollOutcome;
import dev.permwatch.avro.PollStatus;
import dev.permwatch.poller.publish.RecordPublisher;
import dev.permwatch.poller.publish.TestRecordSerializer;
import okhttp3.mockwebserver.Dispatcher;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class PollerAppTest {

    private static final String TOKEN = "pollerAppTokenSecret0123456789ab";
    private static final String ACCOUNT = "0123456789abcdef0123456789abcdef";
    private static final Duration GENEROUS = Duration.ofSeconds(20);
    private static final String USER_LIST = "{\"success\":true,\"errors\":[],\"messages\":[],\"result\":["
            + "{\"id\":\"c8fed203ed3043cba015a93ad1616f1f\",\"name\":\"Zone Read\",\"scopes\":[\"com.cloudflare.api.account.zone\"]},"
            + "{\"id\":\"82e64a83756745bbbb1c9c2701bf816b\",\"name\":\"API Tokens Write\",\"scopes\":[\"com.cloudflare.api.user\"]}]}";
    private static final String ACCOUNT_LIST = "{\"success\":true,\"errors\":[],\"messages\":[],\"result\":["
            + "{\"id\":\"c8fed203ed3043cba015a93ad1616f1f\",\"name\":\"Zone Read\",\"scopes\":[\"com.cloudflare.api.account.zone\"]}]}";
    private static final String UNAUTHORIZED = "{\"success\":false,\"errors\":[{\"code\":9109,"
            + "\"message\":\"Unauthorized to access requested resource\"}],\"messages\":[],\"result\":null}";

    private final List<String> snapshotSources = new CopyOnWriteArrayList<>();
    private final List<Snapshot> snapshots = new CopyOnWriteArrayList<>();
    private final List<PollFailure> failures = new CopyOnWriteArrayList<>();
    private final PollListener listener = new PollListener() {
        @Override
        public void onSnapshot(final String sourceName, final Snapshot snapshot) {
            snapshotSources.add(sourceName);
            snapshots.add(snapshot);
        }

        @Override
        public void onFailure(final String sourceName, final PollFailure failure) {
            failures.add(failure);
        }
    };

    private MockWebServer server;
    private LogCapture logs;

    @BeforeEach
    void startServer() throws IOException {
        server = new MockWebServer();
        server.start(InetAddress.getByName("127.0.0.1"), 0);
        logs = LogCapture.start();
    }

    @AfterEach
    void stopServer() throws IOException {
        logs.close();
        server.shutdown();
        assertThat(logs.text()).doesNotContain(TOKEN);
        assertThat(failures).allSatisfy(failure -> assertThat(failure.describe()).doesNotContain(TOKEN));
    }

    private PollerConfig config() {
        final Properties props = new Properties();
        props.setProperty("permwatch.cloudflare.base.url", "http://127.0.0.1:" + server.getPort() + "/client/v4");
        props.setProperty("permwatch.sources", "user,main");
        props.setProperty("permwatch.source.user.endpoint", "user");
        props.setProperty("permwatch.source.user.interval", "1h");
        props.setProperty("permwatch.source.main.endpoint", "account");
        props.setProperty("permwatch.source.main.account.id", ACCOUNT);
        props.setProperty("permwatch.source.main.cron", "0 0 0 1 1 ? 2099");
        props.setProperty("permwatch.topic.snapshots", "test.snapshots");
        props.setProperty("permwatch.topic.poll-status", "test.poll-status");
        props.setProperty("permwatch.topic.alerts", "test.alerts");
        props.setProperty("bootstrap.servers", "127.0.0.1:9092");
        return PollerConfig.fromProperties(props, Map.of("CLOUDFLARE_API_TOKEN", TOKEN));
    }

    private static MockProducer<String, SpecificRecord> producer() {
        return new MockProducer<>(true, null, new StringSerializer(), new TestRecordSerializer());
    }

    private static List<ProducerRecord<String, SpecificRecord>> records(
            final MockProducer<String, SpecificRecord> producer, final String topic) {
        return producer.history().stream().filter(record -> record.topic().equals(topic)).toList();
    }

    private void serve(final String userBody, final String accountBody) {
        server.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(final RecordedRequest request) {
                final String body = request.getPath().startsWith("/client/v4/user/") ? userBody : accountBody;
                return new MockResponse().setHeader("Content-Type", "application/json").setBody(body);
            }
        });
    }

    @Test
    void bothSourcesWriteSnapshots() {
        serve(USER_LIST, ACCOUNT_LIST);
        final MockProducer<String, SpecificRecord> producer = producer();
        final PollerConfig config = config();

        try (PollerApp app = new PollerApp(config, listener,
                new RecordPublisher(producer, RecordPublisher.Topics.of(config)), Duration.ofMillis(100))) {
            app.start();
            await().atMost(GENEROUS).until(() -> snapshots.size() == 2);
        }

        assertThat(failures).isEmpty();
        assertThat(snapshotSources).containsExactlyInAnyOrder("user", "main");
        final List<ProducerRecord<String, SpecificRecord>> written = records(producer, "test.snapshots");
        assertThat(written).extracting(ProducerRecord::key).containsExactlyInAnyOrder("user", "account:" + ACCOUNT);
        assertThat(records(producer, "test.poll-status")).extracting(record -> ((PollStatus) record.value()).getOutcome())
                .containsExactly(PollOutcome.ACCEPTED, PollOutcome.ACCEPTED);
        for (final ProducerRecord<String, SpecificRecord> record : written) {
            final Snapshot snapshot = (Snapshot) record.value();
            final int expectedGroups = record.key().equals("user") ? 2 : 1;
            assertThat(snapshot.getGroups()).hasSize(expectedGroups);
            assertThat(snapshot.getPoll().getHttpStatus()).isEqualTo(200);
            assertThat(snapshot.getPoll().getOrigin()).startsWith("http://127.0.0.1:" + server.getPort());
        }
        assertThat(producer.closed()).isTrue();
        assertThat(logs.text()).contains("source=user groups=2 snapshot=").contains("source=main groups=1 snapshot=");
    }

    @Test
    void rejectedListIsReportedNotWritten() {
        serve(UNAUTHORIZED, UNAUTHORIZED);
        final MockProducer<String, SpecificRecord> producer = producer();
        final PollerConfig config = config();

        try (PollerApp app = new PollerApp(config, listener,
                new RecordPublisher(producer, RecordPublisher.Topics.of(config)), Duration.ofMillis(100))) {
            app.start();
            await().atMost(GENEROUS).until(() -> failures.size() == 2);
        }

        assertThat(records(producer, "test.snapshots")).isEmpty();
        assertThat(records(producer, "test.poll-status")).extracting(record -> ((PollStatus) record.value()).getOutcome())
                .containsExactly(PollOutcome.FAILED, PollOutcome.FAILED);
        assertThat(snapshots).isEmpty();
        assertThat(failures).extracting(PollFailure::reason).containsOnly(Reason.API_ERROR);
        assertThat(failures.get(0).cloudflareErrors()).extracting(error -> error.code()).containsExactly(9109);
        assertThat(logs.text()).contains("reason=API_ERROR").contains("9109");
    }

    @Test
    void failedSendIsReported() {
        serve(USER_LIST, ACCOUNT_LIST);
        final MockProducer<String, SpecificRecord> producer = producer();
        producer.sendException = new KafkaException("Broker unavailable");
        final PollerConfig config = config();

        try (PollerApp app = new PollerApp(config, listener,
                new RecordPublisher(producer, RecordPublisher.Topics.of(config)), Duration.ofMillis(100))) {
            app.start();
            await().atMost(GENEROUS).until(() -> failures.size() == 2);
        }

        assertThat(snapshots).isEmpty();
        assertThat(failures).extracting(PollFailure::reason).containsOnly(Reason.PUBLISH_FAILED);
        assertThat(failures.get(0).message()).contains("Broker unavailable");
    }

    @Test
    void publicConstructorUsesGivenProducer() {
        serve(USER_LIST, ACCOUNT_LIST);
        final MockProducer<String, SpecificRecord> producer = producer();

        try (PollerApp app = new PollerApp(config(), listener, producer)) {
            app.start();
            await().atMost(GENEROUS).until(() -> snapshots.size() == 2);
        }

        assertThat(records(producer, "test.snapshots")).hasSize(2);
        assertThat(records(producer, "test.poll-status")).hasSize(2);
        assertThat(producer.closed()).isTrue();
    }

    @Test
    void closeIsIdempotent() {
        serve(USER_LIST, ACCOUNT_LIST);
        final MockProducer<String, SpecificRecord> producer = producer();
        final PollerApp app = new PollerApp(config(), PollListener.NONE, producer);

        app.start();
        app.close();
        app.close();

        assertThat(producer.closed()).isTrue();
        assertThat(logs.text()).contains("Poller starting").contains("Poller stopped").doesNotContain(TOKEN);
    }

    @Test
    void defaultProducerIsBuiltFromConfig() throws IOException {
        final int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            closedPort = socket.getLocalPort();
        }
        final Properties props = new Properties();
        props.setProperty("permwatch.cloudflare.base.url", "http://127.0.0.1:" + server.getPort() + "/client/v4");
        props.setProperty("permwatch.sources", "user");
        props.setProperty("permwatch.source.user.endpoint", "user");
        props.setProperty("permwatch.source.user.interval", "1h");
        props.setProperty("bootstrap.servers", "127.0.0.1:" + closedPort);
        props.setProperty("schema.registry.url", "mock://poller-app-test");
        final PollerConfig config = PollerConfig.fromProperties(props, Map.of("CLOUDFLARE_API_TOKEN", TOKEN));

        // Builds a KafkaProducer with dev.permwatch.serde.AvroSerializer; nothing is sent.
        final PollerApp app = new PollerApp(config, PollListener.NONE);
        app.close();

        assertThat(logs.text()).contains("Poller stopped");
    }

    @Test
    void closeIsBoundedWhenBrokerUnreachable() throws Exception {
        final int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            closedPort = socket.getLocalPort();
        }
        serve(USER_LIST, ACCOUNT_LIST);
        final Properties props = new Properties();
        props.setProperty("permwatch.cloudflare.base.url", "http://127.0.0.1:" + server.getPort() + "/client/v4");
        props.setProperty("permwatch.sources", "user");
        props.setProperty("permwatch.source.user.endpoint", "user");
        props.setProperty("permwatch.source.user.interval", "1h");
        props.setProperty("bootstrap.servers", "127.0.0.1:" + closedPort);
        props.setProperty("schema.registry.url", "mock://poller-app-close-test");
        final PollerConfig config = PollerConfig.fromProperties(props, Map.of("CLOUDFLARE_API_TOKEN", TOKEN));
        final PollerApp app = new PollerApp(config, listener);
        app.start();
        // The poll has its list and now blocks in the producer, which waits up to max.block.ms (60 s)
        // for metadata from a broker that is not there.
        await().atMost(GENEROUS).until(() -> server.getRequestCount() >= 1);

        final Thread closer = new Thread(app::close, "poller-close-test");
        closer.start();

        // Before, close waited 60 s per record of the poll; now 10 s for the poll, then it interrupts it.
        await().atMost(Duration.ofSeconds(45)).until(() -> !closer.isAlive());
        assertThat(snapshots).isEmpty();
        assertThat(logs.text()).contains("interrupting it").contains("Poller stopped");
    }
}
