package dev.permwatch.poller;

import dev.permwatch.avro.Alert;
import dev.permwatch.avro.AlertKind;
import dev.permwatch.avro.AlertSeverity;
import dev.permwatch.avro.PollOutcome;
import dev.permwatch.avro.PollStatus;
import dev.permwatch.avro.Snapshot;
import dev.permwatch.poller.PollFailure.LocalLimit;
import dev.permwatch.poller.PollFailure.Reason;
import dev.permwatch.poller.cloudflare.CloudflareClient;
import dev.permwatch.poller.config.PollerConfig;
import dev.permwatch.poller.config.SourceConfig;
import dev.permwatch.poller.publish.RecordPublisher;
import dev.permwatch.poller.publish.TestRecordSerializer;
import dev.permwatch.poller.ratelimit.RequestBudget;
import dev.permwatch.poller.retry.RetryPolicy;
import dev.permwatch.poller.retry.RetryingFetcher;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.SocketPolicy;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** One poll per fault against a local HTTP server: retries, poll status, health alerts, rate limits. */
class SourcePollerTest {

    private static final String TOKEN = "sourcePollerTokenSecret0123456789";
    private static final String ACCOUNT = "0123456789abcdef0123456789abcdef";
    private static final String ID_1 = "c8fed203ed3043cba015a93ad1616f1f";
    private static final String ID_2 = "82e64a83756745bbbb1c9c2701bf816b";
    private static final String LIST = "{\"success\":true,\"errors\":[],\"messages\":[],\"result\":["
            + "{\"id\":\"" + ID_1 + "\",\"name\":\"Zone Read\"}]}";
    private static final String UNAUTHORIZED = "{\"success\":false,\"errors\":[{\"code\":9109,"
            + "\"message\":\"Unauthorized to access requested resource\"}],\"messages\":[],\"result\":null}";
    private static final String THROTTLED = "{\"success\":false,\"errors\":[{\"code\":971,"
            + "\"message\":\"Please wait and consider throttling your request speed\"}],\"messages\":[],\"result\":null}";

    private final List<PollFailure> failures = new CopyOnWriteArrayList<>();
    private final List<Snapshot> snapshots = new CopyOnWriteArrayList<>();
    private final List<Duration> sleeps = new ArrayList<>();
    private final ManualClock clock = new ManualClock(Instant.parse("2026-01-22T10:00:00Z"));
    private final PollListener recording = new PollListener() {
        @Override
        public void onSnapshot(final String sourceName, final Snapshot snapshot) {
            snapshots.add(snapshot);
        }

        @Override
        public void onFailure(final String sourceName, final PollFailure failure) {
            failures.add(failure);
        }
    };

    private MockWebServer server;
    private MockProducer<String, SpecificRecord> producer;
    private LogCapture logs;

    @BeforeEach
    void startServer() throws IOException {
        server = new MockWebServer();
        server.start(InetAddress.getByName("127.0.0.1"), 0);
        producer = new MockProducer<>(true, null, new StringSerializer(), new TestRecordSerializer());
        logs = LogCapture.start();
    }

    @AfterEach
    void stopServer() throws IOException {
        logs.close();
        server.shutdown();
        assertThat(logs.text()).doesNotContain(TOKEN);
        assertThat(failures).allSatisfy(failure -> assertThat(failure.describe()).doesNotContain(TOKEN));
    }

