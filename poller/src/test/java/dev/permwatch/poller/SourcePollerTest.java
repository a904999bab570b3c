package dev.permwatch.poller;

import dev.permwatch.avro.Snapshot;
import dev.permwatch.poller.PollFailure.Reason;
import dev.permwatch.poller.cloudflare.CloudflareClient;
import dev.permwatch.poller.config.PollerConfig;
import dev.permwatch.poller.config.SourceConfig;
import dev.permwatch.poller.publish.SnapshotPublisher;
import dev.permwatch.poller.publish.TestSnapshotSerializer;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

class SourcePollerTest {

    private static final String LIST = "{\"success\":true,\"errors\":[],\"messages\":[],\"result\":["
            + "{\"id\":\"c8fed203ed3043cba015a93ad1616f1f\",\"name\":\"Zone Read\"}]}";

    /** A clock the test moves by hand. */
    private static final class ManualClock extends Clock {
        private volatile Instant now = Instant.parse("2026-01-22T10:00:00Z");

        void advance(final Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(final ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private final List<PollFailure> failures = new CopyOnWriteArrayList<>();
    private final List<Snapshot> snapshots = new CopyOnWriteArrayList<>();
    private final ManualClock clock = new ManualClock();
    private MockWebServer server;
    private MockProducer<String, Snapshot> producer;

    @BeforeEach
    void startServer() throws IOException {
        server = new MockWebServer();
        server.start(InetAddress.getByName("127.0.0.1"), 0);
        producer = new MockProducer<>(true, null, new StringSerializer(), new TestSnapshotSerializer());
    }

    @AfterEach
    void stopServer() throws IOException {
        server.shutdown();
    }

    private SourcePoller poller(final PollListener listener) {
        final Properties props = new Properties();
        props.setProperty("permwatch.cloudflare.base.url", "http://127.0.0.1:" + server.getPort() + "/client/v4");
        props.setProperty("permwatch.sources", "user");
        props.setProperty("permwatch.source.user.endpoint", "user");
        props.setProperty("permwatch.source.user.interval", "1m");
        props.setProperty("bootstrap.servers", "127.0.0.1:9092");
        final PollerConfig config = PollerConfig.fromProperties(props, Map.of("CLOUDFLARE_API_TOKEN", "token123"));
        final SourceConfig source = config.sources().get(0);
        final CloudflareClient client = new CloudflareClient(config.baseUrl(), config.token(), config.connectTimeout(),
                config.requestTimeout(), config.maxBodyBytes(), null, clock);
        return new SourcePoller(source, client, new SnapshotPublisher(producer, "test.snapshots"), listener, clock);
    }

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

    private static MockResponse list() {
        return new MockResponse().setHeader("Content-Type", "application/json").setBody(LIST);
    }

    @Test
    void rateLimitPausesUntilRetryAfter() {
        server.enqueue(new MockResponse().setResponseCode(429).setHeader("retry-after", "300"));
        server.enqueue(list());
        final SourcePoller poller = poller(recording);

        poller.poll();
        clock.advance(Duration.ofSeconds(60));
        poller.poll();

        assertThat(server.getRequestCount()).isEqualTo(1);
        assertThat(failures).extracting(PollFailure::reason).containsExactly(Reason.RATE_LIMITED);

        clock.advance(Duration.ofSeconds(240));
        poller.poll();

        assertThat(server.getRequestCount()).isEqualTo(2);
        assertThat(snapshots).hasSize(1);
    }

    @Test
    void pollAfterFailureWritesSnapshot() {
        server.enqueue(new MockResponse().setResponseCode(502));
        server.enqueue(list());
        final SourcePoller poller = poller(recording);

        poller.poll();
        poller.poll();

        assertThat(failures).extracting(PollFailure::reason).containsExactly(Reason.HTTP_STATUS);
        assertThat(snapshots).hasSize(1);
        assertThat(snapshots.get(0).getFetchedAt()).isEqualTo(clock.instant());
        assertThat(producer.history()).hasSize(1);
    }

    @Test
    void throwingListenerDoesNotStopPolling() {
        server.enqueue(list());
        server.enqueue(list());
        final SourcePoller poller = poller(new PollListener() {
            @Override
            public void onSnapshot(final String sourceName, final Snapshot snapshot) {
                throw new IllegalStateException("listener bug");
            }
        });

        poller.poll();
        clock.advance(Duration.ofMinutes(1));
        poller.poll();

        assertThat(producer.history()).hasSize(2);
    }
}
