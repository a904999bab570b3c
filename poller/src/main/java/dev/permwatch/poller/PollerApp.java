package dev.permwatch.poller;

import dev.permwatch.poller.cloudflare.CloudflareClient;
import dev.permwatch.poller.config.PollerConfig;
import dev.permwatch.poller.config.RateLimitSettings;
import dev.permwatch.poller.config.RetrySettings;
import dev.permwatch.poller.config.SourceConfig;
import dev.permwatch.poller.publish.RecordPublisher;
import dev.permwatch.poller.ratelimit.RequestBudget;
import dev.permwatch.poller.retry.RetryPolicy;
import dev.permwatch.poller.retry.RetryingFetcher;
import dev.permwatch.poller.retry.Sleeper;
import dev.permwatch.poller.schedule.PollScheduler;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
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

    private final PollerConfig config;
    private final RecordPublisher publisher;
    private final PollScheduler scheduler;
    private boolean started;
    private boolean closed;

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
            final SourcePoller poller = new SourcePoller(source, fetcher, publisher, listener, clock,
                    config.healthFailureThreshold());
            tasks.add(new PollScheduler.Task(source.name(), source.schedule(), poller::poll));
        }
        try {
            this.scheduler = new PollScheduler(tasks, startSpread);
        } catch (final RuntimeException e) {
            publisher.close();
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
        LOG.info("Poller stopping: waiting up to {} for running polls", POLL_GRACE);
        scheduler.close(POLL_GRACE);
        publisher.close(PRODUCER_CLOSE_TIMEOUT);
        LOG.info("Poller stopped");
    }
}
