package dev.permwatch.poller;

import dev.permwatch.avro.Snapshot;
import dev.permwatch.ops.HealthCheck;
import dev.permwatch.ops.OpsMeters;
import dev.permwatch.poller.cloudflare.CloudflareClient;
import dev.permwatch.poller.config.PollerConfig;
import dev.permwatch.poller.config.RateLimitSettings;
import dev.permwatch.poller.config.RetrySettings;
import dev.permwatch.poller.config.SourceConfig;
import dev.permwatch.poller.health.FailureCause;
import dev.permwatch.poller.metrics.PollerMetrics;
import dev.permwatch.poller.publish.RecordPublisher;
import dev.permwatch.poller.ratelimit.RequestBudget;
import dev.permwatch.poller.retry.RetryPolicy;
import dev.permwatch.poller.retry.RetryingFetcher;
import dev.permwatch.poller.retry.Sleeper;
import dev.permwatch.poller.schedule.PollScheduler;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.DoubleSupplier;

/**
 * The poller: polls every configured source on its schedule, writes each accepted list as a
 * snapshot to Kafka, one poll-status record per poll, and an alert when a source turns unhealthy
 * or recovers.
 *
 * <p>Lifecycle: construct, {@link #start()} once, {@link #close()} once or more. Several apps can
 * run in one JVM, because each has its own Quartz scheduler.
 */
