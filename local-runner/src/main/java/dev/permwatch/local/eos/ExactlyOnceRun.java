package dev.permwatch.local.eos;

import dev.permwatch.avro.CatalogEntry;
import dev.permwatch.avro.ChangeEvent;
import dev.permwatch.avro.DiffOutcome;
import dev.permwatch.avro.Snapshot;
import dev.permwatch.avro.SourceKind;
import dev.permwatch.local.kafka.EmbeddedKafkaBroker;
import dev.permwatch.local.kafka.TopicSetup;
import dev.permwatch.local.soak.FaultyApiServer;
import dev.permwatch.local.soak.ManualClock;
import dev.permwatch.local.soak.ManualClockPoller;
import dev.permwatch.poller.PollFailure;
import dev.permwatch.poller.PollListener;
import dev.permwatch.poller.SourcePoller;
import dev.permwatch.poller.config.PollerConfig;
import dev.permwatch.poller.publish.PublishException;
import dev.permwatch.poller.publish.RecordPublisher;
import dev.permwatch.registry.LocalSchemaRegistry;
import dev.permwatch.schemas.Sources;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.StreamsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Exactly-once check under hard faults: plays a series of permission-group lists through the real
 * poller path (HTTP server on 127.0.0.1, {@link SourcePoller}, idempotent producer) into an
 * embedded broker, while one or two streams-app instances run as child JVMs and are killed with
 * SIGKILL at random moments, restarted with or without their state folder, and the broker is
 * restarted in place. At the end it restarts whatever is down (except an instance failed over on
 * purpose, which stays down), waits until a diff report exists
 * for every snapshot written, and reads the changes and catalog topics with
 * {@code read_committed}.
 *
 * <p>Polls run in a loop on a manual clock that moves 15 minutes per step, so snapshot ids depend
 * only on the series, and a short random pause between steps keeps records in flight while a
 * fault strikes. Faults are triggered at steps spread evenly over the series. The poller waits at
 * each trigger step until the previous fault is done, so faults strike while it is still writing.
 */
public final class ExactlyOnceRun {

    private static final Logger LOG = LoggerFactory.getLogger(ExactlyOnceRun.class);

    /**
     * Settings of one run.
     *
     * @param corpusDir       folder of recorded permission-group responses the series is built from
     * @param workDir         empty folder for the broker, registry and instance data
     * @param steps           polls per source, at least 1; {@link #run()} needs at least 2, a baseline
     *                        and one later snapshot
     * @param sources         sources polled at each step, at least 1
     * @param kills           SIGKILLs of a streams-app instance, each followed by a restart on its state folder
     * @param brokerRestarts  in-place broker restarts
     * @param stateWipes      SIGKILLs followed by deleting the instance's state folder and a restart
     * @param instances       streams-app instances, 1 or 2; with 2 the second one is killed in the
     *                        middle of the run and stays down until the end
     * @param standbyReplicas Kafka Streams {@code num.standby.replicas}
     * @param duplicateEvery  re-send each source's last snapshot every this many steps, as a poller
     *                        that crashed after writing would; 0 = never
     * @param seed            seed of the series, the fault plan and the pauses
     */
    public record Settings(Path corpusDir, Path workDir, int steps, int sources, int kills, int brokerRestarts,
                           int stateWipes, int instances, int standbyReplicas, int duplicateEvery, long seed) {
        public Settings {
            Objects.requireNonNull(corpusDir, "corpusDir");
            Objects.requireNonNull(workDir, "workDir");
            requireAtLeast("steps", steps, 1);
            requireAtLeast("sources", sources, 1);
            requireAtLeast("kills", kills, 0);
            requireAtLeast("broker restarts", brokerRestarts, 0);
            requireAtLeast("state wipes", stateWipes, 0);
            requireAtLeast("standby replicas", standbyReplicas, 0);
            requireAtLeast("duplicate interval", duplicateEvery, 0);
            if (instances != 1 && instances != 2) {
                throw new IllegalArgumentException("Invalid instance count " + instances + ": expected 1 or 2");
            }
        }

        private static void requireAtLeast(final String what, final int value, final int min) {
            if (value < min) {
                throw new IllegalArgumentException("Invalid " + what + " " + value + ": expected " + min + " or more");
            }
        }
    }

