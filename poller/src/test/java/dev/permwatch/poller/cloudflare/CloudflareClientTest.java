package dev.permwatch.poller.cloudflare;

import dev.permwatch.avro.PollMetadata;
import dev.permwatch.poller.LogCapture;
import dev.permwatch.poller.PollFailure;
import dev.permwatch.poller.PollFailure.Reason;
import dev.permwatch.poller.config.PollerConfig;
import dev.permwatch.poller.config.Token;
import dev.permwatch.schemas.Sources;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import okhttp3.mockwebserver.SocketPolicy;
import okio.Buffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class CloudflareClientTest {

    private static final String TOKEN = "cfTokenSecret0123456789abcdefXYZ";
    private static final String ACCOUNT = "0123456789abcdef0123456789abcdef";
    private static final Instant NOW = Instant.parse("2026-01-22T10:15:30.123Z");
    private static final String LIST = "{\"success\":true,\"errors\":[],\"messages\":[],\"result\":["
            + "{\"id\":\"c8fed203ed3043cba015a93ad1616f1f\",\"name\":\"Zone Read\",\"scopes\":[\"com.cloudflare.api.account.zone\"]},"
            + "{\"id\":\"82e64a83756745bbbb1c9c2701bf816b\",\"name\":\"DNS Read\",\"description\":\"Grants read access to DNS\\n\"}]}";

    private final List<String> failureMessages = new ArrayList<>();
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
        assertThat(failureMessages).allSatisfy(message -> assertThat(message).doesNotContain(TOKEN));
        assertThat(logs.text()).doesNotContain(TOKEN);
    }

    private URI baseUrl() {
        return server.url("/client/v4").uri();
    }

    private CloudflareClient client(final URI baseUrl, final Duration requestTimeout, final long maxBodyBytes) {
        final Properties props = new Properties();
        props.setProperty("permwatch.cloudflare.base.url", baseUrl.toString());
        props.setProperty("permwatch.sources", "user");
        props.setProperty("permwatch.source.user.endpoint", "user");
        props.setProperty("permwatch.source.user.interval", "1h");
        props.setProperty("permwatch.http.connect.timeout.ms", "2000");
        props.setProperty("permwatch.http.request.timeout.ms", Long.toString(requestTimeout.toMillis()));
        props.setProperty("permwatch.http.max.body.bytes", Long.toString(maxBodyBytes));
        props.setProperty("bootstrap.servers", "127.0.0.1:9092");
        final PollerConfig config = PollerConfig.fromProperties(props, Map.of("CLOUDFLARE_API_TOKEN", TOKEN, "HOSTNAME", "poller-test"));
        return new CloudflareClient(config.baseUrl(), config.token(), config.connectTimeout(), config.requestTimeout(),
                config.maxBodyBytes(), config.pollerHost(), Clock.fixed(NOW, ZoneOffset.UTC));
    }

    private CloudflareClient client() {
        return client(baseUrl(), Duration.ofSeconds(10), 1024 * 1024);
    }

    private static MockResponse json(final int status, final String body) {
        return new MockResponse().setResponseCode(status).setHeader("Content-Type", "application/json; charset=utf-8").setBody(body);
    }

    private PollFailure failure(final FetchResult result) {
        assertThat(result).isInstanceOf(FetchResult.Failed.class);
        final PollFailure failure = ((FetchResult.Failed) result).failure();
        failureMessages.add(failure.message());
        failureMessages.add(failure.describe());
        return failure;
    }

    @Test
    void acceptedListCarriesMetadata() throws InterruptedException {
        server.enqueue(json(200, LIST).setHeader("cf-ray", "8f1e2d3c4b5a6978-FRA"));

        final FetchResult result = client().fetch(Sources.user());

        assertThat(result).isInstanceOf(FetchResult.Accepted.class);
        final FetchResult.Accepted accepted = (FetchResult.Accepted) result;
        assertThat(accepted.groups()).hasSize(2);
        assertThat(accepted.receivedAt()).isEqualTo(NOW);
        final PollMetadata metadata = accepted.metadata();
        assertThat(metadata.getOrigin()).isEqualTo(baseUrl() + "/user/tokens/permission_groups");
        assertThat(metadata.getHttpStatus()).isEqualTo(200);
        assertThat(metadata.getCfRay()).isEqualTo("8f1e2d3c4b5a6978-FRA");
        assertThat(metadata.getResponseBytes()).isEqualTo(LIST.length());
        assertThat(metadata.getLatencyMillis()).isNotNegative();
        assertThat(metadata.getPollerHost()).isEqualTo("poller-test");

        final RecordedRequest request = server.takeRequest(5, TimeUnit.SECONDS);
        assertThat(request).isNotNull();
        assertThat(request.getMethod()).isEqualTo("GET");
        assertThat(request.getPath()).isEqualTo("/client/v4/user/tokens/permission_groups");
        assertThat(request.getHeader("Authorization")).isEqualTo("Bearer " + TOKEN);
        assertThat(request.getHeader("Accept")).isEqualTo("application/json");
        assertThat(request.getHeader("User-Agent")).startsWith("permwatch/");
    }

    @Test
    void accountSourceUsesAccountPath() throws InterruptedException {
        server.enqueue(json(200, LIST));

        final FetchResult result = client().fetch(Sources.account(ACCOUNT));

        assertThat(result).isInstanceOf(FetchResult.Accepted.class);
        final RecordedRequest request = server.takeRequest(5, TimeUnit.SECONDS);
        assertThat(request).isNotNull();
        assertThat(request.getPath()).isEqualTo("/client/v4/accounts/" + ACCOUNT + "/tokens/permission_groups");
    }

    @Test
    void serverErrorIsFailure() {
        server.enqueue(json(503, "{\"success\":false,\"errors\":[{\"code\":10000,\"message\":\"Service unavailable\"}]}"));

        final PollFailure failure = failure(client().fetch(Sources.user()));

        assertThat(failure.reason()).isEqualTo(Reason.HTTP_STATUS);
        assertThat(failure.httpStatus()).isEqualTo(503);
        assertThat(failure.cloudflareErrors()).containsExactly(new CloudflareError(10000, "Service unavailable"));
        assertThat(failure.message()).contains("HTTP 503");
    }

    @Test
    void rateLimitIsFailureWithRetryAfter() {
        server.enqueue(json(429, "{\"success\":false,\"errors\":[{\"code\":971,\"message\":\"Please wait and consider throttling your request speed\"}]}")
                .setHeader("retry-after", "120"));

        final PollFailure failure = failure(client().fetch(Sources.user()));

        assertThat(failure.reason()).isEqualTo(Reason.RATE_LIMITED);
        assertThat(failure.httpStatus()).isEqualTo(429);
        assertThat(failure.retryAfter()).isEqualTo(Duration.ofSeconds(120));
        assertThat(failure.cloudflareErrors()).extracting(CloudflareError::code).containsExactly(971);
    }

    @Test
    void rateLimitDefaultsToFiveMinutes() {
        server.enqueue(new MockResponse().setResponseCode(429).setBody("Too many requests"));

        final PollFailure failure = failure(client().fetch(Sources.user()));

        assertThat(failure.reason()).isEqualTo(Reason.RATE_LIMITED);
        assertThat(failure.retryAfter()).isEqualTo(Duration.ofMinutes(5));
        assertThat(failure.cloudflareErrors()).isEmpty();
    }

    @Test
    void unauthorizedEnvelopeIsApiError() {
        server.enqueue(json(200, "{\"success\":false,\"errors\":[{\"code\":9109,\"message\":\"Unauthorized to access requested resource\"}],"
                + "\"messages\":[],\"result\":null}"));

        final PollFailure failure = failure(client().fetch(Sources.user()));

        assertThat(failure.reason()).isEqualTo(Reason.API_ERROR);
        assertThat(failure.httpStatus()).isEqualTo(200);
        assertThat(failure.cloudflareErrors()).containsExactly(new CloudflareError(9109, "Unauthorized to access requested resource"));
    }

    @Test
    void forbiddenStatusIsFailure() {
        server.enqueue(json(403, "{\"success\":false,\"errors\":[{\"code\":9109,\"message\":\"Unauthorized to access requested resource\"}],\"result\":null}"));

        final PollFailure failure = failure(client().fetch(Sources.user()));

        assertThat(failure.reason()).isEqualTo(Reason.HTTP_STATUS);
        assertThat(failure.httpStatus()).isEqualTo(403);
        assertThat(failure.cloudflareErrors()).extracting(CloudflareError::code).containsExactly(9109);
        assertThat(failure.message()).contains("API token");
    }

    @Test
    void nonJsonBodyIsInvalidResponse() {
        server.enqueue(json(200, "<html>maintenance</html>"));

        final PollFailure failure = failure(client().fetch(Sources.user()));

        assertThat(failure.reason()).isEqualTo(Reason.INVALID_RESPONSE);
        assertThat(failure.message()).contains("not valid JSON");
    }

    @Test
    void truncatedBodyIsInvalidResponse() {
        server.enqueue(json(200, LIST.substring(0, LIST.length() / 2)));

        final PollFailure failure = failure(client().fetch(Sources.user()));

        assertThat(failure.reason()).isEqualTo(Reason.INVALID_RESPONSE);
        assertThat(failure.message()).contains("truncated");
    }

    @Test
    void wrongContentTypeIsFailure() {
        server.enqueue(new MockResponse().setResponseCode(200).setHeader("Content-Type", "text/html").setBody(LIST));

        final PollFailure failure = failure(client().fetch(Sources.user()));

        assertThat(failure.reason()).isEqualTo(Reason.UNEXPECTED_CONTENT_TYPE);
        assertThat(failure.message()).contains("'text/html'");
    }

    @Test
    void bodyOverCapIsFailure() {
        server.enqueue(json(200, LIST + " ".repeat(4096)));

        final PollFailure failure = failure(client(baseUrl(), Duration.ofSeconds(10), 1024).fetch(Sources.user()));

        assertThat(failure.reason()).isEqualTo(Reason.BODY_TOO_LARGE);
        assertThat(failure.message()).contains("1024");
    }

    @Test
    void chunkedBodyOverCapIsFailure() {
        final Buffer body = new Buffer().writeUtf8(LIST + " ".repeat(8192));
        server.enqueue(new MockResponse().setResponseCode(200).setHeader("Content-Type", "application/json")
                .setChunkedBody(body, 512));

        final PollFailure failure = failure(client(baseUrl(), Duration.ofSeconds(10), 1024).fetch(Sources.user()));

        assertThat(failure.reason()).isEqualTo(Reason.BODY_TOO_LARGE);
    }

    @Test
    void stalledBodyIsTimeout() {
        server.enqueue(json(200, LIST).throttleBody(16, 1, TimeUnit.SECONDS));

        final PollFailure failure = failure(client(baseUrl(), Duration.ofMillis(800), 1024 * 1024).fetch(Sources.user()));

        assertThat(failure.reason()).isEqualTo(Reason.TIMEOUT);
        assertThat(failure.message()).contains("800 ms");
    }

    @Test
    void missingResponseIsTimeout() {
        server.enqueue(new MockResponse().setSocketPolicy(SocketPolicy.NO_RESPONSE));

        final PollFailure failure = failure(client(baseUrl(), Duration.ofMillis(800), 1024 * 1024).fetch(Sources.user()));

        assertThat(failure.reason()).isEqualTo(Reason.TIMEOUT);
    }

    @Test
    void earlyDisconnectIsConnectionFailure() {
        // The JDK client retries an idempotent GET once on a fresh connection.
        server.enqueue(new MockResponse().setSocketPolicy(SocketPolicy.DISCONNECT_AFTER_REQUEST));
        server.enqueue(new MockResponse().setSocketPolicy(SocketPolicy.DISCONNECT_AFTER_REQUEST));

        final PollFailure failure = failure(client().fetch(Sources.user()));

        assertThat(failure.reason()).isEqualTo(Reason.CONNECTION_FAILED);
        assertThat(failure.httpStatus()).isNull();
        assertThat(server.getRequestCount()).isBetween(1, 2);
    }

    @Test
    void disconnectDuringBodyIsFailure() {
        server.enqueue(json(200, LIST).setSocketPolicy(SocketPolicy.DISCONNECT_DURING_RESPONSE_BODY));

        final PollFailure failure = failure(client().fetch(Sources.user()));

        assertThat(failure.reason()).isEqualTo(Reason.CONNECTION_FAILED);
    }

    @Test
    void refusedConnectionIsFailure() throws IOException {
        final int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            closedPort = socket.getLocalPort();
        }

        final PollFailure failure = failure(client(URI.create("http://127.0.0.1:" + closedPort + "/client/v4"),
                Duration.ofSeconds(5), 1024).fetch(Sources.user()));

        assertThat(failure.reason()).isEqualTo(Reason.CONNECTION_FAILED);
        assertThat(failure.message()).contains("127.0.0.1:" + closedPort);
    }

    @Test
    void tlsToPlainServerIsTlsFailure() throws Exception {
        try (PlainTextServer plain = PlainTextServer.start()) {
            final URI https = URI.create("https://127.0.0.1:" + plain.port() + "/client/v4");

            final PollFailure failure = failure(client(https, Duration.ofSeconds(5), 1024 * 1024).fetch(Sources.user()));

            assertThat(failure.reason()).isEqualTo(Reason.TLS_FAILED);
            assertThat(failure.message()).contains("127.0.0.1");
        }
    }

    @Test
    void redirectIsNotFollowed() {
        server.enqueue(new MockResponse().setResponseCode(301).setHeader("Location", server.url("/elsewhere")));

        final PollFailure failure = failure(client().fetch(Sources.user()));

        assertThat(failure.reason()).isEqualTo(Reason.HTTP_STATUS);
        assertThat(failure.httpStatus()).isEqualTo(301);
        assertThat(server.getRequestCount()).isEqualTo(1);
    }

    @Test
    void tokenIsAbsentFromToString() {
        final Token token = PollerConfig.fromProperties(props(), Map.of("CLOUDFLARE_API_TOKEN", TOKEN)).token();

        assertThat(token.toString()).doesNotContain(TOKEN);
        assertThat(String.valueOf(token)).isEqualTo("****");
    }

    private static Properties props() {
        final Properties props = new Properties();
        props.setProperty("permwatch.sources", "user");
        props.setProperty("permwatch.source.user.endpoint", "user");
        props.setProperty("permwatch.source.user.interval", "1h");
        props.setProperty("bootstrap.servers", "127.0.0.1:9092");
        return props;
    }
}