    /** Builds the pollers of a configuration that share one fetcher, and so one request budget. */
    private List<SourcePoller> pollers(final Map<String, String> extra) {
        final Properties props = new Properties();
        props.setProperty("permwatch.cloudflare.base.url", "http://127.0.0.1:" + server.getPort() + "/client/v4");
        props.setProperty("permwatch.sources", "user,main");
        props.setProperty("permwatch.source.user.endpoint", "user");
        props.setProperty("permwatch.source.user.interval", "1m");
        props.setProperty("permwatch.source.main.endpoint", "account");
        props.setProperty("permwatch.source.main.account.id", ACCOUNT);
        props.setProperty("permwatch.source.main.interval", "1m");
        props.setProperty("permwatch.http.request.timeout.ms", "1000");
        props.setProperty("permwatch.http.max.body.bytes", "4096");
        props.setProperty("bootstrap.servers", "127.0.0.1:9092");
        props.putAll(extra);
        final PollerConfig config = PollerConfig.fromProperties(props, Map.of("CLOUDFLARE_API_TOKEN", TOKEN));

        final CloudflareClient client = new CloudflareClient(config.baseUrl(), config.token(), config.connectTimeout(),
                config.requestTimeout(), config.maxBodyBytes(), null, clock);
        final RequestBudget budget = new RequestBudget(config.rateLimit().requestsPerWindow(),
                config.rateLimit().share(), config.rateLimit().window(), clock);
        final RetryPolicy policy = new RetryPolicy(config.retry().maxAttempts(), config.retry().initialBackoff(),
                config.retry().maxBackoff());
        // The sleeper moves the clock, so waits count in the poll latency without real waiting.
        final RetryingFetcher fetcher = new RetryingFetcher(client, budget, policy, wait -> {
            sleeps.add(wait);
            clock.advance(wait);
        }, () -> 0.5);
        final RecordPublisher publisher = new RecordPublisher(producer, RecordPublisher.Topics.of(config));
        final List<SourcePoller> pollers = new ArrayList<>();
        for (final SourceConfig source : config.sources()) {
            pollers.add(new SourcePoller(source, fetcher, publisher, recording, clock, config.healthFailureThreshold()));
        }
        return pollers;
    }

    private SourcePoller userPoller() {
        return pollers(Map.of()).get(0);
    }

    private static MockResponse json(final int status, final String body) {
        return new MockResponse().setResponseCode(status).setHeader("Content-Type", "application/json").setBody(body);
    }

    private static MockResponse list() {
        return json(200, LIST);
    }

    private List<PollStatus> statuses() {
        return producer.history().stream()
                .filter(record -> record.topic().equals(PollerConfig.DEFAULT_TOPIC_POLL_STATUS))
                .map(record -> (PollStatus) record.value())
                .toList();
    }

    private List<Alert> alerts() {
        return producer.history().stream()
                .filter(record -> record.topic().equals(PollerConfig.DEFAULT_TOPIC_ALERTS))
                .map(record -> (Alert) record.value())
                .toList();
    }

    private List<ProducerRecord<String, SpecificRecord>> snapshotRecords() {
        return producer.history().stream()
                .filter(record -> record.topic().equals(PollerConfig.DEFAULT_TOPIC_SNAPSHOTS))
                .toList();
    }

    private PollStatus onlyStatus() {
        assertThat(statuses()).hasSize(1);
        return statuses().get(0);
    }

    @Test
    void serverErrorThenSuccessIsRetried() {
        server.enqueue(json(503, "{\"success\":false,\"errors\":[],\"result\":null}"));
        server.enqueue(list());

        userPoller().poll();

        assertThat(server.getRequestCount()).isEqualTo(2);
        assertThat(snapshots).hasSize(1);
        assertThat(failures).isEmpty();
        final PollStatus status = onlyStatus();
        assertThat(status.getOutcome()).isEqualTo(PollOutcome.ACCEPTED);
        assertThat(status.getAttempts()).isEqualTo(2);
        assertThat(status.getSnapshotId()).isEqualTo(snapshots.get(0).getSnapshotId());
        assertThat(status.getGroupCount()).isEqualTo(1);
        assertThat(status.getHttpStatus()).isEqualTo(200);
        assertThat(status.getConsecutiveFailures()).isZero();
        assertThat(status.getSourceName()).isEqualTo("user");
        // Full jitter with random 0.5 waits half of the 1000 ms initial backoff.
        assertThat(sleeps).containsExactly(Duration.ofMillis(500));
        assertThat(status.getLatencyMillis()).isGreaterThanOrEqualTo(500);
        assertThat(logs.text()).contains("source=user attempt=1 failed, retrying in 500 ms").contains("status=503");
    }