    /**
     * Observation of one run: the pipeline's output read back with {@code read_committed}, and the faults done.
     *
     * @param snapshotsPerStep   snapshot written at each step per source key, in step order, duplicates not repeated
     * @param snapshotsWritten   snapshot records written per source key, duplicates included
     * @param duplicatesSent     snapshot records written again on purpose
     * @param snapshotRecords    the snapshots topic, in partition order: what the streams app read
     * @param changes            the changes topic, in partition order
     * @param abortedChanges     change records of aborted transactions, read with read_uncommitted
     * @param catalog            last catalog value per key; keys whose last record is a tombstone are absent
     * @param diffReports        diff reports per source key, read until each source has at least one per
     *                           snapshot written; {@link #run()} fails the run when they differ
     * @param reportOutcomes     diff reports per outcome
     * @param partitions         partitions of the snapshots topic
     * @param faults             kills, restarts and their timings
     */
    public record Observation(Map<String, List<WrittenSnapshot>> snapshotsPerStep, Map<String, Integer> snapshotsWritten,
                              int duplicatesSent, List<ConsumerRecord<String, Snapshot>> snapshotRecords,
                              List<ConsumerRecord<String, ChangeEvent>> changes, int abortedChanges,
                              Map<String, CatalogEntry> catalog, Map<String, Integer> diffReports,
                              Map<DiffOutcome, Integer> reportOutcomes,
                              int partitions, FaultCounts faults) {
    }

    static final String APPLICATION_ID = "permwatch-eos-check";
    /** Token sent to the local API server; no real API is contacted. */
    static final String TOKEN = "eos-check-token-2f1b9c7d5e3a4b6c8d0e1f2a3b4c5d6e";
    /**
     * Consumer session timeout of the instances: a killed instance's tasks move after this long.
     * Below the broker's default minimum of 6 s, so the run lowers {@code group.min.session.timeout.ms}.
     */
    static final Duration SESSION_TIMEOUT = Duration.ofSeconds(3);
    /**
     * Commit interval of the instances. Under exactly-once Kafka Streams commits every 100 ms by
     * default, so most kills would land between transactions; with 1 s most land inside one.
     */
    static final Duration COMMIT_INTERVAL = Duration.ofSeconds(1);
    private static final Map<String, String> BROKER_SETTINGS = Map.of("group.min.session.timeout.ms", "1000");

    private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
    private static final Duration POLL_INTERVAL = Duration.ofMinutes(15);
    private static final Duration RUNNING_TIMEOUT = Duration.ofMinutes(3);
    private static final Duration FAULT_TIMEOUT = Duration.ofMinutes(5);
    private static final Duration PROCESSING_TIMEOUT = Duration.ofMinutes(5);
    /** Maximum random pause between two steps; the mean is half of it. */
    private static final long MAX_STEP_PAUSE_MILLIS = 120;
    private static final long MAX_BODY_BYTES = 1024 * 1024;
    private static final int PROGRESS_EVERY = 50;

    private final Settings settings;
    private final PrintStream out;

