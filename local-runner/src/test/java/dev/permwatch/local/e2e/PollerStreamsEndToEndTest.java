package dev.permwatch.local.e2e;

import dev.permwatch.avro.Alert;
import dev.permwatch.avro.AlertKind;
import dev.permwatch.avro.CatalogEntry;
import dev.permwatch.avro.ChangeEvent;
import dev.permwatch.avro.DiffOutcome;
import dev.permwatch.avro.DiffReport;
import dev.permwatch.avro.PollOutcome;
import dev.permwatch.avro.PollStatus;
import dev.permwatch.avro.Snapshot;
import dev.permwatch.local.kafka.TopicSetup;
import dev.permwatch.local.stack.LocalStack;
import dev.permwatch.local.stack.TopicReader;
import dev.permwatch.poller.PollFailure;
import dev.permwatch.poller.PollListener;
import dev.permwatch.poller.PollerApp;
import dev.permwatch.poller.config.PollerConfig;
import okhttp3.mockwebserver.Dispatcher;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Runs the real poller against a local HTTP server that plays a recorded series, and the real
 * streams app on an embedded broker with the local Schema Registry, then reads every topic back.
 *
 * <p>Series of responses: a baseline list, HTTP 500 twice (one poll that fails after its retry),
 * HTTP 200 with {@code success:false} (error 9109, not retried), and a changed list (one rename,
 * one scope change, one removal, one addition), repeated afterwards. With two removal
 * confirmations, the removal is emitted with the second snapshot of the changed list.
 */
class PollerStreamsEndToEndTest {

    private static final String TOKEN = "e2e-test-token";
    private static final String RENAMED_ID = "b33f02c6f7284e05a6f20741c0bb0567";
    private static final String UPDATED_ID = "9a8b7c6d5e4f40312a1b0c9d8e7f6a5b";
    private static final String REMOVED_ID = "7f6e5d4c3b2a41098f7e6d5c4b3a2918";
    private static final String ADDED_ID = "6e5d4c3b2a1f40987e6d5c4b3a291807";

    @TempDir
    static Path dataDir;

    private static LocalStack stack;
    private static MockWebServer api;
    private static PollerApp poller;
    private static final List<Snapshot> polledSnapshots = new CopyOnWriteArrayList<>();
    private static final List<PollFailure> pollFailures = new CopyOnWriteArrayList<>();
    private static final List<String> authorizationHeaders = new CopyOnWriteArrayList<>();
    private static final AtomicInteger permissionGroupRequests = new AtomicInteger();

    @BeforeAll
    static void startPipeline() throws IOException {
        // The default shrink guard would hold the removal of one group out of three; a higher share
        // lets this test check the plain two-snapshot confirmation.
        stack = LocalStack.start(dataDir, "permwatch-e2e", false, Map.of(
                "permwatch.removal.confirmations", "2",
                "permwatch.shrink-guard.max-share", "0.5"));

        api = new MockWebServer();
        api.setDispatcher(new SeriesDispatcher(List.of(
                json(200, resource("e2e/01-baseline.json")),
                serverError(),
                serverError(),
                json(200, resource("e2e/unauthorized-9109.json")),
                json(200, resource("e2e/02-changed.json")))));
        api.start(InetAddress.getLoopbackAddress(), 0);

        final Properties props = new Properties();
        props.put("permwatch.cloudflare.base.url", "http://127.0.0.1:" + api.getPort() + "/client/v4");
        props.put("permwatch.sources", "user");
        props.put("permwatch.source.user.endpoint", "user");
        // The poller's minimum interval; the series needs four polls.
        props.put("permwatch.source.user.interval", "PT10S");
        // Two attempts per poll, so the two HTTP 500 responses make exactly one failed poll.
        props.put("permwatch.retry.max.attempts", "2");
        props.put("permwatch.retry.initial.backoff.ms", "10");
        props.put("permwatch.retry.max.backoff.ms", "10");
        // Two failed polls in a row make the source unhealthy; the next accepted one recovers it.
        props.put("permwatch.health.failure.threshold", "2");
        props.put("bootstrap.servers", stack.bootstrapServers());
        props.putAll(stack.serdeConfig());
        final PollerConfig config = PollerConfig.fromProperties(props, Map.of("CLOUDFLARE_API_TOKEN", TOKEN));

        poller = new PollerApp(config, new PollListener() {
            @Override
            public void onSnapshot(final String sourceName, final Snapshot snapshot) {
                polledSnapshots.add(snapshot);
            }

            @Override
            public void onFailure(final String sourceName, final PollFailure failure) {
                pollFailures.add(failure);
            }
        });
        poller.start();
    }