    @Test
    void retriesStopAfterMaxAttempts() {
        for (int i = 0; i < 4; i++) {
            server.enqueue(json(502, "{\"success\":false,\"errors\":[],\"result\":null}"));
        }

        userPoller().poll();

        assertThat(server.getRequestCount()).isEqualTo(4);
        assertThat(snapshotRecords()).isEmpty();
        assertThat(sleeps).containsExactly(Duration.ofMillis(500), Duration.ofMillis(1000), Duration.ofMillis(2000));
        final PollStatus status = onlyStatus();
        assertThat(status.getOutcome()).isEqualTo(PollOutcome.FAILED);
        assertThat(status.getAttempts()).isEqualTo(4);
        assertThat(status.getHttpStatus()).isEqualTo(502);
        assertThat(status.getReason()).startsWith("HTTP_STATUS");
        assertThat(status.getConsecutiveFailures()).isEqualTo(1);
        assertThat(status.getLatencyMillis()).isEqualTo(3500);
    }

    @Test
    void rateLimitParksTokenForAllSources() {
        server.enqueue(json(429, THROTTLED)
                .setHeader("retry-after", "120")
                .setHeader("x-ratelimit-limit", "1200")
                .setHeader("x-ratelimit-remaining", "0")
                .setHeader("x-ratelimit-reset", "120"));
        server.enqueue(list());
        final List<SourcePoller> pollers = pollers(Map.of());

        pollers.get(0).poll();
        clock.advance(Duration.ofSeconds(60));
        pollers.get(1).poll();
        pollers.get(0).poll();

        // Retry-after is longer than the 30 s maximum backoff, so the poll ends instead of waiting.
        assertThat(server.getRequestCount()).isEqualTo(1);
        assertThat(sleeps).isEmpty();
        assertThat(failures).extracting(PollFailure::reason).containsOnly(Reason.RATE_LIMITED);
        assertThat(failures.get(0).cloudflareErrorCodes()).containsExactly(971);
        assertThat(failures.get(0).localLimit()).isNull();
        assertThat(failures.get(1).localLimit()).isEqualTo(LocalLimit.TOKEN_PARKED);
        assertThat(failures.get(2).localLimit()).isEqualTo(LocalLimit.TOKEN_PARKED);
        assertThat(statuses()).extracting(PollStatus::getAttempts).containsExactly(1, 0, 0);
        assertThat(statuses().get(0).getHttpStatus()).isEqualTo(429);
        assertThat(statuses().get(0).getCloudflareErrorCodes()).containsExactly(971);
        assertThat(logs.text())
                .contains("x-ratelimit-limit=1200")
                .contains("x-ratelimit-remaining=0")
                .contains("x-ratelimit-reset=120")
                .contains("parked for 120s");

        clock.advance(Duration.ofSeconds(60));
        pollers.get(1).poll();

        assertThat(server.getRequestCount()).isEqualTo(2);
        assertThat(snapshots).hasSize(1);
        assertThat(snapshots.get(0).getSource().getAccountId()).isEqualTo(ACCOUNT);
    }

    @Test
    void shortRetryAfterIsWaitedWithinPoll() {
        server.enqueue(json(429, THROTTLED).setHeader("retry-after", "2"));
        server.enqueue(list());

        userPoller().poll();

        assertThat(sleeps).containsExactly(Duration.ofSeconds(2));
        assertThat(snapshots).hasSize(1);
        assertThat(onlyStatus().getAttempts()).isEqualTo(2);
    }

    @Test
    void rateLimitWithoutRetryAfterParksFiveMinutes() {
        server.enqueue(new MockResponse().setResponseCode(429).setBody("Too many requests"));
        server.enqueue(list());
        final SourcePoller poller = userPoller();

        poller.poll();
        clock.advance(Duration.ofSeconds(299));
        poller.poll();

        assertThat(server.getRequestCount()).isEqualTo(1);

        clock.advance(Duration.ofSeconds(1));
        poller.poll();

        assertThat(server.getRequestCount()).isEqualTo(2);
        assertThat(snapshots).hasSize(1);
    }