    /** @param out stream for progress lines, normally standard output */
    public ExactlyOnceRun(final Settings settings, final PrintStream out) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.out = Objects.requireNonNull(out, "out");
    }

    /**
     * Generates the series from the corpus, plays it under the planned faults and compares what the
     * pipeline wrote with {@link ExpectedEvents} through {@link EventOracle}.
     *
     * @throws IllegalArgumentException if the corpus folder is missing or invalid, or a setting is out of
     *                                  range for the series generator
     * @throws IllegalStateException    if Kafka, a poll or a streams-app instance fails or times out
     */
    public RunResult run() {
        final long startNanos = System.nanoTime();
        final GeneratedSeries series = SeriesGenerator.generate(SeriesGenerator.loadCorpus(settings.corpusDir()),
                settings.steps(), settings.sources(), settings.seed());
        final ExpectedEvents expected = ExpectedEvents.compute(series, SeriesGenerator.DEFAULT_REMOVAL_CONFIRMATIONS);
        out.println("eos-check: series generated, " + expected.total() + " change events expected");

        final List<ServedSource> served = series.sources().stream()
                .map(source -> new ServedSource(source.name(), source.source(), source::responseBody))
                .toList();
        final Observation observation = observe(served);
        final OracleVerdict verdict = EventOracle.check(expected, observation.snapshotsPerStep(),
                observation.changes(), observation.catalog());

        final int written = observation.snapshotsWritten().values().stream().mapToInt(Integer::intValue).sum();
        final int reports = observation.diffReports().values().stream().mapToInt(Integer::intValue).sum();
        final boolean oneReportEach = observation.diffReports().equals(observation.snapshotsWritten());
        final String summary = oneReportEach ? verdict.summary()
                : verdict.summary() + "; diff reports per source " + observation.diffReports()
                        + " differ from snapshots written " + observation.snapshotsWritten();
        final List<Integer> takenOver = observation.faults().failoverPartitions();
        final int takenOverSnapshots = (int) observation.snapshotRecords().stream()
                .filter(record -> takenOver.contains(record.partition()))
                .count();
        return new RunResult(settings.steps(), settings.sources(), settings.instances(), observation.faults(), written,
                observation.duplicatesSent(), takenOverSnapshots, reports, verdict.expectedEvents(), verdict.actualEvents(),
                observation.abortedChanges(),
                verdict.passed() && oneReportEach, summary, Duration.ofNanos(System.nanoTime() - startNanos));
    }

    /**
     * Plays {@code sources} for {@link Settings#steps()} steps under the planned faults and returns
     * what the pipeline wrote.
     *
     * @throws IllegalArgumentException if two sources share an API path or a poller source name
     * @throws IllegalStateException    if Kafka, a poll or a streams-app instance fails or times out
     */
    Observation observe(final List<ServedSource> sources) {
        checkDistinct(sources);
        final Random random = new Random(settings.seed());
        final DisruptionPlan plan = DisruptionPlan.draw(settings.steps(), settings.kills(), settings.stateWipes(),
                settings.brokerRestarts(), settings.instances() == 2, random);
        final int partitions = settings.instances() == 2 ? 4 : 1;
        out.println("eos-check: " + settings.steps() + " steps, " + sources.size() + " sources, " + plan.events().size()
                + " faults (kills, state wipes and broker restarts), " + settings.instances() + " instance(s), " + partitions + " snapshot partition(s)");

        final List<StreamsInstance> instances = new ArrayList<>();
        final SeriesResponder responder = new SeriesResponder(sources);
        try (EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(settings.workDir().resolve("kafka"), 0,
                BROKER_SETTINGS);
             LocalSchemaRegistry registry = startRegistry(settings.workDir().resolve("schema-registry"));
             FaultyApiServer api = startApiServer(responder)) {
            broker.start();
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                    broker.bootstrapServers()))) {
                new TopicSetup(admin, partitions, (short) 1).createMissing();
            }
            final StreamsInstance.Settings instanceSettings = new StreamsInstance.Settings(broker.bootstrapServers(),
                    registry.url(), APPLICATION_ID, SESSION_TIMEOUT, settings.standbyReplicas(),
                    Map.of(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, String.valueOf(COMMIT_INTERVAL.toMillis())));
            for (int i = 1; i <= settings.instances(); i++) {
                instances.add(new StreamsInstance("streams-" + i,
                        settings.workDir().resolve("streams-" + i), instanceSettings));
            }
            try {
                return play(sources, plan, broker, registry, api.baseUrl(), responder, instances, random, partitions);
            } finally {
                instances.forEach(StreamsInstance::close);
            }
        }
    }

    private Observation play(final List<ServedSource> sources, final DisruptionPlan plan,
                             final EmbeddedKafkaBroker broker, final LocalSchemaRegistry registry,
                             final String apiBaseUrl, final SeriesResponder responder,
                             final List<StreamsInstance> instances, final Random random, final int partitions) {
        for (final StreamsInstance instance : instances) {
            instance.start();
        }
        awaitAllRunning(instances);
        out.println("eos-check: " + instances.size() + " streams-app instance(s) running");

        final Map<String, String> serdeConfig = Map.of("schema.registry.url", registry.url(),
                "specific.avro.reader", "true");
        final Snapshots snapshots = new Snapshots();
        final ManualClock clock = new ManualClock(START);
        final PollerConfig config = pollerConfig(apiBaseUrl, broker.bootstrapServers(), serdeConfig, sources);
        int duplicates = 0;

        try (Disruptor disruptor = new Disruptor(plan, instances, broker, random, RUNNING_TIMEOUT);
             RecordPublisher publisher = RecordPublisher.create(config)) {
            disruptor.start();
            final List<SourcePoller> pollers = new ArrayList<>();
            for (final ServedSource source : sources) {
                pollers.add(ManualClockPoller.create(config, source.name(), publisher, snapshots, clock,
                        settings.seed()));
            }

            int nextEvent = 0;
            for (int step = 0; step < settings.steps(); step++) {
                while (nextEvent < plan.events().size() && plan.events().get(nextEvent).triggerStep() == step) {
                    disruptor.awaitCompleted(nextEvent, FAULT_TIMEOUT);
                    disruptor.trigger(nextEvent);
                    nextEvent++;
                }
                disruptor.throwIfFailed();
                responder.serve(step);
                for (int i = 0; i < sources.size(); i++) {
                    pollStep(pollers.get(i), sources.get(i), snapshots, step);
                }
                if (settings.duplicateEvery() > 0 && (step + 1) % settings.duplicateEvery() == 0) {
                    duplicates += sendDuplicates(publisher, snapshots);
                }
                clock.advance(POLL_INTERVAL);
                if ((step + 1) % PROGRESS_EVERY == 0) {
                    out.println("eos-check: " + (step + 1) + " of " + settings.steps() + " steps polled, "
                            + disruptor.counts().kills() + " kills so far");
                }
                Thread.sleep((long) (random.nextDouble() * MAX_STEP_PAUSE_MILLIS));
            }
            disruptor.awaitCompleted(plan.events().size(), FAULT_TIMEOUT);
            disruptor.close();
            out.println("eos-check: all steps polled and all faults done; restarting what is down");

            restartForTheEnd(instances, disruptor);
            disruptor.measureRestarts();

            final CommittedOutput output = new CommittedOutput(broker.bootstrapServers(), serdeConfig);
            final CommittedOutput.Reports reports = output.awaitDiffReports(snapshots.written(), PROCESSING_TIMEOUT,
                    () -> checkInstancesAlive(instances, disruptor));
            out.println("eos-check: diff reports cover every snapshot written; reading changes and catalog");
            final List<ConsumerRecord<String, ChangeEvent>> changes = output.readChanges();
            final int aborted = output.countChangeRecordsIncludingAborted() - changes.size();
            return new Observation(snapshots.perStep(), snapshots.written(), duplicates,
                    output.readSnapshots(), changes, aborted,
                    output.readCatalog(), reports.perSource(), reports.outcomes(), partitions, disruptor.counts());
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted during the exactly-once run", e);
        }
    }

    /** Polls one source once and checks that the poll wrote a snapshot, so every step has one. */
    private static void pollStep(final SourcePoller poller, final ServedSource source, final Snapshots snapshots,
                                 final int step) {
        final int before = snapshots.stepsDone(source.name());
        poller.poll();
        if (snapshots.stepsDone(source.name()) != before + 1) {
            throw new IllegalStateException("Poll of source " + source.name() + " at step " + step
                    + " wrote no snapshot: " + snapshots.lastFailure(source.name())
                    + ". See the log for the poller's error");
        }
    }

    private static int sendDuplicates(final RecordPublisher publisher, final Snapshots snapshots) {
        int sent = 0;
        for (final Snapshot last : snapshots.lastPerSource()) {
            try {
                publisher.publish(last);
            } catch (final PublishException e) {
                throw new IllegalStateException("Re-sending snapshot " + last.getSnapshotId() + " failed: "
                        + e.getMessage(), e);
            }
            snapshots.countDuplicate(last);
            sent++;
        }
        return sent;
    }

    /**
     * Restarts every instance that is down and waits until all run. The failed-over instance stays
     * down, so the diff reports show that the other instance took over its partitions.
     */
    private void restartForTheEnd(final List<StreamsInstance> instances, final Disruptor disruptor) {
        final List<StreamsInstance> running = new ArrayList<>();
        for (final StreamsInstance instance : instances) {
            if (disruptor.isParked(instance)) {
                continue;
            }
            running.add(instance);
            if (!instance.isAlive()) {
                final long startNanos = System.nanoTime();
                instance.start();
                disruptor.recordStart(instance, startNanos);
                LOG.info("End of run: restarted {} as process {}", instance.name(), instance.pid());
            }
        }
        awaitAllRunning(running);
    }

    private static void awaitAllRunning(final List<StreamsInstance> instances) {
        for (final StreamsInstance instance : instances) {
            try {
                if (!instance.awaitRunning(RUNNING_TIMEOUT)) {
                    throw new IllegalStateException(instance.name() + " did not reach RUNNING within "
                            + RUNNING_TIMEOUT.toSeconds() + " s; see " + instance.logFile());
                }
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for " + instance.name(), e);
            }
        }
    }

    private static void checkInstancesAlive(final List<StreamsInstance> instances, final Disruptor disruptor) {
        for (final StreamsInstance instance : instances) {
            if (!instance.isAlive() && !disruptor.isParked(instance)) {
                throw new IllegalStateException(instance.name() + " (process " + instance.pid()
                        + ") exited before processing every snapshot; see " + instance.logFile());
            }
        }
    }

    private static void checkDistinct(final List<ServedSource> sources) {
        if (sources.isEmpty()) {
            throw new IllegalArgumentException("No sources to play: expected at least one");
        }
        final Map<String, String> byPath = new HashMap<>();
        final Map<String, String> byName = new HashMap<>();
        for (final ServedSource source : sources) {
            final String samePath = byPath.put(source.apiPath(), source.name());
            if (samePath != null) {
                throw new IllegalArgumentException("Sources " + samePath + " and " + source.name()
                        + " share the API path " + source.apiPath() + ": give each a different account id");
            }
            if (byName.put(source.name(), source.name()) != null) {
                throw new IllegalArgumentException("Duplicate source name " + source.name());
            }
        }
    }

    private static LocalSchemaRegistry startRegistry(final Path dir) {
        try {
            return new LocalSchemaRegistry(dir, 0);
        } catch (final IOException e) {
            throw new UncheckedIOException("Cannot start the local Schema Registry with data in " + dir, e);
        }
    }

    private static FaultyApiServer startApiServer(final SeriesResponder responder) {
        try {
            return new FaultyApiServer(responder);
        } catch (final IOException e) {
            throw new UncheckedIOException("Cannot start the local API server on 127.0.0.1", e);
        }
    }

    private static PollerConfig pollerConfig(final String baseUrl, final String bootstrapServers,
                                             final Map<String, String> serdeConfig, final List<ServedSource> sources) {
        final Properties props = new Properties();
        props.put(PollerConfig.BASE_URL, baseUrl + "/client/v4");
        props.put(PollerConfig.SOURCES, String.join(",", sources.stream().map(ServedSource::name).toList()));
        for (final ServedSource source : sources) {
            final String prefix = "permwatch.source." + source.name() + ".";
            if (source.source().getKind() == SourceKind.USER) {
                props.put(prefix + "endpoint", "user");
            } else {
                props.put(prefix + "endpoint", "account");
                props.put(prefix + "account.id", source.source().getAccountId());
            }
            props.put(prefix + "interval", "15m");
        }
        props.put(PollerConfig.HTTP_MAX_BODY_BYTES, String.valueOf(MAX_BODY_BYTES));
        props.put("bootstrap.servers", bootstrapServers);
        props.putAll(serdeConfig);
        return PollerConfig.fromProperties(props, Map.of(PollerConfig.DEFAULT_TOKEN_ENV, TOKEN));
    }

    /** Serves each source's response body of the current step. */
    private static final class SeriesResponder implements FaultyApiServer.Responder {

        private final Map<String, ServedSource> byPath = new HashMap<>();
        private volatile int step;

        SeriesResponder(final List<ServedSource> sources) {
            for (final ServedSource source : sources) {
                byPath.put(source.apiPath(), source);
            }
        }

        void serve(final int nextStep) {
            step = nextStep;
        }

        @Override
        public FaultyApiServer.Reply reply(final String path) {
            final ServedSource source = byPath.get(path);
            if (source == null) {
                return new FaultyApiServer.Complete(404, Map.of("Content-Type", "application/json"),
                        "{\"success\":false,\"errors\":[{\"code\":7003,\"message\":\"No route for that URI\"}]}"
                                .getBytes(StandardCharsets.UTF_8));
            }
            return new FaultyApiServer.Complete(200, Map.of("Content-Type", "application/json"),
                    source.responseBodies().apply(step));
        }
    }

    /** Records every snapshot the pollers wrote, per source. Thread-safe. */
    private static final class Snapshots implements PollListener {

        private final Map<String, List<WrittenSnapshot>> perStep = new ConcurrentHashMap<>();
        private final Map<String, Integer> written = new ConcurrentHashMap<>();
        private final Map<String, Snapshot> last = new LinkedHashMap<>();
        private final Map<String, Integer> stepsDone = new ConcurrentHashMap<>();
        private final Map<String, String> lastFailure = new ConcurrentHashMap<>();

        @Override
        public synchronized void onSnapshot(final String sourceName, final Snapshot snapshot) {
            final String key = Sources.key(snapshot.getSource());
            perStep.computeIfAbsent(key, ignored -> new ArrayList<>())
                    .add(new WrittenSnapshot(snapshot.getSnapshotId(), snapshot.getFetchedAt()));
            written.merge(key, 1, Integer::sum);
            last.put(key, snapshot);
            stepsDone.merge(sourceName, 1, Integer::sum);
        }

        @Override
        public void onFailure(final String sourceName, final PollFailure failure) {
            lastFailure.put(sourceName, failure.describe());
        }

        synchronized void countDuplicate(final Snapshot snapshot) {
            written.merge(Sources.key(snapshot.getSource()), 1, Integer::sum);
        }

        int stepsDone(final String sourceName) {
            return stepsDone.getOrDefault(sourceName, 0);
        }

        String lastFailure(final String sourceName) {
            return lastFailure.getOrDefault(sourceName, "no failure reported");
        }

        synchronized List<Snapshot> lastPerSource() {
            return List.copyOf(last.values());
        }

        synchronized Map<String, List<WrittenSnapshot>> perStep() {
            final Map<String, List<WrittenSnapshot>> copy = new LinkedHashMap<>();
            perStep.forEach((key, snapshots) -> copy.put(key, List.copyOf(snapshots)));
            return copy;
        }

        synchronized Map<String, Integer> written() {
            return Map.copyOf(written);
        }
    }
}