    @AfterAll
    static void stopPipeline() throws IOException {
        if (poller != null) {
            poller.close();
        }
        if (api != null) {
            api.close();
        }
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void recordedSeriesYieldsExactEvents() {
        // Wait for the diff report of the second changed list: three snapshots processed end to end.
        final List<DiffReport> reports = new ArrayList<>();
        await().atMost(Duration.ofSeconds(150)).until(() -> {
            reports.clear();
            reports.addAll(readAll(TopicSetup.DEFAULT_DIFF_REPORTS_TOPIC, DiffReport.class).values());
            return reports.size() >= 3;
        });
        poller.close();

        assertThat(authorizationHeaders).allMatch(header -> header.equals("Bearer " + TOKEN));
        assertThat(pollFailures).extracting(PollFailure::reason)
                .startsWith(PollFailure.Reason.HTTP_STATUS, PollFailure.Reason.API_ERROR);
        assertThat(pollFailures.get(0).httpStatus()).isEqualTo(500);
        assertThat(pollFailures.get(1).cloudflareErrorCodes()).containsExactly(9109);

        // Failed polls produce no snapshot: the baseline, then the changed list (and repeats of it).
        // The failed polls sent three requests: the HTTP 500 and its retry, then the 9109 response.
        final List<Snapshot> snapshots = List.copyOf(readAll(TopicSetup.DEFAULT_SNAPSHOTS_TOPIC, Snapshot.class).values());
        assertThat(snapshots).hasSize(permissionGroupRequests.get() - 3);
        assertThat(snapshots.get(0).getGroups()).extracting(group -> group.getId()).contains(REMOVED_ID);
        assertThat(snapshots.get(1).getGroups()).extracting(group -> group.getId()).contains(ADDED_ID);
        assertThat(polledSnapshots).hasSize(snapshots.size());

        // One poll-status record per poll, in poll order: accepted, failed twice, then accepted.
        final List<PollStatus> statuses = List.copyOf(
                readAll(TopicSetup.DEFAULT_POLL_STATUS_TOPIC, PollStatus.class).values());
        assertThat(statuses).hasSize(polledSnapshots.size() + pollFailures.size());
        assertThat(statuses).extracting(PollStatus::getOutcome).startsWith(PollOutcome.ACCEPTED,
                PollOutcome.FAILED, PollOutcome.FAILED, PollOutcome.ACCEPTED);
        assertThat(statuses.get(1).getAttempts()).as("attempts of the HTTP 500 poll").isEqualTo(2);
        assertThat(statuses.get(1).getHttpStatus()).isEqualTo(500);
        assertThat(statuses.get(2).getAttempts()).as("attempts of the 9109 poll").isEqualTo(1);
        assertThat(statuses.get(2).getCloudflareErrorCodes()).containsExactly(9109);
        assertThat(statuses.get(2).getConsecutiveFailures()).isEqualTo(2);
        assertThat(statuses.get(3).getSnapshotId()).isEqualTo(snapshots.get(1).getSnapshotId());

        // The streams app may still be processing the last snapshot written before the poller stopped.
        final List<DiffReport> allReports = new ArrayList<>();
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            allReports.clear();
            allReports.addAll(readAll(TopicSetup.DEFAULT_DIFF_REPORTS_TOPIC, DiffReport.class).values());
            return allReports.size() >= snapshots.size();
        });
        assertThat(allReports).as("one diff report per snapshot").hasSize(snapshots.size());
        assertThat(allReports.get(0).getOutcome()).isEqualTo(DiffOutcome.BASELINE);
        assertThat(allReports.get(1).getOutcome()).isEqualTo(DiffOutcome.DIFFED);
        assertThat(allReports.get(1).getRenamed()).isEqualTo(1);
        assertThat(allReports.get(1).getUpdated()).isEqualTo(1);
        assertThat(allReports.get(1).getRemoved()).as("removals after the first absence").isZero();
        assertThat(allReports.get(1).getAdded()).isEqualTo(1);
        assertThat(allReports.get(2).getRemoved()).as("removals after the second absence").isEqualTo(1);
        assertThat(allReports.get(2).getAdded()).isZero();

