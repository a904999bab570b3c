package dev.permwatch.local.soak;

import dev.permwatch.avro.Alert;
import dev.permwatch.avro.ChangeEvent;
import dev.permwatch.avro.DiffReport;
import dev.permwatch.avro.Snapshot;
import dev.permwatch.local.kafka.TopicSetup;
import dev.permwatch.local.stack.LocalStack;
import dev.permwatch.local.stack.TopicReader;
import dev.permwatch.poller.PollFailure;
import dev.permwatch.poller.PollListener;
import dev.permwatch.poller.SourcePoller;
import dev.permwatch.poller.cloudflare.InvalidResponseException;
import dev.permwatch.poller.cloudflare.PermissionGroupListParser;
import dev.permwatch.poller.config.PollerConfig;
import dev.permwatch.poller.publish.RecordPublisher;
import dev.permwatch.schemas.Sources;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Fault-injection soak: plays a series of recorded permission-group lists to two sources through
 * the real poller code, the embedded broker and the real streams app. Faults go into the polls of
 * one source only, and the run then checks that both sources got the same change events.
 *
 * <p>The faulty source is the user-level list, the clean one an account-level list; the streams
 * app keeps their state apart. Polls run in a loop, not on the Quartz schedule: a manual clock
 * moves 15 minutes per poll and by every retry wait, so a run of 10,000 polls takes minutes.
 * Events are read back with {@code read_committed}.
 *
 * <p>Compared per event: type, permission id, changed fields, before and after. Event ids are not
 * compared, because they contain the snapshot id, and a removal may be confirmed by a different
 * snapshot in each series: a failed poll delays the confirmation and an accepted partial list
 * counts as an absence.
 */
public final class FaultInjectionSoak {

    /**
     * Settings of one run.
     *
     * @param corpusDir   folder of recorded responses, read in name order; each must be a valid list
     * @param workDir     empty folder for the broker, registry and streams data
     * @param polls       polls per source, at least 1
     * @param faultRate   share of the faulty source's polls that get a fault, 0 to 1
     * @param seed        seed of the fault plan, the retry jitter and the changed items
     * @param blockLength polls that each recorded list is served for, at least 4
     */
    public record Settings(Path corpusDir, Path workDir, int polls, double faultRate, long seed, int blockLength) {
        public Settings {
            Objects.requireNonNull(corpusDir, "corpusDir");
            Objects.requireNonNull(workDir, "workDir");
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(FaultInjectionSoak.class);

    static final String FAULTY_SOURCE = "faulty";
    static final String CLEAN_SOURCE = "clean";
    /** Account id of the clean source; any valid id works because the API is local. */
    static final String CLEAN_ACCOUNT_ID = "0c1e2a3b4c5d4e6f8a9b0c1d2e3f4a5b";
    /** Token sent to the local server; tests check that it appears in no log and no topic. */
    public static final String TOKEN = "soak-token-8f14e45fceea167a5a36dedd4bea2543";

    private static final String APPLICATION_ID = "permwatch-soak";
    private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
    private static final Duration POLL_INTERVAL = Duration.ofMinutes(15);
    /** Short, so a stalled response costs little; local responses arrive in milliseconds. */
    private static final Duration REQUEST_TIMEOUT = Duration.ofMillis(500);
    private static final Duration STALL = Duration.ofMillis(1500);
    /** Larger than every recorded list (the largest is about 72 KB). */
    private static final long MAX_BODY_BYTES = 512 * 1024;
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(200);
    private static final Duration PROCESSING_TIMEOUT = Duration.ofMinutes(2);
    private static final int PROGRESS_EVERY = 1000;

    private final Settings settings;
    private final PrintStream out;

    /** @param out stream for progress lines, normally standard output */
    public FaultInjectionSoak(final Settings settings, final PrintStream out) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.out = Objects.requireNonNull(out, "out");
    }

