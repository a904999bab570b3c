package dev.permwatch.ops;

import io.micrometer.core.instrument.Counter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OpsServerTest {

    private final HttpClient http = HttpClient.newHttpClient();
    private final AtomicBoolean ready = new AtomicBoolean(false);
    private OpsMeters meters;
    private OpsServer server;

    @BeforeEach
    void startServer() {
        meters = new OpsMeters("permwatch-test");
        final List<HealthCheck> live = List.of(new HealthCheck("jvm", () -> HealthCheck.State.up("running")));
        final List<HealthCheck> readiness = List.of(new HealthCheck("app",
                () -> ready.get() ? HealthCheck.State.up("RUNNING") : HealthCheck.State.down("CREATED")));
        server = OpsServer.start(new OpsSettings(true, "127.0.0.1", 0), meters.registry(), live, readiness);
    }

    @AfterEach
    void stopServer() {
        server.close();
        meters.close();
    }

    @Test
    void metricsUsePrometheusTextFormat() throws Exception {
        Counter.builder("permwatch.test.things").tag("kind", "a").register(meters.registry()).increment(3);

        final HttpResponse<String> response = get("/metrics");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue(OpsServer.PROMETHEUS_CONTENT_TYPE);
        assertThat(response.body()).contains("# TYPE permwatch_test_things_total counter");
        assertThat(response.body())
                .contains("permwatch_test_things_total{application=\"permwatch-test\",kind=\"a\"} 3.0");
        assertThat(response.body()).contains("jvm_memory_used_bytes");
        assertThat(response.body()).contains("process_uptime_seconds");
    }

    @Test
    void readinessFollowsCheck() throws Exception {
        final HttpResponse<String> before = get("/health/ready");
        assertThat(before.statusCode()).isEqualTo(503);
        assertThat(before.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(before.body())
                .contains("\"status\":\"DOWN\"")
                .contains("\"app\":{\"status\":\"DOWN\",\"detail\":\"CREATED\"}");

        ready.set(true);
        final HttpResponse<String> after = get("/health/ready");
        assertThat(after.statusCode()).isEqualTo(200);
        assertThat(after.body()).startsWith("{\"status\":\"UP\"");

        final HttpResponse<String> live = get("/health/live");
        assertThat(live.statusCode()).isEqualTo(200);
        assertThat(live.body()).contains("\"jvm\":{\"status\":\"UP\",\"detail\":\"running\"}");
    }

    @Test
    void failingProbeCountsAsDown() throws Exception {
        server.close();
        server = OpsServer.start(new OpsSettings(true, "127.0.0.1", 0), meters.registry(), List.of(
                new HealthCheck("broken", () -> {
                    throw new IllegalStateException("secret-free failure");
                })), List.of());

        final HttpResponse<String> live = get("/health/live");

        assertThat(live.statusCode()).isEqualTo(503);
        assertThat(live.body()).contains("check failed: IllegalStateException");
    }

    @Test
    void unknownPathIsNotFound() throws Exception {
        assertThat(get("/").statusCode()).isEqualTo(404);
        assertThat(get("/health").statusCode()).isEqualTo(404);
        assertThat(get("/metrics/extra").statusCode()).isEqualTo(404);
    }

    @Test
    void otherMethodIsNotAllowed() throws Exception {
        final HttpResponse<String> post = http.send(HttpRequest.newBuilder(uri("/metrics"))
                .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
        final HttpResponse<String> delete = http.send(HttpRequest.newBuilder(uri("/health/ready"))
                .DELETE().build(), HttpResponse.BodyHandlers.ofString());

        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(post.headers().firstValue("Allow")).hasValue("GET");
        assertThat(delete.statusCode()).isEqualTo(405);
    }

    @Test
    void portInUseNamesKey() {
        final OpsSettings taken = new OpsSettings(true, "127.0.0.1", server.port());

        assertThatThrownBy(() -> OpsServer.start(taken, meters.registry(), List.of(), List.of()))
                .hasMessageContaining("127.0.0.1:" + server.port())
                .hasMessageContaining(OpsSettings.PORT);
    }

    @Test
    void settingsParseDefaultsAndOff() {
        assertThat(OpsSettings.parse(Map.of(), 9400)).isEqualTo(new OpsSettings(true, "0.0.0.0", 9400));
        assertThat(OpsSettings.parse(Map.of(OpsSettings.PORT, "-1"), 9400).enabled()).isFalse();
        assertThat(OpsSettings.parse(Map.of(OpsSettings.ENABLED, "false"), 9400).enabled()).isFalse();
        assertThat(OpsSettings.parse(Map.of(OpsSettings.PORT, "0", OpsSettings.BIND_ADDRESS, "127.0.0.1"), 9400))
                .isEqualTo(new OpsSettings(true, "127.0.0.1", 0));
    }

    @Test
    void settingsRejectInvalidValues() {
        assertThatThrownBy(() -> OpsSettings.parse(Map.of(OpsSettings.PORT, "70000"), 9400))
                .hasMessageContaining("'70000'").hasMessageContaining(OpsSettings.PORT);
        assertThatThrownBy(() -> OpsSettings.parse(Map.of(OpsSettings.PORT, "nine"), 9400))
                .hasMessageContaining("'nine'");
        assertThatThrownBy(() -> OpsSettings.parse(Map.of(OpsSettings.ENABLED, "yes"), 9400))
                .hasMessageContaining(OpsSettings.ENABLED).hasMessageContaining("true or false");
        assertThatThrownBy(() -> OpsSettings.parse(Map.of(OpsSettings.BIND_ADDRESS, " "), 9400))
                .hasMessageContaining(OpsSettings.BIND_ADDRESS);
    }

    private HttpResponse<String> get(final String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(final String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }
}
