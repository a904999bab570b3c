package dev.permwatch.local.eos;

import dev.permwatch.avro.CatalogEntry;
import dev.permwatch.avro.ChangeEvent;
import dev.permwatch.avro.ChangeType;
import dev.permwatch.avro.DiffReport;
import dev.permwatch.avro.Snapshot;
import dev.permwatch.local.kafka.TopicSetup;
import dev.permwatch.local.soak.ManualClock;
import dev.permwatch.local.stack.LocalStack;
import dev.permwatch.local.stack.TopicReader;
import dev.permwatch.poller.PollFailure;
import dev.permwatch.poller.PollListener;
import dev.permwatch.poller.SourcePoller;
import dev.permwatch.poller.cloudflare.CloudflareClient;
import dev.permwatch.poller.config.PollerConfig;
import dev.permwatch.poller.config.RateLimitSettings;
import dev.permwatch.poller.config.RetrySettings;
import dev.permwatch.poller.config.SourceConfig;
import dev.permwatch.poller.publish.RecordPublisher;
import dev.permwatch.poller.ratelimit.RequestBudget;
import dev.permwatch.poller.retry.RetryPolicy;
import dev.permwatch.poller.retry.RetryingFetcher;
import dev.permwatch.schemas.Sources;
import okhttp3.mockwebserver.Dispatcher;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Plays a generated series through the real poller code, the embedded broker and the real streams
 * app, and checks that the oracle's expectation matches what the topics contain. A pass shows that
 * the oracle and the app apply the same rules, so a later failure under faults points at the fault.
 */
class SeriesOracleAgreementTest {

    private static final int STEPS = 30;
    private static final int SOURCES = 2;
    private static final long SEED = 20260122L;
    private static final String TOKEN = "series-oracle-token-5d41402abc4b2a76";
    private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
    private static final Duration POLL_INTERVAL = Duration.ofMinutes(15);
    private static final Duration PROCESSING_TIMEOUT = Duration.ofMinutes(2);
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(200);

    @TempDir
    Path workDir;

    @Test
    void oracleAgreesWithStreamsApp() throws Exception {
        final Path corpus = SeriesFixtures.corpusDir();
        assumeTrue(Files.isDirectory(corpus), "Recorded corpus not found at " + corpus
                + "; the oracle agreement test needs the folder cloudflare-permission-groups next to the repository");
        final GeneratedSeries series = SeriesGenerator.generate(SeriesGenerator.loadCorpus(corpus), STEPS, SOURCES,
                SEED);
        final ExpectedEvents expected = ExpectedEvents.compute(series, 2);
        assertThat(series.sources().stream().flatMap(source -> expected.forSource(source.sourceKey()).stream())
                .map(ExpectedEvent::type).distinct())
                .as("change types the series exercises")
                .containsExactlyInAnyOrderElementsOf(EnumSet.allOf(ChangeType.class));

        try (LocalStack stack = LocalStack.start(workDir, "permwatch-series-oracle", false,
                Map.of("permwatch.removal.confirmations", "2"));
             MockWebServer api = new MockWebServer()) {
            final AtomicInteger step = new AtomicInteger();
            api.setDispatcher(new SeriesDispatcher(series, step));
            api.start(InetAddress.getLoopbackAddress(), 0);

            // Poll every source once per step, on a clock that moves 15 minutes per step.
            final PollerConfig config = pollerConfig(series, "http://127.0.0.1:" + api.getPort(), stack);
            final ManualClock clock = new ManualClock(START);
            final SnapshotLog snapshots = new SnapshotLog();
            try (RecordPublisher publisher = RecordPublisher.create(config)) {
                final List<SourcePoller> pollers = config.sources().stream()
                        .map(source -> sourcePoller(config, source, publisher, snapshots, clock))
                        .toList();
                for (int current = 0; current < STEPS; current++) {
                    step.set(current);
                    pollers.forEach(SourcePoller::poll);
                    clock.advance(POLL_INTERVAL);
                }
            }
            assertThat(snapshots.failures).as("failed polls").isEmpty();
            for (final SourceSeries source : series.sources()) {
                assertThat(snapshots.bySource.get(source.sourceKey())).as("snapshots of %s", source.name())
                        .hasSize(STEPS);
            }

            // Read the topics once the streams app has reported every snapshot.
            awaitDiffReports(stack, STEPS * SOURCES);
            final List<ConsumerRecord<String, ChangeEvent>> changes = new ArrayList<>();
            this.<ChangeEvent>readToEnd(stack, TopicSetup.DEFAULT_CHANGES_TOPIC, changes::add);
            final Map<String, CatalogEntry> catalog = new HashMap<>();
            this.<CatalogEntry>readToEnd(stack, TopicSetup.DEFAULT_CATALOG_TOPIC, record -> {
                if (record.value() == null) {
                    catalog.remove(record.key());
                } else {
                    catalog.put(record.key(), record.value());
                }
            });

            final OracleVerdict verdict = EventOracle.check(expected, snapshots.bySource, changes, catalog);

            assertThat(verdict.passed()).as(verdict.summary()).isTrue();
            assertThat(verdict.actualEvents()).isEqualTo(expected.total());
        }
    }