public final class PollerApp implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PollerApp.class);

    /** Delay between the first polls of consecutive sources. */
    static final Duration DEFAULT_START_SPREAD = Duration.ofSeconds(2);
    /** Time {@link #close()} lets running polls finish before it interrupts them. */
    static final Duration POLL_GRACE = Duration.ofSeconds(10);
    /**
     * Time {@link #close()} lets the producer send records still in flight. Each poll waits for its
     * records to be acknowledged, so after the polls end only records of interrupted polls remain.
     */
    static final Duration PRODUCER_CLOSE_TIMEOUT = Duration.ofSeconds(5);

    /** Wait between attempts of the start-up producer check while no broker responds. */
    static final Duration PRODUCER_CHECK_RETRY = Duration.ofSeconds(5);

    private final PollerConfig config;
    private final RecordPublisher publisher;
    private final PollScheduler scheduler;
    private final OpsMeters meters = new OpsMeters("permwatch-poller");
    private final KafkaClientMetrics producerMetrics;
    private final CountDownLatch closing = new CountDownLatch(1);
    /** Set once the producer fetched the snapshots topic's metadata or a snapshot was acknowledged. */
    private final AtomicBoolean producerReady = new AtomicBoolean(false);
    // Volatile so that health probes read them without waiting for a close() in progress.
    private volatile boolean started;
    private volatile boolean closed;

    /**
     * Creates a poller that writes with a {@link KafkaProducer} built from the configuration.
     *
     * @param listener receives every poll outcome; use {@link PollListener#NONE} for none
     * @throws org.apache.kafka.common.KafkaException if the producer properties are invalid
     */
    public PollerApp(final PollerConfig config, final PollListener listener) {
        this(config, listener, RecordPublisher.create(config), DEFAULT_START_SPREAD);
    }

    /**
     * Creates a poller that writes with the given producer, for example a {@code MockProducer}.
     * Its value serializer must accept snapshots, poll-status records and alerts, as
     * {@code dev.permwatch.serde.AvroSerializer} does. The producer is closed by {@link #close()}.
     */
    public PollerApp(final PollerConfig config, final PollListener listener,
                     final Producer<String, SpecificRecord> producer) {
        this(config, listener, new RecordPublisher(producer, RecordPublisher.Topics.of(config)), DEFAULT_START_SPREAD);
    }

    PollerApp(final PollerConfig config, final PollListener listener, final RecordPublisher publisher,
              final Duration startSpread) {
        this(config, listener, publisher, startSpread, Clock.systemUTC(), Sleeper.SYSTEM, Math::random);
    }

    PollerApp(final PollerConfig config, final PollListener listener, final RecordPublisher publisher,
              final Duration startSpread, final Clock clock, final Sleeper sleeper, final DoubleSupplier random) {
        this.config = Objects.requireNonNull(config, "config");
        Objects.requireNonNull(listener, "listener");
        this.publisher = Objects.requireNonNull(publisher, "publisher");
        this.producerMetrics = publisher.bindMetrics(meters.registry());
        final PollListener listeners = new ListenerChain(List.of(new PollerMetrics(meters.registry()),
                new PollListener() {
                    @Override
                    public void onSnapshot(final String sourceName, final Snapshot snapshot) {
                        producerReady.set(true);
                    }
                }, listener));

        final CloudflareClient client = new CloudflareClient(config.baseUrl(), config.token(), config.connectTimeout(),
                config.requestTimeout(), config.maxBodyBytes(), config.pollerHost(), clock);
        // The configuration has one token, so one budget covers every source that uses it.
        final RateLimitSettings rateLimit = config.rateLimit();
        final RequestBudget budget = new RequestBudget(rateLimit.requestsPerWindow(), rateLimit.share(),
                rateLimit.window(), clock);
        final RetrySettings retry = config.retry();
        final RetryingFetcher fetcher = new RetryingFetcher(client, budget,
                new RetryPolicy(retry.maxAttempts(), retry.initialBackoff(), retry.maxBackoff()), sleeper, random);

        final List<PollScheduler.Task> tasks = new ArrayList<>();
        for (final SourceConfig source : config.sources()) {
            final SourcePoller poller = new SourcePoller(source, fetcher, publisher, listeners, clock,
                    config.healthFailureThreshold());
            tasks.add(new PollScheduler.Task(source.name(), source.schedule(), poller::poll));
        }
        try {
            this.scheduler = new PollScheduler(tasks, startSpread);
        } catch (final RuntimeException e) {
            producerMetrics.close();
            publisher.close();
            meters.close();
            throw e;
        }
    }

    /**
     * Starts polling. The first poll of the first source runs at once.
     *
     * @throws IllegalStateException if already started or closed, or if Quartz fails to start
     */
    public synchronized void start() {
        if (started || closed) {
            throw new IllegalStateException("The poller can be started only once");
        }
        started = true;
        LOG.info("Poller starting: scheduler={} {}", scheduler.name(), config);
        scheduler.start();
        final Thread check = new Thread(this::checkProducer, "permwatch-producer-check");
        check.setDaemon(true);
        check.start();
    }

    /** Returns the registry with the poll meters, the producer's metrics and the JVM meters. */
    public PrometheusMeterRegistry meterRegistry() {
        return meters.registry();
    }

    /**
     * Returns the liveness checks: the Quartz scheduler runs, or the app was not started yet.
     * After {@link #close()} the check is down.
     */
    public List<HealthCheck> liveness() {
        return List.of(new HealthCheck("scheduler", this::schedulerLiveness));
    }

    /**
     * Returns the readiness checks: the scheduler runs, and the producer fetched the snapshots
     * topic's metadata or had a snapshot acknowledged since start. The producer check stays up
     * once passed, because the producer caches the metadata; a broker lost later shows as failed
     * polls with reason {@code PUBLISH}.
     */
    public List<HealthCheck> readiness() {
        return List.of(
                new HealthCheck("scheduler", () -> scheduler.isRunning() && !isClosed()
                        ? HealthCheck.State.up("running") : HealthCheck.State.down(schedulerState())),
                new HealthCheck("producer", () -> producerReady.get()
                        ? HealthCheck.State.up("topic " + config.snapshotsTopic() + " reachable")
                        : HealthCheck.State.down("no metadata for topic " + config.snapshotsTopic() + " yet")));
    }

    private HealthCheck.State schedulerLiveness() {
        final boolean live = scheduler.isRunning() || (!isStarted() && !isClosed());
        return live ? HealthCheck.State.up(schedulerState()) : HealthCheck.State.down(schedulerState());
    }

    private String schedulerState() {
        if (isClosed()) {
            return "stopped";
        }
        if (!isStarted()) {
            return "not started";
        }
        return scheduler.isRunning() ? "running" : "not running";
    }

    private boolean isStarted() {
        return started;
    }

    private boolean isClosed() {
        return closed;
    }

    /** Fetches the snapshots topic's metadata until it succeeds or the app closes. */
    private void checkProducer() {
        while (closing.getCount() > 0 && !producerReady.get()) {
            try {
                final int partitions = publisher.snapshotsPartitionCount();
                producerReady.set(true);
                LOG.info("Producer ready: topic {} has {} partitions", config.snapshotsTopic(), partitions);
                return;
            } catch (final KafkaException e) {
                LOG.warn("Producer not ready: metadata of topic {} not available: {}; retrying in {}",
                        config.snapshotsTopic(), e.getMessage(), PRODUCER_CHECK_RETRY);
            }
            try {
                closing.await(PRODUCER_CHECK_RETRY.toMillis(), TimeUnit.MILLISECONDS);
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * Stops scheduling, waits up to 10 s for running polls to finish and interrupts those still
     * running, then closes the Kafka producer, waiting up to 5 s for records in flight. An
     * unreachable broker thus delays the stop by at most about 15 s, not by the producer's
     * {@code max.block.ms} per record. Safe to call more than once.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        closing.countDown();
        LOG.info("Poller stopping: waiting up to {} for running polls", POLL_GRACE);
        scheduler.close(POLL_GRACE);
        producerMetrics.close();
        publisher.close(PRODUCER_CLOSE_TIMEOUT);
        meters.close();
        LOG.info("Poller stopped");
    }

    /** Passes each call to every listener in order; one that throws does not stop the others. */
    private static final class ListenerChain implements PollListener {

        private final List<PollListener> listeners;

        ListenerChain(final List<PollListener> listeners) {
            this.listeners = List.copyOf(listeners);
        }

        @Override
        public void onSnapshot(final String sourceName, final Snapshot snapshot) {
            for (final PollListener listener : listeners) {
                try {
                    listener.onSnapshot(sourceName, snapshot);
                } catch (final RuntimeException e) {
                    LOG.warn("source={} poll listener failed on snapshot {}", sourceName, snapshot.getSnapshotId(), e);
                }
            }
        }

        @Override
        public void onFailure(final String sourceName, final PollFailure failure) {
            for (final PollListener listener : listeners) {
                try {
                    listener.onFailure(sourceName, failure);
                } catch (final RuntimeException e) {
                    LOG.warn("source={} poll listener failed on a failure report", sourceName, e);
                }
            }
        }

        @Override
        public void onPollFinished(final String sourceName, final FailureCause cause, final Duration elapsed,
                                   final int attempts) {
            for (final PollListener listener : listeners) {
                try {
                    listener.onPollFinished(sourceName, cause, elapsed, attempts);
                } catch (final RuntimeException e) {
                    LOG.warn("source={} poll listener failed on the end of a poll", sourceName, e);
                }
            }
        }
    }
}