        final List<ChangeEvent> events = List.copyOf(
                readAll(TopicSetup.DEFAULT_CHANGES_TOPIC, ChangeEvent.class).values());
        assertThat(events).extracting(event -> event.getType() + " " + event.getPermissionId() + " "
                        + event.getChangedFields())
                .containsExactlyInAnyOrder(
                        "RENAMED " + RENAMED_ID + " [name]",
                        "UPDATED " + UPDATED_ID + " [scopes]",
                        "REMOVED " + REMOVED_ID + " []",
                        "ADDED " + ADDED_ID + " []");
        final ChangeEvent renamed = events.stream()
                .filter(event -> event.getPermissionId().equals(RENAMED_ID)).findFirst().orElseThrow();
        assertThat(renamed.getBefore().getName()).isEqualTo("Teams Write");
        assertThat(renamed.getAfter().getName()).isEqualTo("Zero Trust Write");
        assertThat(renamed.getPreviousSnapshotId()).isEqualTo(allReports.get(0).getSnapshotId());
        assertThat(renamed.getSnapshotId()).isEqualTo(allReports.get(1).getSnapshotId());
        final ChangeEvent removed = events.stream()
                .filter(event -> event.getPermissionId().equals(REMOVED_ID)).findFirst().orElseThrow();
        assertThat(removed.getSnapshotId()).isEqualTo(allReports.get(2).getSnapshotId());

        final Map<String, CatalogEntry> catalog = readAll(TopicSetup.DEFAULT_CATALOG_TOPIC, CatalogEntry.class);
        assertThat(catalog).containsKey("user/" + REMOVED_ID);
        assertThat(catalog.get("user/" + REMOVED_ID)).as("catalog tombstone of the removed group").isNull();
        assertThat(catalog.get("user/" + ADDED_ID).getGroup().getName()).isEqualTo("Workers R2 Storage Read");
        assertThat(catalog.get("user/" + RENAMED_ID).getGroup().getName()).isEqualTo("Zero Trust Write");

        // The two failed polls in a row turn the source unhealthy, and the changed list recovers it.
        final List<Alert> alerts = List.copyOf(readAll(TopicSetup.DEFAULT_ALERTS_TOPIC, Alert.class).values());
        assertThat(alerts).extracting(Alert::getKind)
                .containsExactly(AlertKind.SOURCE_UNHEALTHY, AlertKind.SOURCE_RECOVERED);
        assertThat(alerts.get(1).getSnapshotId()).isEqualTo(snapshots.get(1).getSnapshotId());
    }

    /**
     * Reads a topic from the start to its current end with read_committed and returns the last
     * value per key in offset order (null for a tombstone). Only the catalog is keyed that way:
     * keys of the other topics repeat, so for those the map is keyed by offset instead.
     */
    private static <T extends SpecificRecord> Map<String, T> readAll(final String topic, final Class<T> type) {
        final boolean keyedByOffset = type != CatalogEntry.class;
        final Map<String, T> values = new java.util.LinkedHashMap<>();
        try (KafkaConsumer<String, T> consumer = TopicReader.consumer(stack.bootstrapServers(), stack.serdeConfig())) {
            final List<TopicPartition> partitions = TopicReader.partitions(consumer, List.of(topic));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            final Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                for (final ConsumerRecord<String, T> record : consumer.poll(Duration.ofMillis(100))) {
                    values.put(keyedByOffset ? String.format("%08d", record.offset()) : record.key(), record.value());
                }
                return partitions.stream().allMatch(partition -> consumer.position(partition) >= end.get(partition));
            });
        }
        return values;
    }

    private static MockResponse json(final int status, final String body) {
        return new MockResponse().setResponseCode(status)
                .setHeader("Content-Type", "application/json; charset=utf-8")
                .setBody(body);
    }

    /** Returns an HTTP 500 page as a proxy in front of the API sends it; HTML, so no Cloudflare error code. */
    private static MockResponse serverError() {
        return new MockResponse().setResponseCode(500)
                .setHeader("Content-Type", "text/html; charset=utf-8")
                .setBody("<html><body><h1>500 Internal Server Error</h1></body></html>");
    }

    private static String resource(final String name) throws IOException {
        try (InputStream in = PollerStreamsEndToEndTest.class.getClassLoader().getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** Returns the responses of the series in order, then the last one again. */
    private static final class SeriesDispatcher extends Dispatcher {

        private final List<MockResponse> series;
        private final AtomicInteger next = new AtomicInteger();

        SeriesDispatcher(final List<MockResponse> series) {
            this.series = series;
        }

        @Override
        public MockResponse dispatch(final RecordedRequest request) {
            authorizationHeaders.add(String.valueOf(request.getHeader("Authorization")));
            if (!"/client/v4/user/tokens/permission_groups".equals(request.getPath())) {
                return json(404, "{\"success\":false,\"errors\":[{\"code\":7000,\"message\":\"No route for that URI\"}]}");
            }
            permissionGroupRequests.incrementAndGet();
            return series.get(Math.min(next.getAndIncrement(), series.size() - 1));
        }
    }
}
