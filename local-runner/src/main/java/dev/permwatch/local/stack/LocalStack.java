package dev.permwatch.local.stack;

import dev.permwatch.local.kafka.EmbeddedKafkaBroker;
import dev.permwatch.local.kafka.TopicSetup;
import dev.permwatch.registry.LocalSchemaRegistry;
import dev.permwatch.streams.StreamsApp;
import dev.permwatch.streams.TopologySettings;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.streams.errors.MissingSourceTopicException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The Kafka side of permwatch in one JVM: an embedded broker, a local Schema Registry, the
 * permwatch topics and the streams app, all with their data below one folder.
 *
 * <p>Folder layout: {@code kafka/} (broker), {@code schema-registry/} (registered schemas) and
 * {@code streams/} (Kafka Streams state). Reusing the folder continues the same series: the
 * streams app keeps the last snapshot of each source, so the next snapshot is diffed rather than
 * treated as a new baseline.
 *
 * <p>{@link #close()} stops the parts in reverse order of start.
 */
public final class LocalStack implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LocalStack.class);

    private static final Duration STREAMS_START_TIMEOUT = Duration.ofSeconds(90);

    private final Path dataDir;
    private final StartedParts started = new StartedParts();
    private EmbeddedKafkaBroker broker;
    private LocalSchemaRegistry registry;
    private StreamsApp streamsApp;
    private Properties streamsProperties;

    private LocalStack(final Path dataDir) {
        this.dataDir = dataDir.toAbsolutePath();
    }

    /**
     * Starts broker, registry, topics and streams app, and waits until the streams app is running.
     *
     * @param dataDir       folder for all data; created if missing
     * @param applicationId Kafka Streams {@code application.id}; keep it stable to continue a series
     * @param emitBaseline  whether the first snapshot of a source yields ADDED events
     * @throws StartFailedException  if the streams app fails or does not start in time, or the thread
     *                               is interrupted; the parts already started are stopped
     * @throws IllegalStateException if another part fails to start; the parts already started are stopped
     */
    public static LocalStack start(final Path dataDir, final String applicationId, final boolean emitBaseline) {
        return start(dataDir, applicationId, emitBaseline, Map.of());
    }

    /**
     * Starts the stack as {@link #start(Path, String, boolean)} does, with extra streams app
     * settings such as {@code permwatch.removal.confirmations}.
     *
     * @param streamsSettings keys and values added to the streams app's properties; they override
     *                        the stack's own settings
     * @throws IllegalArgumentException if the streams app rejects a setting; nothing is left running
     */
    public static LocalStack start(final Path dataDir, final String applicationId, final boolean emitBaseline,
                                   final Map<String, String> streamsSettings) {
        final LocalStack stack = new LocalStack(dataDir);
        try {
            stack.startParts(applicationId, emitBaseline, streamsSettings);
            return stack;
        } catch (final RuntimeException e) {
            // Stop the parts with the interrupt flag cleared, so a stop request during start does not
            // cut their shutdown short, then restore it for the caller.
            final boolean interrupted = Thread.interrupted();
            stack.close();
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            throw e;
        }
    }

    private void startParts(final String applicationId, final boolean emitBaseline,
                            final Map<String, String> streamsSettings) {
        broker = new EmbeddedKafkaBroker(dataDir.resolve("kafka"), 0);
        started.add(broker);
        broker.start();

        try {
            registry = new LocalSchemaRegistry(dataDir.resolve("schema-registry"), 0);
        } catch (final IOException e) {
            throw new UncheckedIOException("Cannot start the local Schema Registry with data in "
                    + dataDir.resolve("schema-registry"), e);
        }
        started.add(registry);

        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            final List<String> createdTopics = new TopicSetup(admin, 1, (short) 1).createMissing();
            if (registry.store().subjects().isEmpty()) {
                RegistryRecordsCheck.rejectRecordsWithoutSchemas(admin, registry.dataFile(), createdTopics);
            }
        }

        streamsProperties = baseStreamsProperties(applicationId, emitBaseline);
        streamsProperties.putAll(streamsSettings);
        streamsApp = new StreamsApp(streamsProperties);
        started.add(streamsApp);
        streamsApp.start();
        awaitStreamsRunning();
    }

    private Properties baseStreamsProperties(final String applicationId, final boolean emitBaseline) {
        final Properties props = new Properties();
        props.putAll(serdeConfig());
        props.put("bootstrap.servers", broker.bootstrapServers());
        props.put("application.id", applicationId);
        props.put("state.dir", dataDir.resolve("streams").toString());
        // One broker: internal topics (changelog, repartition) cannot have more replicas.
        props.put("replication.factor", "1");
        props.put("permwatch.baseline.emit-added", String.valueOf(emitBaseline));
        // A run that was killed never left its consumer group, so the next run gets its tasks only when
        // that member's session expires: after 10 s instead of the default 45 s.
        props.put("session.timeout.ms", "10000");
        return props;
    }

    /**
     * Waits until the streams app is running.
     *
     * @throws StartFailedException if the streams app failed, did not start within
     *                              {@link #STREAMS_START_TIMEOUT}, or the thread was interrupted
     */
    private void awaitStreamsRunning() {
        final boolean running;
        try {
            running = streamsApp.awaitRunning(STREAMS_START_TIMEOUT);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StartFailedException("Stopped while waiting for the streams app to start", e);
        }
        if (running) {
            return;
        }
        final Throwable failure = streamsApp.failure().orElse(null);
        if (failure instanceof MissingSourceTopicException) {
            // Kafka's message does not name the topics, so name the ones this app reads.
            final TopologySettings settings = streamsApp.topologySettings();
            throw new StartFailedException("The streams app failed to start: " + failure.getMessage()
                    + ". It reads the topics " + settings.snapshotsTopic() + " and " + settings.controlTopic()
                    + ": create the missing one or correct permwatch.topic.snapshots or permwatch.topic.control",
                    failure);
        }
        if (failure != null) {
            throw new StartFailedException("The streams app failed to start: " + failure.getMessage()
                    + ". See kafka.log in " + dataDir, failure);
        }
        throw new StartFailedException("The streams app did not reach RUNNING within "
                + STREAMS_START_TIMEOUT.toSeconds() + " s (state " + streamsApp.state()
                + "); see kafka.log in " + dataDir);
    }

    /** Returns {@code bootstrap.servers} of the embedded broker. */
    public String bootstrapServers() {
        return broker.bootstrapServers();
    }

    /** Returns the URL of the local Schema Registry. */
    public String schemaRegistryUrl() {
        return registry.url();
    }

    /** Returns the serde settings for clients of this stack: registry URL and specific records. */
    public Map<String, String> serdeConfig() {
        return Map.of("schema.registry.url", registry.url(), "specific.avro.reader", "true");
    }

    /** Returns the data folder. */
    public Path dataDir() {
        return dataDir;
    }

    /**
     * Returns a copy of the streams app's properties, for clients that read the streams app's
     * configuration, such as the confirm-removals command.
     */
    public Properties streamsProperties() {
        final Properties copy = new Properties();
        copy.putAll(streamsProperties);
        return copy;
    }

    /** Returns the streams app, e.g. to check its state. */
    public StreamsApp streamsApp() {
        return streamsApp;
    }

    /** Stops the streams app, the registry and the broker, in that order. Safe to call twice. */
    @Override
    public void close() {
        started.close();
    }
}
