package dev.permwatch.streams;

import dev.permwatch.ops.HealthCheck;
import dev.permwatch.ops.OpsMeters;
import dev.permwatch.ops.OpsSettings;
import dev.permwatch.streams.metrics.DiffMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.MissingSourceTopicException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Runs the permwatch topology in one Kafka Streams client.
 *
 * <p>The constructor validates the configuration and builds the client without connecting.
 * {@link #start()} connects, and {@link #close()} stops the client and waits for it up to
 * {@link #CLOSE_TIMEOUT}. An exception that escapes a stream thread is logged and shuts the whole
 * client down, because continuing on other threads could skip snapshots of some sources.
 */
public final class StreamsApp implements AutoCloseable {

    /** Maximum time {@link #close()} waits for the client to finish in-flight work and commit. */
    public static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private static final Logger LOG = LoggerFactory.getLogger(StreamsApp.class);

    private final StreamsAppConfig config;
    private final OpsMeters meters = new OpsMeters("permwatch-streams");
    private final KafkaStreamsMetrics streamsMetrics;
    private final KafkaStreams streams;
    private final CountDownLatch running = new CountDownLatch(1);
    private final CountDownLatch stopped = new CountDownLatch(1);
    /** First exception that stopped a stream thread; null while none did. */
    private volatile Throwable failure;

    /**
     * Builds the app from one properties file's contents.
     *
     * @throws IllegalArgumentException if the configuration is invalid; the message names the key
     */
    public StreamsApp(final Properties props) {
        this(props, Clock.systemUTC());
    }

    /** Builds the app with the given clock for {@code detectedAt}, for tests and replays. */
    public StreamsApp(final Properties props, final Clock clock) {
        this.config = StreamsConfigFactory.create(props, clock);
        final DiffMetrics diffMetrics = new DiffMetrics(meters.registry());
        final Topology topology = PermwatchTopology.build(config.topologySettings(), config.serdeConfig(),
                diffMetrics);
        // The dead-letter handlers read the metrics instance from the configuration they are given.
        final Properties streamsProperties = config.streamsProperties();
        streamsProperties.put(DiffMetrics.CONFIG_KEY, diffMetrics);
        try {
            this.streams = new KafkaStreams(topology, streamsProperties);
        } catch (final RuntimeException e) {
            meters.close();
            throw e;
        }
        this.streamsMetrics = new KafkaStreamsMetrics(streams);
        streamsMetrics.bindTo(meters.registry());
        streams.setStateListener(this::onStateChange);
        streams.setUncaughtExceptionHandler(exception -> {
            if (failure == null) {
                failure = exception;
            }
            if (exception instanceof MissingSourceTopicException) {
                // A missing topic is a setup error, not a bug, so a stack trace adds nothing to the message.
                LOG.error("Stream thread {} failed, shutting down the streams app: {}",
                        Thread.currentThread().getName(), exception.getMessage());
            } else {
                LOG.error("Stream thread {} failed, shutting down the streams app: {}",
                        Thread.currentThread().getName(), exception.toString(), exception);
            }
            return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
    }

    /** Starts processing. Returns at once; use {@link #awaitRunning(Duration)} to wait for the first assignment. */
    public void start() {
        final TopologySettings settings = config.topologySettings();
        LOG.info("Starting streams app: applicationId={} processingGuarantee={} snapshots={} changes={} catalog={}"
                        + " diffReports={} emitBaselineAdded={}",
                config.streamsProperties().getProperty(StreamsConfig.APPLICATION_ID_CONFIG),
                config.streamsProperties().getProperty(StreamsConfig.PROCESSING_GUARANTEE_CONFIG),
                settings.snapshotsTopic(), settings.changesTopic(), settings.catalogTopic(),
                settings.diffReportsTopic(), settings.emitBaselineAdded());
        streams.start();
        final StreamsConfig streamsConfig = new StreamsConfig(config.streamsProperties());
        BootstrapCheck.startAsync(streamsConfig.getAdminConfigs("permwatch-bootstrap-check"), BootstrapCheck.TIMEOUT);
    }

    /** Returns the registry with the diff meters, the Kafka Streams client metrics and the JVM meters. */
    public PrometheusMeterRegistry meterRegistry() {
        return meters.registry();
    }

    /** Returns where the metrics and health endpoint should listen, as configured. */
    public OpsSettings opsSettings() {
        return config.ops();
    }

    /**
     * Returns the liveness check: the client is not in ERROR, PENDING_ERROR or NOT_RUNNING. CREATED
     * counts as live, so the check passes before {@link #start()}.
     */
    public List<HealthCheck> liveness() {
        return List.of(new HealthCheck("streams-state", () -> {
            final KafkaStreams.State state = streams.state();
            final boolean live = state != KafkaStreams.State.ERROR && state != KafkaStreams.State.PENDING_ERROR
                    && state != KafkaStreams.State.NOT_RUNNING;
            return new HealthCheck.State(live, state.name());
        }));
    }

    /** Returns the readiness check: the client is RUNNING, so every assigned task processes records. */
    public List<HealthCheck> readiness() {
        return List.of(new HealthCheck("streams-state", () -> {
            final KafkaStreams.State state = streams.state();
            return new HealthCheck.State(state == KafkaStreams.State.RUNNING, state.name());
        }));
    }

    /** Returns the current state of the Kafka Streams client. */
    public KafkaStreams.State state() {
        return streams.state();
    }

    /** Returns the first exception that stopped a stream thread, or empty while none did. */
    public Optional<Throwable> failure() {
        return Optional.ofNullable(failure);
    }

    /** Returns the topics, store and options this app runs with. */
    public TopologySettings topologySettings() {
        return config.topologySettings();
    }

    /**
     * Waits until the client is RUNNING for the first time.
     *
     * @return true if it reached RUNNING, false if the timeout passed or the client stopped first
     */
    public boolean awaitRunning(final Duration timeout) throws InterruptedException {
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (running.await(Math.min(100, timeout.toMillis()), TimeUnit.MILLISECONDS)) {
                return true;
            }
            if (stopped.getCount() == 0) {
                return false;
            }
        }
        return running.getCount() == 0;
    }

    /**
     * Waits until the client is NOT_RUNNING or ERROR.
     *
     * @return true if it stopped, false if the timeout passed first
     */
    public boolean awaitStopped(final Duration timeout) throws InterruptedException {
        return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Stops the client and leaves the consumer group, waiting up to {@link #CLOSE_TIMEOUT}. Safe to call more than once. */
    @Override
    public void close() {
        LOG.info("Stopping streams app");
        // Leaving the group lets a restarted instance take over the tasks at once. Otherwise the
        // group keeps waiting for this member until session.timeout.ms (45 s by default) passes.
        final CloseOptions options = CloseOptions
                .groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                .withTimeout(CLOSE_TIMEOUT);
        final boolean closed = streams.close(options);
        streamsMetrics.close();
        meters.close();
        if (closed) {
            LOG.info("Stopped streams app");
        } else {
            LOG.warn("Streams app did not stop within {}; its threads may still be running", CLOSE_TIMEOUT);
        }
    }

    private void onStateChange(final KafkaStreams.State newState, final KafkaStreams.State oldState) {
        LOG.info("Streams app state {} -> {}", oldState, newState);
        if (newState == KafkaStreams.State.RUNNING) {
            running.countDown();
        }
        if (newState == KafkaStreams.State.NOT_RUNNING || newState == KafkaStreams.State.ERROR) {
            stopped.countDown();
        }
    }
}