    /**
     * Runs the soak and returns its counts.
     *
     * @throws IllegalArgumentException if the corpus folder is missing or empty or contains an invalid list,
     *                                  or a setting is out of range
     * @throws IllegalStateException    if Kafka or the streams app fails or times out
     */
    public SoakResult run() {
        final long startNanos = System.nanoTime();
        final List<byte[]> lists = loadLists(settings.corpusDir());
        final List<Integer> sizes = new ArrayList<>();
        for (final byte[] body : lists) {
            sizes.add(groupCount(body));
        }
        final FaultPlan plan = FaultPlan.draw(settings.polls(), sizes, settings.blockLength(), settings.faultRate(),
                settings.seed());
        final FaultResponses responses = new FaultResponses(lists, MAX_BODY_BYTES, STALL);
        final SeriesResponder responder = new SeriesResponder(responses, new Random(settings.seed()));

        try (LocalStack stack = LocalStack.start(settings.workDir(), APPLICATION_ID, false);
             FaultyApiServer server = startServer(responder)) {
            final PollerConfig config = pollerConfig(server.baseUrl(), stack);
            final ManualClock clock = new ManualClock(START);
            final Counts counts = new Counts();
            try (RecordPublisher publisher = RecordPublisher.create(config)) {
                final SourcePoller faulty = ManualClockPoller.create(config, FAULTY_SOURCE, publisher, counts, clock,
                        settings.seed());
                final SourcePoller clean = ManualClockPoller.create(config, CLEAN_SOURCE, publisher, counts, clock,
                        settings.seed());
                pollSeries(plan, responder, faulty, clean, clock);
            }
            awaitDiffReports(stack, counts);
            final EventComparison comparison = compareEvents(stack);
            final Map<String, Map<String, Integer>> alerts = countAlerts(stack);
            return result(plan, counts, comparison, alerts, Duration.ofNanos(System.nanoTime() - startNanos));
        }
    }

    private void pollSeries(final FaultPlan plan, final SeriesResponder responder, final SourcePoller faulty,
                            final SourcePoller clean, final ManualClock clock) {
        int done = 0;
        for (final FaultPlan.PlannedPoll poll : plan.polls()) {
            responder.next(poll);
            faulty.poll();
            clean.poll();
            clock.advance(POLL_INTERVAL);
            done++;
            if (done % PROGRESS_EVERY == 0) {
                out.println("soak: " + done + " of " + plan.polls().size() + " polls done");
            }
        }
    }

    private static FaultyApiServer startServer(final SeriesResponder responder) {
        try {
            return new FaultyApiServer(responder);
        } catch (final IOException e) {
            throw new UncheckedIOException("Cannot start the soak API server on 127.0.0.1", e);
        }
    }

    private static PollerConfig pollerConfig(final String baseUrl, final LocalStack stack) {
        final Properties props = new Properties();
        props.put(PollerConfig.BASE_URL, baseUrl + "/client/v4");
        props.put(PollerConfig.SOURCES, FAULTY_SOURCE + "," + CLEAN_SOURCE);
        props.put("permwatch.source." + FAULTY_SOURCE + ".endpoint", "user");
        props.put("permwatch.source." + FAULTY_SOURCE + ".interval", "15m");
        props.put("permwatch.source." + CLEAN_SOURCE + ".endpoint", "account");
        props.put("permwatch.source." + CLEAN_SOURCE + ".account.id", CLEAN_ACCOUNT_ID);
        props.put("permwatch.source." + CLEAN_SOURCE + ".interval", "15m");
        props.put(PollerConfig.HTTP_REQUEST_TIMEOUT_MS, String.valueOf(REQUEST_TIMEOUT.toMillis()));
        props.put(PollerConfig.HTTP_MAX_BODY_BYTES, String.valueOf(MAX_BODY_BYTES));
        props.put(PollerConfig.RETRY_MAX_ATTEMPTS, "3");
        props.put("bootstrap.servers", stack.bootstrapServers());
        props.putAll(stack.serdeConfig());
        return PollerConfig.fromProperties(props, Map.of(PollerConfig.DEFAULT_TOKEN_ENV, TOKEN));
    }

    /** Waits until the streams app has written a diff report for every accepted snapshot of both sources. */
    private static void awaitDiffReports(final LocalStack stack, final Counts counts) {
        final String faultyKey = Sources.key(Sources.user());
        final String cleanKey = Sources.key(Sources.account(CLEAN_ACCOUNT_ID));
        final Map<String, Integer> expected = Map.of(faultyKey, counts.accepted(FAULTY_SOURCE),
                cleanKey, counts.accepted(CLEAN_SOURCE));
        final Map<String, Integer> reports = new HashMap<>();
        final Map<String, String> lastReported = new HashMap<>();
        final Instant deadline = Instant.now().plus(PROCESSING_TIMEOUT);
        try (KafkaConsumer<String, DiffReport> consumer = consumer(stack, TopicSetup.DEFAULT_DIFF_REPORTS_TOPIC)) {
            while (!reports.getOrDefault(faultyKey, 0).equals(expected.get(faultyKey))
                    || !reports.getOrDefault(cleanKey, 0).equals(expected.get(cleanKey))) {
                checkStreamsAlive(stack);
                if (Instant.now().isAfter(deadline)) {
                    throw new IllegalStateException("Timed out after " + PROCESSING_TIMEOUT.toSeconds()
                            + " s waiting for diff reports: expected " + expected + ", got " + reports
                            + "; last snapshot published per source " + counts.lastSnapshotIds
                            + ", last snapshot reported per source " + lastReported);
                }
                for (final ConsumerRecord<String, DiffReport> record : consumer.poll(POLL_TIMEOUT)) {
                    reports.merge(record.key(), 1, Integer::sum);
                    lastReported.put(record.key(), record.value().getSnapshotId());
                }
            }
        }
    }

