package dev.permwatch.poller;

import dev.permwatch.ops.OpsServer;
import dev.permwatch.ops.OpsSettings;
import dev.permwatch.poller.config.PollerConfig;
import dev.permwatch.poller.publish.RecordPublisher;
import dev.permwatch.poller.publish.TestRecordSerializer;
import okhttp3.mockwebserver.Dispatcher;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class PollerOpsTest {

    private static final String TOKEN = "pollerOpsTokenSecret0123456789abc";
    private static final String ACCOUNT = "0123456789abcdef0123456789abcdef";
    private static final Duration GENEROUS = Duration.ofSeconds(20);
    private static final String USER_LIST = "{\"success\":true,\"errors\":[],\"messages\":[],\"result\":["
            + "{\"id\":\"c8fed203ed3043cba015a93ad1616f1f\",\"name\":\"Zone Read\",\"scopes\":[\"com.cloudflare.api.account.zone\"]},"
            + "{\"id\":\"82e64a83756745bbbb1c9c2701bf816b\",\"name\":\"API Tokens Write\",\"scopes\":[\"com.cloudflare.api.user\"]}]}";
    private static final String UNAUTHORIZED = "{\"success\":false,\"errors\":[{\"code\":9109,"
            + "\"message\":\"Unauthorized to access requested resource\"}],\"messages\":[],\"result\":null}";

    private final HttpClient http = HttpClient.newHttpClient();
    private MockWebServer server;

    @BeforeEach
    void startServer() throws IOException {
        server = new MockWebServer();
        server.start(InetAddress.getByName("127.0.0.1"), 0);
        server.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(final RecordedRequest request) {
                if (request.getPath().startsWith("/client/v4/user/")) {
                    return new MockResponse().setHeader("Content-Type", "application/json").setBody(USER_LIST);
                }
                return new MockResponse().setResponseCode(403).setHeader("Content-Type", "application/json")
                        .setBody(UNAUTHORIZED);
            }
        });
    }

    @AfterEach
    void stopServer() throws IOException {
        server.shutdown();
    }

    private PollerConfig config() {
        final Properties props = new Properties();
        props.setProperty("permwatch.cloudflare.base.url", "http://127.0.0.1:" + server.getPort() + "/client/v4");
        props.setProperty("permwatch.sources", "user,main");
        props.setProperty("permwatch.source.user.endpoint", "user");
        props.setProperty("permwatch.source.user.interval", "1h");
        props.setProperty("permwatch.source.main.endpoint", "account");
        props.setProperty("permwatch.source.main.account.id", ACCOUNT);
        props.setProperty("permwatch.source.main.interval", "1h");
        props.setProperty("permwatch.ops.port", "0");
        props.setProperty("permwatch.ops.bind.address", "127.0.0.1");
        props.setProperty("bootstrap.servers", "127.0.0.1:9092");
        return PollerConfig.fromProperties(props, Map.of("CLOUDFLARE_API_TOKEN", TOKEN));
    }

    private static PollerApp app(final PollerConfig config) {
        final MockProducer<String, SpecificRecord> producer =
                new MockProducer<>(true, null, new StringSerializer(), new TestRecordSerializer());
        return new PollerApp(config, PollListener.NONE,
                new RecordPublisher(producer, RecordPublisher.Topics.of(config)), Duration.ofMillis(100));
    }

    @Test
    void metricsCountPollsBySourceAndCause() throws Exception {
        final PollerConfig config = config();
        try (PollerApp app = app(config);
             OpsServer ops = OpsServer.start(config.ops(), app.meterRegistry(), app.liveness(), app.readiness())) {
            app.start();

            await().atMost(GENEROUS).until(() -> get(ops, "/metrics").body()
                    .contains("reason=\"ACCESS_DENIED\",source=\"main\"} 1.0"));
            await().atMost(GENEROUS).until(() -> get(ops, "/metrics").body()
                    .contains("permwatch_snapshots_written_total{application=\"permwatch-poller\",source=\"user\"} 1.0"));
            final String metrics = get(ops, "/metrics").body();

            assertThat(metrics).contains("permwatch_polls_total{application=\"permwatch-poller\",outcome=\"accepted\","
                    + "reason=\"NONE\",source=\"user\"} 1.0");
            assertThat(metrics).contains("permwatch_polls_total{application=\"permwatch-poller\",outcome=\"failed\","
                    + "reason=\"ACCESS_DENIED\",source=\"main\"} 1.0");
            assertThat(metrics).contains("permwatch_source_groups{application=\"permwatch-poller\",source=\"user\"} 2.0");
            assertThat(metrics).doesNotContain("permwatch_source_groups{application=\"permwatch-poller\",source=\"main\"}");
            assertThat(metrics).contains("permwatch_poll_duration_seconds_count{application=\"permwatch-poller\","
                    + "outcome=\"accepted\",source=\"user\"} 1");
            assertThat(metrics).contains("permwatch_poll_retries_total{application=\"permwatch-poller\",source=\"user\"} 0.0");
            assertThat(metrics).contains("jvm_memory_used_bytes");
            assertThat(metrics).doesNotContain(TOKEN);
            assertThat(metrics).doesNotContain(TOKEN.substring(0, 12));
        }
    }

    @Test
    void readinessFollowsStartAndClose() throws Exception {
        final PollerConfig config = config();
        final PollerApp app = app(config);
        try (OpsServer ops = OpsServer.start(config.ops(), app.meterRegistry(), app.liveness(), app.readiness())) {
            final HttpResponse<String> beforeStart = get(ops, "/health/ready");
            assertThat(beforeStart.statusCode()).isEqualTo(503);
            assertThat(beforeStart.body()).contains("\"scheduler\":{\"status\":\"DOWN\",\"detail\":\"not started\"}");
            assertThat(get(ops, "/health/live").statusCode()).isEqualTo(200);

            app.start();
            await().atMost(GENEROUS).until(() -> get(ops, "/health/ready").statusCode() == 200);
            assertThat(get(ops, "/health/ready").body()).contains("\"producer\":{\"status\":\"UP\"");
            assertThat(get(ops, "/health/live").statusCode()).isEqualTo(200);

            app.close();
            final HttpResponse<String> afterClose = get(ops, "/health/ready");
            assertThat(afterClose.statusCode()).isEqualTo(503);
            assertThat(afterClose.body()).contains("\"scheduler\":{\"status\":\"DOWN\",\"detail\":\"stopped\"}");
            assertThat(get(ops, "/health/live").statusCode()).isEqualTo(503);
        } finally {
            app.close();
        }
    }

    @Test
    void opsKeysAreValidated() {
        final Properties props = new Properties();
        props.setProperty("permwatch.sources", "user");
        props.setProperty("permwatch.source.user.endpoint", "user");
        props.setProperty("permwatch.source.user.interval", "1h");
        props.setProperty("bootstrap.servers", "127.0.0.1:9092");
        props.setProperty(OpsSettings.PORT, "99999");

        assertThatThrownBy(() -> PollerConfig.fromProperties(props, Map.of("CLOUDFLARE_API_TOKEN", TOKEN)))
                .hasMessageContaining("'99999'")
                .hasMessageContaining(OpsSettings.PORT);
    }

    @Test
    void opsDefaultsToPort9400OnAllInterfaces() {
        final Properties props = new Properties();
        props.setProperty("permwatch.sources", "user");
        props.setProperty("permwatch.source.user.endpoint", "user");
        props.setProperty("permwatch.source.user.interval", "1h");
        props.setProperty("bootstrap.servers", "127.0.0.1:9092");

        final PollerConfig config = PollerConfig.fromProperties(props, Map.of("CLOUDFLARE_API_TOKEN", TOKEN));

        assertThat(config.ops()).isEqualTo(new OpsSettings(true, "0.0.0.0", 9400));
    }

    private HttpResponse<String> get(final OpsServer ops, final String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ops.port() + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
