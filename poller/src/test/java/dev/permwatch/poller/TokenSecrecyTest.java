package dev.permwatch.poller;

import dev.permwatch.avro.Snapshot;
import dev.permwatch.poller.config.PollerConfig;
import dev.permwatch.poller.config.PollerConfigException;
import dev.permwatch.poller.publish.RecordPublisher;
import dev.permwatch.poller.publish.TestRecordSerializer;
import okhttp3.mockwebserver.Dispatcher;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

/**
 * Runs the poller against a server that echoes the Authorization header into error messages,
 * headers and item ids, and checks that the token reaches no log line, exception message,
 * listener report or produced record.
 */
class TokenSecrecyTest {

    private static final String TOKEN = "leakCheckToken_0123456789ABCDEFxyz";
    private static final String USER_LIST = "{\"success\":true,\"errors\":[],\"messages\":[],\"result\":["
            + "{\"id\":\"c8fed203ed3043cba015a93ad1616f1f\",\"name\":\"Zone Read\"}]}";
    /** Account ids, one per fault; the order is the polling order. */
    private static final List<String> ACCOUNTS = List.of(
            "00000000000000000000000000000001",
            "00000000000000000000000000000002",
            "00000000000000000000000000000003",
            "00000000000000000000000000000004",
            "00000000000000000000000000000005");

    private final List<String> reports = new CopyOnWriteArrayList<>();
    private final List<Snapshot> snapshots = new CopyOnWriteArrayList<>();
    private final PollListener listener = new PollListener() {
        @Override
        public void onSnapshot(final String sourceName, final Snapshot snapshot) {
            snapshots.add(snapshot);
            reports.add(snapshot.toString());
        }

        @Override
        public void onFailure(final String sourceName, final PollFailure failure) {
            reports.add(failure.describe());
            reports.add(failure.toString());
        }
    };

    private static MockResponse json(final int status, final String body) {
        return new MockResponse().setResponseCode(status).setHeader("Content-Type", "application/json").setBody(body);
    }

    /** Returns a different fault for each source, each repeating the request's Authorization header. */
    private static MockResponse echoFault(final RecordedRequest request) {
        final String path = request.getPath();
        final String authorization = request.getHeader("Authorization");
        final String echoed = authorization == null ? "none" : authorization.replace("\"", "");
        if (path.startsWith("/client/v4/user/")) {
            return json(200, USER_LIST);
        }
        if (path.contains(ACCOUNTS.get(0))) {
            return json(200, "{\"success\":false,\"errors\":[{\"code\":9109,\"message\":\"Unauthorized: " + echoed
                    + "\"}],\"messages\":[],\"result\":null}");
        }
        if (path.contains(ACCOUNTS.get(1))) {
            return json(503, "{\"success\":false,\"errors\":[{\"code\":1000,\"message\":\"Upstream saw " + echoed
                    + "\"}],\"result\":null}");
        }
        if (path.contains(ACCOUNTS.get(2))) {
            return json(200, "{\"success\":true,\"errors\":[],\"result\":[{\"id\":\"" + TOKEN
                    + "\",\"name\":\"" + echoed + "\"}]}");
        }
        if (path.contains(ACCOUNTS.get(3))) {
            return new MockResponse().setHeader("Content-Type", "text/html; note=" + TOKEN).setBody(echoed);
        }
        return json(429, "{\"success\":false,\"errors\":[{\"code\":971,\"message\":\"Slow down, " + echoed + "\"}]}")
                .setHeader("retry-after", "600")
                .setHeader("x-ratelimit-limit", "1200")
                .setHeader("x-ratelimit-policy", TOKEN);
    }

    private static Properties props(final int port) {
        final Properties props = new Properties();
        props.setProperty("permwatch.cloudflare.base.url", "http://127.0.0.1:" + port + "/client/v4");
        final List<String> names = new ArrayList<>(List.of("user"));
        props.setProperty("permwatch.source.user.endpoint", "user");
        props.setProperty("permwatch.source.user.interval", "1h");
        for (int i = 0; i < ACCOUNTS.size(); i++) {
            final String name = "account" + i;
            names.add(name);
            props.setProperty("permwatch.source." + name + ".endpoint", "account");
            props.setProperty("permwatch.source." + name + ".account.id", ACCOUNTS.get(i));
            props.setProperty("permwatch.source." + name + ".interval", "1h");
        }
        props.setProperty("permwatch.sources", String.join(",", names));
        props.setProperty("permwatch.retry.max.attempts", "2");
        props.setProperty("permwatch.retry.initial.backoff.ms", "1");
        props.setProperty("permwatch.retry.max.backoff.ms", "1");
        props.setProperty("permwatch.health.failure.threshold", "1");
        props.setProperty("bootstrap.servers", "127.0.0.1:9092");
        return props;
    }

    @Test
    void tokenAppearsNowhere() throws Exception {
        final MockProducer<String, SpecificRecord> producer = new MockProducer<>(true, null, new StringSerializer(),
                new TestRecordSerializer());
        final MockWebServer server = new MockWebServer();
        server.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(final RecordedRequest request) {
                return echoFault(request);
            }
        });
        server.start(InetAddress.getByName("127.0.0.1"), 0);

        try (LogCapture logs = LogCapture.start()) {
            final PollerConfig config = PollerConfig.fromProperties(props(server.getPort()),
                    Map.of("CLOUDFLARE_API_TOKEN", TOKEN));
            try (PollerApp app = new PollerApp(config, listener, new RecordPublisher(producer,
                    RecordPublisher.Topics.of(config)), Duration.ofMillis(100))) {
                app.start();
                await().atMost(Duration.ofSeconds(30)).until(() -> reports.size() == 1 + 2 * ACCOUNTS.size());
            }
            final Throwable configError = catchThrowable(() -> PollerConfig.fromProperties(props(server.getPort()),
                    Map.of("CLOUDFLARE_API_TOKEN", TOKEN + " trailing")));
            server.shutdown();

            // The server did receive the token, so the echoes below really carried it.
            assertThat(server.getRequestCount()).isGreaterThanOrEqualTo(1 + ACCOUNTS.size());
            assertThat(snapshots).hasSize(1);
            assertThat(configError).isInstanceOf(PollerConfigException.class);
            assertThat(configError.getMessage()).doesNotContain(TOKEN);

            assertThat(logs.text()).contains("reason=API_ERROR").contains("reason=HTTP_STATUS")
                    .contains("reason=INVALID_RESPONSE").contains("reason=UNEXPECTED_CONTENT_TYPE")
                    .contains("reason=RATE_LIMITED").contains("****");
            assertThat(logs.text()).doesNotContain(TOKEN);
            assertThat(reports).allSatisfy(report -> assertThat(report).doesNotContain(TOKEN));
            assertThat(producer.history()).hasSizeGreaterThan(1 + 2 * ACCOUNTS.size());
            for (final ProducerRecord<String, SpecificRecord> record : producer.history()) {
                assertThat(record.key()).doesNotContain(TOKEN);
                assertThat(record.value().toString()).doesNotContain(TOKEN);
                final byte[] bytes = new TestRecordSerializer().serialize(record.topic(), record.value());
                assertThat(new String(bytes, StandardCharsets.ISO_8859_1)).doesNotContain(TOKEN);
            }
        }
    }
}