    /** Reads the changes topic to its end and compares the events of both sources in order. */
    private static EventComparison compareEvents(final LocalStack stack) {
        final String faultyPrefix = Sources.key(Sources.user()) + "/";
        final EventComparison comparison = new EventComparison();
        try (KafkaConsumer<String, ChangeEvent> consumer = consumer(stack, TopicSetup.DEFAULT_CHANGES_TOPIC)) {
            readToEnd(consumer, record -> comparison.add(record.key().startsWith(faultyPrefix), record.value()));
        }
        comparison.finish();
        return comparison;
    }

    private static Map<String, Map<String, Integer>> countAlerts(final LocalStack stack) {
        final Map<String, Map<String, Integer>> alerts = new HashMap<>();
        try (KafkaConsumer<String, Alert> consumer = consumer(stack, TopicSetup.DEFAULT_ALERTS_TOPIC)) {
            readToEnd(consumer, record -> alerts.computeIfAbsent(record.key(), key -> new HashMap<>())
                    .merge(record.value().getKind().name(), 1, Integer::sum));
        }
        return alerts;
    }

    private static <T> void readToEnd(final KafkaConsumer<String, T> consumer,
                                      final java.util.function.Consumer<ConsumerRecord<String, T>> action) {
        final Map<TopicPartition, Long> end = consumer.endOffsets(consumer.assignment());
        while (end.entrySet().stream().anyMatch(entry -> consumer.position(entry.getKey()) < entry.getValue())) {
            for (final ConsumerRecord<String, T> record : consumer.poll(POLL_TIMEOUT)) {
                action.accept(record);
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

    private static void checkStreamsAlive(final LocalStack stack) {
        final KafkaStreams.State state = stack.streamsApp().state();
        if (state == KafkaStreams.State.ERROR || state == KafkaStreams.State.NOT_RUNNING
                || state == KafkaStreams.State.PENDING_SHUTDOWN || state == KafkaStreams.State.PENDING_ERROR) {
            throw new IllegalStateException("The streams app stopped (state " + state
                    + ") before processing every snapshot; see kafka.log and the log output");
        }
    }

    private SoakResult result(final FaultPlan plan, final Counts counts, final EventComparison comparison,
                              final Map<String, Map<String, Integer>> alerts, final Duration duration) {
        final Map<FaultKind, Integer> faults = new EnumMap<>(FaultKind.class);
        int transientFaults = 0;
        for (final FaultPlan.PlannedPoll poll : plan.polls()) {
            if (poll.fault() != null) {
                faults.merge(poll.fault(), 1, Integer::sum);
                if (poll.yieldsFullList() && poll.fault().retryable()) {
                    transientFaults++;
                }
            }
        }
        return new SoakResult(plan.polls().size(), faults, transientFaults, counts.accepted(FAULTY_SOURCE),
                counts.accepted(CLEAN_SOURCE), counts.failed(FAULTY_SOURCE), comparison.faultyCount(),
                comparison.cleanCount(), comparison.equal(), comparison.firstDifference(),
                alerts.getOrDefault(Sources.key(Sources.user()), Map.of()),
                alerts.getOrDefault(Sources.key(Sources.account(CLEAN_ACCOUNT_ID)), Map.of()), duration);
    }

    /** Reads the recorded lists in name order and checks each with the poller's parser. */
    static List<byte[]> loadLists(final Path corpusDir) {
        final List<Path> files = RecordedListFiles.list(corpusDir);
        final PermissionGroupListParser parser = new PermissionGroupListParser();
        final List<byte[]> lists = new ArrayList<>();
        for (final Path file : files) {
            try {
                final byte[] body = Files.readAllBytes(file);
                parser.parse(body);
                lists.add(body);
            } catch (final InvalidResponseException e) {
                throw new IllegalArgumentException("Recorded list " + file.getFileName() + " is invalid: "
                        + e.getMessage() + ". Remove it from " + corpusDir.toAbsolutePath(), e);
            } catch (final IOException e) {
                throw new UncheckedIOException("Cannot read " + file.toAbsolutePath(), e);
            }
        }
        LOG.info("Soak series built from {} recorded lists in {}", lists.size(), corpusDir.toAbsolutePath());
        return lists;
    }

    private static int groupCount(final byte[] body) {
        try {
            return new PermissionGroupListParser().parse(body).size();
        } catch (final InvalidResponseException e) {
            throw new IllegalStateException("A recorded list passed validation once and failed it now", e);
        }
    }

    /** Serves the planned poll: the faulty source gets the fault, the clean source the full list. */
    private static final class SeriesResponder implements FaultyApiServer.Responder {

        private static final String FAULTY_PATH = "/client/v4/user/tokens/permission_groups";
        private static final String CLEAN_PATH = "/client/v4/accounts/" + CLEAN_ACCOUNT_ID + "/tokens/permission_groups";

        private final FaultResponses responses;
        private final Random random;
        private final AtomicInteger faultyAttempts = new AtomicInteger();
        private volatile FaultPlan.PlannedPoll current;

        SeriesResponder(final FaultResponses responses, final Random random) {
            this.responses = responses;
            this.random = random;
        }

        void next(final FaultPlan.PlannedPoll poll) {
            current = poll;
            faultyAttempts.set(0);
        }

        @Override
        public FaultyApiServer.Reply reply(final String path) {
            final FaultPlan.PlannedPoll poll = current;
            if (CLEAN_PATH.equals(path)) {
                return responses.full(poll.listIndex());
            }
            if (!FAULTY_PATH.equals(path)) {
                return new FaultyApiServer.Complete(404, Map.of("Content-Type", "application/json"),
                        "{\"success\":false,\"errors\":[{\"code\":7000,\"message\":\"No route for that URI\"}]}"
                                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
            final int attempt = faultyAttempts.getAndIncrement();
            if (poll.fault() == null || (poll.transientFault() && attempt > 0)) {
                return responses.full(poll.listIndex());
            }
            synchronized (random) {
                return responses.faulty(poll.fault(), poll.listIndex(), poll.partialDrop(), random);
            }
        }
    }

    /** Counts accepted and failed polls per source name. */
    private static final class Counts implements PollListener {

        private final Map<String, AtomicInteger> accepted = new java.util.concurrent.ConcurrentHashMap<>();
        private final Map<String, AtomicInteger> failed = new java.util.concurrent.ConcurrentHashMap<>();
        private final Map<String, String> lastSnapshotIds = new java.util.concurrent.ConcurrentHashMap<>();

        @Override
        public void onSnapshot(final String sourceName, final Snapshot snapshot) {
            accepted.computeIfAbsent(sourceName, name -> new AtomicInteger()).incrementAndGet();
            lastSnapshotIds.put(Sources.key(snapshot.getSource()), snapshot.getSnapshotId());
        }

        @Override
        public void onFailure(final String sourceName, final PollFailure failure) {
            failed.computeIfAbsent(sourceName, name -> new AtomicInteger()).incrementAndGet();
        }

        int accepted(final String sourceName) {
            return accepted.getOrDefault(sourceName, new AtomicInteger()).get();
        }

        int failed(final String sourceName) {
            return failed.getOrDefault(sourceName, new AtomicInteger()).get();
        }
    }

    /**
     * Compares the events of both sources pairwise as they are read, keeping only the events not yet
     * paired, so memory stays small for long runs.
     */
    private static final class EventComparison {

        private final Deque<String> faulty = new ArrayDeque<>();
        private final Deque<String> clean = new ArrayDeque<>();
        private int faultyCount;
        private int cleanCount;
        private int paired;
        private String firstDifference;

        void add(final boolean fromFaulty, final ChangeEvent event) {
            final String view = view(event);
            if (fromFaulty) {
                faulty.add(view);
                faultyCount++;
            } else {
                clean.add(view);
                cleanCount++;
            }
            while (!faulty.isEmpty() && !clean.isEmpty()) {
                final String fromFaultySeries = faulty.poll();
                final String fromCleanSeries = clean.poll();
                if (firstDifference == null && !fromFaultySeries.equals(fromCleanSeries)) {
                    firstDifference = "event " + paired + ": faulty " + fromFaultySeries + " vs clean " + fromCleanSeries;
                }
                paired++;
            }
        }

        void finish() {
            if (firstDifference == null && (!faulty.isEmpty() || !clean.isEmpty())) {
                firstDifference = "event " + paired + ": " + (faulty.isEmpty()
                        ? "clean series has more events, next " + clean.peek()
                        : "faulty series has more events, next " + faulty.peek());
            }
        }

        boolean equal() {
            return firstDifference == null;
        }

        int faultyCount() {
            return faultyCount;
        }

        int cleanCount() {
            return cleanCount;
        }

        String firstDifference() {
            return firstDifference;
        }

        private static String view(final ChangeEvent event) {
            return event.getType() + " " + event.getPermissionId() + " " + event.getChangedFields()
                    + " before=" + event.getBefore() + " after=" + event.getAfter();
        }
    }
}