    @Test
    void localBudgetExhaustionSendsNothing() {
        // 10 requests per minute at a share of 0.1 leaves one request per minute.
        final SourcePoller poller = pollers(Map.of("permwatch.rate.limit.requests.per.window", "10",
                "permwatch.rate.limit.window.seconds", "60")).get(0);
        server.enqueue(list());
        server.enqueue(list());

        poller.poll();
        clock.advance(Duration.ofSeconds(30));
        poller.poll();

        assertThat(server.getRequestCount()).isEqualTo(1);
        assertThat(failures).hasSize(1);
        assertThat(failures.get(0).reason()).isEqualTo(Reason.RATE_LIMITED);
        assertThat(failures.get(0).localLimit()).isEqualTo(LocalLimit.REQUEST_BUDGET);
        assertThat(failures.get(0).retryAfter()).isEqualTo(Duration.ofSeconds(30));
        assertThat(failures.get(0).message()).contains("1 requests per 60s");
        assertThat(statuses().get(1).getOutcome()).isEqualTo(PollOutcome.FAILED);
        assertThat(statuses().get(1).getAttempts()).isZero();
        assertThat(statuses().get(1).getHttpStatus()).isNull();
        assertThat(logs.text()).contains("request budget of 1 requests per 60s is spent");

        clock.advance(Duration.ofSeconds(30));
        poller.poll();

        assertThat(server.getRequestCount()).isEqualTo(2);
        assertThat(snapshots).hasSize(2);
    }

    @Test
    void readTimeoutIsRetried() {
        server.enqueue(new MockResponse().setSocketPolicy(SocketPolicy.NO_RESPONSE));
        server.enqueue(list());

        userPoller().poll();

        assertThat(snapshots).hasSize(1);
        assertThat(onlyStatus().getAttempts()).isEqualTo(2);
        assertThat(logs.text()).contains("reason=TIMEOUT");
    }

    @Test
    void bodyCutMidwayIsRetried() {
        server.enqueue(list().setSocketPolicy(SocketPolicy.DISCONNECT_DURING_RESPONSE_BODY));
        server.enqueue(list());

        userPoller().poll();

        assertThat(snapshots).hasSize(1);
        assertThat(onlyStatus().getAttempts()).isEqualTo(2);
        assertThat(logs.text()).contains("reason=CONNECTION_FAILED");
    }

    @Test
    void connectionResetIsRetried() throws Exception {
        try (ResettingServer resetting = ResettingServer.start()) {
            final List<SourcePoller> pollers = pollersFor("http://127.0.0.1:" + resetting.port() + "/client/v4");

            pollers.get(0).poll();

            assertThat(failures).hasSize(1);
            assertThat(failures.get(0).reason()).isEqualTo(Reason.CONNECTION_FAILED);
            assertThat(onlyStatus().getAttempts()).isEqualTo(4);
            assertThat(sleeps).hasSize(3);
            assertThat(resetting.connections()).isGreaterThanOrEqualTo(4);
        }
    }

    private List<SourcePoller> pollersFor(final String baseUrl) {
        return pollers(Map.of("permwatch.cloudflare.base.url", baseUrl));
    }