    private static PollerConfig pollerConfig(final GeneratedSeries series, final String baseUrl,
                                             final LocalStack stack) {
        final Properties props = new Properties();
        props.put(PollerConfig.BASE_URL, baseUrl + "/client/v4");
        props.put(PollerConfig.SOURCES, String.join(",", series.sources().stream().map(SourceSeries::name).toList()));
        for (final SourceSeries source : series.sources()) {
            final String prefix = "permwatch.source." + source.name() + ".";
            props.put(prefix + "interval", "15m");
            if (source.source().getAccountId() == null) {
                props.put(prefix + "endpoint", "user");
            } else {
                props.put(prefix + "endpoint", "account");
                props.put(prefix + "account.id", source.source().getAccountId());
            }
        }
        props.put(PollerConfig.HTTP_MAX_BODY_BYTES, String.valueOf(1024 * 1024));
        props.put(PollerConfig.RETRY_MAX_ATTEMPTS, "3");
        props.put("bootstrap.servers", stack.bootstrapServers());
        props.putAll(stack.serdeConfig());
        return PollerConfig.fromProperties(props, Map.of(PollerConfig.DEFAULT_TOKEN_ENV, TOKEN));
    }

    /** Builds the poller of one source with its own client and request budget, on the stepped clock. */
    private static SourcePoller sourcePoller(final PollerConfig config, final SourceConfig source,
                                             final RecordPublisher publisher, final PollListener listener,
                                             final ManualClock clock) {
        final CloudflareClient client = new CloudflareClient(config.baseUrl(), config.token(), config.connectTimeout(),
                config.requestTimeout(), config.maxBodyBytes(), config.pollerHost(), clock);
        final RateLimitSettings rateLimit = config.rateLimit();
        final RequestBudget budget = new RequestBudget(rateLimit.requestsPerWindow(), rateLimit.share(),
                rateLimit.window(), clock);
        final RetrySettings retry = config.retry();
        final Random jitter = new Random(SEED);
        final RetryingFetcher fetcher = new RetryingFetcher(client, budget,
                new RetryPolicy(retry.maxAttempts(), retry.initialBackoff(), retry.maxBackoff()),
                clock::advance, jitter::nextDouble);
        return new SourcePoller(source, fetcher, publisher, listener, clock, config.healthFailureThreshold());
    }

    private static void awaitDiffReports(final LocalStack stack, final int expectedReports) {
        final AtomicInteger reports = new AtomicInteger();
        try (KafkaConsumer<String, DiffReport> consumer = consumer(stack, TopicSetup.DEFAULT_DIFF_REPORTS_TOPIC)) {
            await().atMost(PROCESSING_TIMEOUT).pollInSameThread().pollDelay(Duration.ZERO).until(() -> {
                final KafkaStreams.State state = stack.streamsApp().state();
                if (state == KafkaStreams.State.ERROR || state == KafkaStreams.State.NOT_RUNNING) {
                    throw new IllegalStateException("The streams app stopped (state " + state + ") after "
                            + reports.get() + " of " + expectedReports + " diff reports");
                }
                reports.addAndGet(consumer.poll(POLL_TIMEOUT).count());
                return reports.get() >= expectedReports;
            });
        }
        assertThat(reports.get()).as("diff reports").isEqualTo(expectedReports);
    }

    private <T extends SpecificRecord> void readToEnd(final LocalStack stack, final String topic,
                                                      final Consumer<ConsumerRecord<String, T>> action) {
        try (KafkaConsumer<String, T> consumer = consumer(stack, topic)) {
            final Map<TopicPartition, Long> end = consumer.endOffsets(consumer.assignment());
            while (end.entrySet().stream().anyMatch(entry -> consumer.position(entry.getKey()) < entry.getValue())) {
                consumer.poll(POLL_TIMEOUT).forEach(action);
            }
        }
    }

    private static <T extends SpecificRecord> KafkaConsumer<String, T> consumer(final LocalStack stack,
                                                                                final String topic) {
        final KafkaConsumer<String, T> consumer = TopicReader.consumer(stack.bootstrapServers(), stack.serdeConfig());
        final List<TopicPartition> partitions = TopicReader.partitions(consumer, List.of(topic));
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        return consumer;
    }

    /** Serves the response body of the current step to each source's path, 404 to any other path. */
    private static final class SeriesDispatcher extends Dispatcher {

        private final Map<String, SourceSeries> byPath = new HashMap<>();
        private final AtomicInteger step;

        SeriesDispatcher(final GeneratedSeries series, final AtomicInteger step) {
            this.step = step;
            for (final SourceSeries source : series.sources()) {
                final String accountId = source.source().getAccountId();
                byPath.put(accountId == null
                        ? "/client/v4/user/tokens/permission_groups"
                        : "/client/v4/accounts/" + accountId + "/tokens/permission_groups", source);
            }
        }

        @Override
        public MockResponse dispatch(final RecordedRequest request) {
            final SourceSeries source = byPath.get(request.getPath());
            if (source == null) {
                return new MockResponse().setResponseCode(404).setHeader("Content-Type", "application/json")
                        .setBody("{\"success\":false,\"errors\":[{\"code\":7000,\"message\":\"No route for that URI\"}]}");
            }
            return new MockResponse().setResponseCode(200).setHeader("Content-Type", "application/json")
                    .setBody(new String(source.responseBody(step.get()), StandardCharsets.UTF_8));
        }
    }

    /** Collects the snapshot of each accepted poll per source key, in poll order, and every failure. */
    private static final class SnapshotLog implements PollListener {

        private final Map<String, List<WrittenSnapshot>> bySource = new ConcurrentHashMap<>();
        private final List<String> failures = new CopyOnWriteArrayList<>();

        @Override
        public void onSnapshot(final String sourceName, final Snapshot snapshot) {
            bySource.computeIfAbsent(Sources.key(snapshot.getSource()), key -> new CopyOnWriteArrayList<>())
                    .add(new WrittenSnapshot(snapshot.getSnapshotId(), snapshot.getFetchedAt()));
        }

        @Override
        public void onFailure(final String sourceName, final PollFailure failure) {
            failures.add(sourceName + ": " + failure.describe());
        }
    }
}