    /** Faults that no retry can fix: one request, a failed poll, no snapshot. */
    static Stream<Arguments> faultsNotRetried() {
        final String item = "{\"id\":\"" + ID_1 + "\",\"name\":\"Zone Read\"}";
        return Stream.of(
                Arguments.of("unauthorized 401", json(401, UNAUTHORIZED), Reason.HTTP_STATUS, 401, List.of(9109)),
                Arguments.of("forbidden 403", json(403, UNAUTHORIZED), Reason.HTTP_STATUS, 403, List.of(9109)),
                Arguments.of("success false 9109", json(200, UNAUTHORIZED), Reason.API_ERROR, 200, List.of(9109)),
                Arguments.of("authentication error in 5xx", json(503,
                        "{\"success\":false,\"errors\":[{\"code\":10000,\"message\":\"Authentication error\"}]}"),
                        Reason.HTTP_STATUS, 503, List.of(10000)),
                Arguments.of("not found", json(404, "{\"success\":false,\"errors\":[{\"code\":7003,"
                        + "\"message\":\"Could not route\"}]}"), Reason.HTTP_STATUS, 404, List.of(7003)),
                Arguments.of("not JSON", json(200, "<html>maintenance</html>"), Reason.INVALID_RESPONSE, 200, List.of()),
                Arguments.of("truncated JSON", json(200, LIST.substring(0, LIST.length() / 2)),
                        Reason.INVALID_RESPONSE, 200, List.of()),
                Arguments.of("wrong content type", new MockResponse().setHeader("Content-Type", "text/html").setBody(LIST),
                        Reason.UNEXPECTED_CONTENT_TYPE, 200, List.of()),
                Arguments.of("body over cap", json(200, LIST + " ".repeat(8192)), Reason.BODY_TOO_LARGE, null, List.of()),
                Arguments.of("result not a list", json(200, "{\"success\":true,\"errors\":[],\"result\":{\"id\":\""
                        + ID_1 + "\"}}"), Reason.INVALID_RESPONSE, 200, List.of()),
                Arguments.of("result null", json(200, "{\"success\":true,\"errors\":[],\"result\":null}"),
                        Reason.INVALID_RESPONSE, 200, List.of()),
                Arguments.of("empty list", json(200, "{\"success\":true,\"errors\":[],\"result\":[]}"),
                        Reason.INVALID_RESPONSE, 200, List.of()),
                Arguments.of("item without id", json(200, "{\"success\":true,\"errors\":[],\"result\":["
                        + "{\"name\":\"Zone Read\"}]}"), Reason.INVALID_RESPONSE, 200, List.of()),
                Arguments.of("bad id", json(200, "{\"success\":true,\"errors\":[],\"result\":["
                        + "{\"id\":\"ZZfed203ed3043cba015a93ad1616f1f\",\"name\":\"Zone Read\"}]}"),
                        Reason.INVALID_RESPONSE, 200, List.of()),
                Arguments.of("duplicate ids", json(200, "{\"success\":true,\"errors\":[],\"result\":[" + item + ","
                        + item + "]}"), Reason.INVALID_RESPONSE, 200, List.of()),
                Arguments.of("member-role items", json(200, "{\"success\":true,\"errors\":[],\"result\":["
                        + "{\"id\":\"" + ID_2 + "\",\"name\":\"Administrator\",\"meta\":{\"label\":\"admin\"}}]}"),
                        Reason.INVALID_RESPONSE, 200, List.of()),
                Arguments.of("paginated response", json(200, "{\"success\":true,\"errors\":[],\"result\":[" + item
                        + "],\"result_info\":{\"page\":1,\"per_page\":1,\"total_pages\":2}}"),
                        Reason.INVALID_RESPONSE, 200, List.of()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("faultsNotRetried")
    void faultFailsPollWithoutRetry(final String fault, final MockResponse response, final Reason reason,
                                    final Integer httpStatus, final List<Integer> codes) {
        server.enqueue(response);
        server.enqueue(list());

        userPoller().poll();

        assertThat(server.getRequestCount()).isEqualTo(1);
        assertThat(sleeps).isEmpty();
        assertThat(snapshots).isEmpty();
        assertThat(snapshotRecords()).isEmpty();
        assertThat(failures).extracting(PollFailure::reason).containsExactly(reason);
        final PollStatus status = onlyStatus();
        assertThat(status.getOutcome()).isEqualTo(PollOutcome.FAILED);
        assertThat(status.getReason()).startsWith(reason.name() + ": ");
        assertThat(status.getAttempts()).isEqualTo(1);
        assertThat(status.getHttpStatus()).isEqualTo(httpStatus);
        assertThat(status.getCloudflareErrorCodes()).isEqualTo(codes);
        assertThat(status.getConsecutiveFailures()).isEqualTo(1);
        assertThat(status.getSnapshotId()).isNull();
        assertThat(status.getGroupCount()).isNull();
        assertThat(alerts()).isEmpty();
    }

    @Test
    void throttlingCodeIsRateLimited() {
        server.enqueue(json(429, THROTTLED));

        userPoller().poll();

        assertThat(failures).extracting(PollFailure::reason).containsExactly(Reason.RATE_LIMITED);
        assertThat(onlyStatus().getCloudflareErrorCodes()).containsExactly(971);
        assertThat(onlyStatus().getHttpStatus()).isEqualTo(429);
    }

    @Test
    void unauthorizedStreakRaisesOneAlert() {
        for (int i = 0; i < 5; i++) {
            server.enqueue(json(200, UNAUTHORIZED));
        }
        server.enqueue(list());
        final SourcePoller poller = userPoller();

        for (int i = 0; i < 5; i++) {
            poller.poll();
            clock.advance(Duration.ofMinutes(1));
        }

        assertThat(server.getRequestCount()).isEqualTo(5);
        assertThat(statuses()).extracting(PollStatus::getConsecutiveFailures).containsExactly(1, 2, 3, 4, 5);
        assertThat(alerts()).hasSize(1);
        final Alert unhealthy = alerts().get(0);
        assertThat(unhealthy.getKind()).isEqualTo(AlertKind.SOURCE_UNHEALTHY);
        assertThat(unhealthy.getSeverity()).isEqualTo(AlertSeverity.CRITICAL);
        assertThat(unhealthy.getSource().getKind().name()).isEqualTo("USER");
        assertThat(unhealthy.getMessage()).contains("failed 3 polls in a row").contains("9109");
        assertThat(unhealthy.getAction()).contains("lost access to the permission-groups list")
                .contains("read API tokens' permission groups").contains("replace the token");
        assertThat(unhealthy.getDetails()).containsEntry("consecutiveFailures", "3")
                .containsEntry("cloudflareErrorCodes", "[9109]").containsEntry("cause", "ACCESS_DENIED");
        assertThat(unhealthy.getAlertId()).hasSize(32);
        assertThat(unhealthy.getRaisedAt()).isEqualTo(statuses().get(2).getPolledAt());

        poller.poll();

        assertThat(snapshots).hasSize(1);
        assertThat(alerts()).hasSize(2);
        final Alert recovered = alerts().get(1);
        assertThat(recovered.getKind()).isEqualTo(AlertKind.SOURCE_RECOVERED);
        assertThat(recovered.getSnapshotId()).isEqualTo(snapshots.get(0).getSnapshotId());
        assertThat(recovered.getMessage()).contains("after 5 failed polls");
        assertThat(statuses().get(5).getConsecutiveFailures()).isZero();
    }

    @Test
    void shortStreakRaisesNoAlert() {
        server.enqueue(json(200, UNAUTHORIZED));
        server.enqueue(json(200, UNAUTHORIZED));
        server.enqueue(list());
        final SourcePoller poller = userPoller();

        poller.poll();
        poller.poll();
        poller.poll();

        assertThat(alerts()).isEmpty();
        assertThat(snapshots).hasSize(1);
    }

    @Test
    void rateLimitStreakNamesSharedBudget() {
        final SourcePoller poller = pollers(Map.of("permwatch.health.failure.threshold", "2")).get(0);
        server.enqueue(json(429, THROTTLED).setHeader("retry-after", "60"));

        poller.poll();
        clock.advance(Duration.ofSeconds(10));
        poller.poll();

        assertThat(alerts()).hasSize(1);
        assertThat(alerts().get(0).getSeverity()).isEqualTo(AlertSeverity.WARNING);
        assertThat(alerts().get(0).getAction()).contains("1,200 requests per 5 minutes")
                .contains("lengthen the poll interval");
    }

    @Test
    void serverErrorStreakPointsToStatusPage() {
        final SourcePoller poller = pollers(Map.of("permwatch.health.failure.threshold", "1",
                "permwatch.retry.max.attempts", "1")).get(0);
        server.enqueue(json(500, "{\"success\":false,\"errors\":[],\"result\":null}"));

        poller.poll();

        assertThat(alerts()).hasSize(1);
        assertThat(alerts().get(0).getAction()).contains("Cloudflare status page");
        assertThat(alerts().get(0).getDetails()).containsEntry("httpStatus", "500");
    }

    @Test
    void endpointOrAccountChangeIsNewSeries() {
        server.enqueue(list());
        server.enqueue(list());
        final List<SourcePoller> first = pollers(Map.of());
        first.get(1).poll();
        final List<SourcePoller> changed = pollers(Map.of("permwatch.source.main.account.id",
                "fedcba9876543210fedcba9876543210"));
        changed.get(1).poll();
        server.enqueue(list());
        changed.get(0).poll();

        assertThat(snapshotRecords()).extracting(ProducerRecord::key).containsExactly(
                "account:" + ACCOUNT, "account:fedcba9876543210fedcba9876543210", "user");
        assertThat(snapshots).extracting(Snapshot::getSnapshotId).doesNotHaveDuplicates();
    }
}
